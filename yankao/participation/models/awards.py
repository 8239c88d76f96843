"""Staff innovation awards (市政創新提案): agencies submit proposals, a written first
review, a panel with conflict-of-interest recusal scores weighted criteria, the
aggregation rule is declared before scoring, outliers get a written resolution, tiers
are filled by quota, the anonymised score matrix is published and adoption is followed
up with the receiving agencies' replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized


class AwardRound(models.Model):
    class Stage(models.TextChoices):
        SUBMISSION = "submission", _("Submission")
        FIRST_REVIEW = "first_review", _("Written first review")
        SCORING = "scoring", _("Panel scoring")
        RESULTS = "results", _("Results drafted")
        PUBLISHED = "published", _("Published")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean of the judges' totals")
        TRIMMED = "trimmed", _("Mean without the highest and lowest total")
        ZSCORE = "zscore", _("Mean of per-judge z-scores (for incomplete panels)")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices,
                             default=Stage.SUBMISSION)
    aggregation = models.CharField(_("aggregation rule"), max_length=10,
                                   choices=Aggregation.choices, default=Aggregation.MEAN)
    rule_declared_at = models.DateTimeField(_("rule declared at"), null=True, blank=True)
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=100)
    outlier_gap = models.PositiveSmallIntegerField(
        _("outlier gap (points)"), default=20,
        help_text=_("A judge's total this far from the other judges' mean is flagged."))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("innovation award round")
        verbose_name_plural = _("innovation award rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gt=models.F("min_score")),
                                   name="award_score_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class AwardCriterion(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="criteria")
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class AwardTier(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="tiers")
    name_zh = models.CharField(_("name (Chinese)"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=40, blank=True)
    quota = models.PositiveSmallIntegerField(_("quota"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("award tier")
        verbose_name_plural = _("award tiers")
        ordering = ["round", "order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class InnovationProposal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PASSED = "passed", _("Passed the first review")
        NOT_PASSED = "not_passed", _("Not passed at the first review")

    round = models.ForeignKey(AwardRound, verbose_name=_("round"), on_delete=models.PROTECT,
                              related_name="proposals")
    number = models.PositiveSmallIntegerField(_("number"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="innovation_proposals")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    team = models.CharField(_("team"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SUBMITTED)
    first_review_note = models.TextField(_("first review (written)"), blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=9, decimal_places=4,
                                      null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    tier = models.ForeignKey(AwardTier, verbose_name=_("tier"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="proposals")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("innovation proposal")
        verbose_name_plural = _("innovation proposals")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="award_proposal_number"),
        ]

    def __str__(self) -> str:
        return f"{self.round.year}-{self.number:03d} {self.title}"


class Judge(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("judge"),
                             on_delete=models.PROTECT, related_name="award_panels")
    outside = models.BooleanField(_("outside expert"), default=False)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    letter = models.CharField(_("letter in the published matrix"), max_length=2)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["round", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="award_judge_once"),
            models.UniqueConstraint(fields=["round", "letter"], name="award_judge_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.round.year} · {self.letter}"


class Recusal(models.Model):
    """A judge's conflict of interest with a proposal: that judge cannot score it."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="recusals")
    proposal = models.ForeignKey(InnovationProposal, on_delete=models.CASCADE,
                                 related_name="recusals")
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["judge", "proposal"], name="award_recusal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.judge} · {self.proposal.number}"


class Score(models.Model):
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    proposal = models.ForeignKey(InnovationProposal, on_delete=models.PROTECT,
                                 related_name="scores")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT,
                                  related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["judge", "proposal", "criterion"],
                                    name="award_score_once"),
            models.CheckConstraint(condition=models.Q(value__lte=1000), name="award_score_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.judge} · {self.proposal.number} · {self.value}"


class OutlierFlag(models.Model):
    """A judge's total far from the others' for one proposal: kept or left out only with
    a written resolution, never dropped silently."""

    proposal = models.ForeignKey(InnovationProposal, on_delete=models.CASCADE,
                                 related_name="outliers")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="outliers")
    total = models.DecimalField(_("judge's total"), max_digits=7, decimal_places=2)
    others_mean = models.DecimalField(_("other judges' mean"), max_digits=7, decimal_places=2)
    resolution = models.TextField(_("resolution"), blank=True)
    excluded = models.BooleanField(_("score left out"), default=False)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outlier")
        verbose_name_plural = _("outliers")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "judge"], name="award_outlier_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal.number} · {self.judge.letter}"


class Adoption(models.Model):
    """An awarded proposal sent to an agency for adoption (參採), with its reply."""

    proposal = models.ForeignKey(InnovationProposal, on_delete=models.PROTECT,
                                 related_name="adoptions")
    agency = models.ForeignKey("core.Agency", verbose_name=_("receiving agency"),
                               on_delete=models.PROTECT, related_name="innovation_adoptions")
    sent_on = models.DateField(_("sent on"))
    reply = models.TextField(_("reply"), blank=True)
    adopted = models.BooleanField(_("adopted"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "agency"], name="award_adoption_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.agency}"
