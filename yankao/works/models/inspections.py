"""Unannounced inspections (不預先通知查核), their scores, material tests, defects with
before/after photos, and the 丙等 checklist."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Inspection(models.Model):
    """工程施工查核: one visit of the inspection team to a tender's site.

    The agency does not see a planned inspection, nor its date, before the day it happens
    (``selectors.inspection_visible``). ``score`` is the rounded mean of the inspectors'
    scores after the material-test rule; it is provisional while tests are pending.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("Inspection")
        RE_INSPECTION = "re_inspection", _("Re-inspection")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RECORDED = "recorded", _("Recorded")
        SENT = "sent", _("Record sent to the agency")
        CLOSED = "closed", _("Closed")

    class Origin(models.TextChoices):
        ROUTINE = "routine", _("Routine selection")
        PRIORITY = "priority", _("Priority list")
        CITIZEN_REPORT = "citizen_report", _("Citizen works report")

    class GraveFinding(models.TextChoices):
        """§8 ¶1 items 4–6: findings that make the inspection 丙等 whatever the scores."""

        STRUCTURE = "structure", _("The main structure differs gravely from the design")
        MATERIALS = "materials", _("Main materials or equipment differ gravely from the design")
        SAFETY = "safety", _("Another grave fault that affects safety")

    number = models.CharField(_("number"), max_length=20, unique=True)
    tender = models.ForeignKey("works.Tender", verbose_name=_("tender"),
                               on_delete=models.PROTECT, related_name="inspections")
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FIRST)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECORDED)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices,
                              default=Origin.ROUTINE)
    first_inspection = models.ForeignKey(
        "self", verbose_name=_("first inspection"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="re_inspections",
    )
    citizen_report = models.ForeignKey(
        "works.CitizenReport", verbose_name=_("citizen works report"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="inspections",
    )
    inspected_on = models.DateField(_("inspection date"))
    summary = models.TextField(_("summary"), blank=True)
    mean_score = models.DecimalField(_("mean of scores"), max_digits=5, decimal_places=2,
                                     null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True,
                                             validators=[MaxValueValidator(100)])
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    score_provisional = models.BooleanField(_("provisional"), default=False)
    score_fixed_by_test = models.BooleanField(_("fixed by a failed test"), default=False)
    grave_finding = models.CharField(_("grave finding (§8)"), max_length=12, blank=True,
                                     choices=GraveFinding.choices)
    score_withheld = models.BooleanField(
        _("score told after the tests"), default=False,
        help_text=_("A score of 70 or more is told to the agency only once the material "
                    "test results are in (§8 ¶3 from 2021-03-19)."))
    record_due_at = models.DateTimeField(_("record due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("record sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-number"]
        indexes = [
            models.Index(fields=["agency", "inspected_on"], name="works_insp_agency_idx"),
            models.Index(fields=["inspected_on", "kind"], name="works_insp_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="first", first_inspection__isnull=True)
                | models.Q(kind="re_inspection", first_inspection__isnull=False),
                name="works_reinspection_linked",
            ),
        ]

    def __str__(self) -> str:
        # Never the date: str() ends up in audit events an agency may read.
        return self.number


class InspectorScore(models.Model):
    """One inspector (查核委員) of an inspection and the score they gave."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name=_("inspection"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector account"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    name = models.CharField(_("inspector"), max_length=60)
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("inspector's score")
        verbose_name_plural = _("inspectors' scores")
        ordering = ["inspection", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100),
                                   name="works_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.score}"


class MaterialTest(models.Model):
    """材料試驗: a sample taken at the inspection and its laboratory result."""

    class Material(models.TextChoices):
        CONCRETE = "concrete", _("Concrete")
        ASPHALT = "asphalt", _("Asphalt concrete")
        COMPACTION = "compaction", _("Compaction")
        STEEL = "steel", _("Reinforcing steel")
        OTHER = "other", _("Other")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE,
                                   related_name="material_tests", verbose_name=_("inspection"))
    material = models.CharField(_("material"), max_length=12, choices=Material.choices)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices,
                              default=Result.PENDING)
    result_on = models.DateField(_("result date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("material test")
        verbose_name_plural = _("material tests")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return f"{self.get_material_display()}: {self.get_result_display()}"


class Defect(models.Model):
    """查核缺失: one finding, with its code, severity and deduction points, which the agency
    improves (before/after photos) and the inspection team verifies."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", _("To improve")
        SUBMITTED = "submitted", _("Improvement reported")
        VERIFIED = "verified", _("Improvement verified")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="defects",
                                   verbose_name=_("inspection"))
    code = models.ForeignKey("works.DefectCode", verbose_name=_("defect code"),
                             on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.MINOR)
    deduction_points = models.PositiveSmallIntegerField(_("deduction points"), default=0,
                                                        validators=[MaxValueValidator(100)])
    amount_per_point = models.PositiveIntegerField(_("NT$ per point"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    improvement_due = models.DateField(_("improve by"), null=True, blank=True)
    improvement_note = models.TextField(_("improvement"), blank=True)
    improved_at = models.DateTimeField(_("improvement reported"), null=True, blank=True)
    improved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("verified by"))
    verification_note = models.TextField(_("verification note"), blank=True)

    class Meta:
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        ordering = ["inspection", "id"]
        indexes = [models.Index(fields=["status"], name="works_defect_status_idx")]

    def __str__(self) -> str:
        return f"{self.inspection.number} {self.code.code}"

    @property
    def deduction_amount(self) -> int:
        """扣款: points × NT$ per point (the rate in force when the defect was recorded)."""
        return self.deduction_points * self.amount_per_point


class DefectPhoto(models.Model):
    """A before or after photo of a defect's improvement (an attachment, content-checked)."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    defect = models.ForeignKey(Defect, on_delete=models.CASCADE, related_name="photos",
                               verbose_name=_("defect"))
    attachment = models.OneToOneField("core.Attachment", on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("file"))
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)

    class Meta:
        verbose_name = _("defect photo")
        verbose_name_plural = _("defect photos")
        ordering = ["defect", "stage", "id"]

    def __str__(self) -> str:
        return f"{self.defect} {self.stage}"


class InspectionConsequence(models.Model):
    """One item of a 丙等 inspection's §10 checklist and whether it is done."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE,
                                   related_name="consequences", verbose_name=_("inspection"))
    template = models.ForeignKey("works.ConsequenceTemplate", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("item"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("done by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("丙等 checklist entry")
        verbose_name_plural = _("丙等 checklist entries")
        ordering = ["inspection", "template__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "template"],
                                    name="works_consequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection.number} {self.template.code}"
