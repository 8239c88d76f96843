"""Year-end evaluation (年終考核): self-evaluation → first review → second review → approval.

The weights of the score components and the grade scale are chosen per year
(:class:`EvaluationRound`); the final score is the weighted sum of the second review's
component scores, and the grade is the band it falls in, both fixed at approval.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.programs.models.policy import PERCENT, GradeBand, GradeScale, ScoreComponent
from yankao.programs.models.programs import Program


class EvaluationRound(models.Model):
    """The year-end evaluation of one year's programs: its grade scale and weights."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    grade_scale = models.ForeignKey(GradeScale, verbose_name=_("grade scale"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class RoundWeight(models.Model):
    """The weight (in %) of one score component in one year's evaluation; they sum to 100."""

    round = models.ForeignKey(EvaluationRound, verbose_name=_("evaluation round"),
                              on_delete=models.CASCADE, related_name="weights")
    component = models.ForeignKey(ScoreComponent, verbose_name=_("score component"),
                                  on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("score weight")
        verbose_name_plural = _("score weights")
        ordering = ["round", "component__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "component"], name="programs_weight_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.component}: {self.weight}%"


class YearEndEvaluation(models.Model):
    """One program's year-end evaluation."""

    class Status(models.TextChoices):
        SELF_EVALUATION = "self_evaluation", _("Self-evaluation by the agency")
        FIRST_REVIEW = "first_review", _("First review")
        SECOND_REVIEW = "second_review", _("Second review")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    class Stage(models.TextChoices):
        SELF = "self", _("Self-evaluation")
        FIRST = "first", _("First review")
        SECOND = "second", _("Second review")

    round = models.ForeignKey(EvaluationRound, verbose_name=_("evaluation round"),
                              on_delete=models.PROTECT, related_name="evaluations")
    program = models.OneToOneField(Program, verbose_name=_("program"),
                                   on_delete=models.PROTECT, related_name="evaluation")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SELF_EVALUATION)
    self_comment = models.TextField(_("self-evaluation"), blank=True)
    first_comment = models.TextField(_("first review opinion"), blank=True)
    second_comment = models.TextField(_("second review opinion"), blank=True)
    self_submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       verbose_name=_("first reviewer"),
                                       on_delete=models.PROTECT, related_name="+")
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        verbose_name=_("second reviewer"),
                                        on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2,
                                      null=True, blank=True, validators=PERCENT)
    grade = models.ForeignKey(GradeBand, verbose_name=_("grade"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("year-end evaluation")
        verbose_name_plural = _("year-end evaluations")
        ordering = ["round", "program__agency__sort_order", "program__code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(grade__isnull=False, final_score__isnull=False),
                name="programs_evaluation_approved_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.program.code}"

    @property
    def agency(self):
        return self.program.agency


class EvaluationScore(models.Model):
    """One component's score (0–100) at one stage of an evaluation."""

    evaluation = models.ForeignKey(YearEndEvaluation, verbose_name=_("evaluation"),
                                   on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField(_("stage"), max_length=10, choices=YearEndEvaluation.Stage.choices)
    component = models.ForeignKey(ScoreComponent, verbose_name=_("score component"),
                                  on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["evaluation", "stage", "component__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "stage", "component"],
                                    name="programs_score_unique"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100),
                                   name="programs_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.stage} {self.component}: {self.score}"
