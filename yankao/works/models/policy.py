"""Policy as data: deadlines, thresholds, grade bands, defect codes, deduction rates, the
丙等 checklist and the yearly inspection minimum formula. Administrators edit them; each
dated policy applies from its ``effective_from`` date until the next one."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized


class WorksPolicy(models.Model):
    """The city's rules for tender updates, inspection records and citizen works reports,
    from a date on (工程施工查核小組作業辦法 and the city's supplementary rules)."""

    class FailedTestRule(models.TextChoices):
        CAP = "cap", _("at most the fixed score (a lower mean stays lower)")
        FIX = "fix", _("exactly the fixed score")

    effective_from = models.DateField(_("effective from"), unique=True)
    progress_update_day = models.PositiveSmallIntegerField(
        _("monthly update day"), default=6,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Agencies update each tender's progress of a month by this day of the "
                    "following month."),
    )
    record_due_working_days = models.PositiveSmallIntegerField(
        _("inspection record due (working days)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The inspection record goes to the agency within this many working days "
                    "(§9)."),
    )
    monthly_written_checks = models.PositiveSmallIntegerField(
        _("written progress checks a month"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("The inspection team checks the reported progress of at least this many "
                    "tenders in writing every month, the most behind first."),
    )
    priority_delay_points = models.DecimalField(
        _("priority delay (points)"), max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("Tenders this many points or more behind schedule go on the priority "
                    "list."),
    )
    low_award_ratio_percent = models.DecimalField(
        _("low award ratio (%)"), max_digits=5, decimal_places=2, default=Decimal("80"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Contract amount below this share of the budget counts as a low award "
                    "ratio."),
    )
    repeated_change_orders = models.PositiveSmallIntegerField(
        _("repeated change orders"), default=2, validators=[MinValueValidator(1)],
        help_text=_("This many months with a design change count as repeated change orders."),
    )
    failed_test_score = models.PositiveSmallIntegerField(
        _("score after a failed material test"), default=69,
        validators=[MaxValueValidator(100)],
        help_text=_("A failed concrete, asphalt or compaction test fixes the score here "
                    "(§7–8)."),
    )
    failed_test_rule = models.CharField(
        _("failed-test rule"), max_length=8, choices=FailedTestRule.choices,
        default=FailedTestRule.CAP,
    )
    report_handling_working_days = models.PositiveSmallIntegerField(
        _("citizen report handling (working days)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    report_extension_working_days = models.PositiveSmallIntegerField(
        _("citizen report extension (working days)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    report_max_extensions = models.PositiveSmallIntegerField(
        _("citizen report extensions allowed"), default=2,
        validators=[MaxValueValidator(10)],
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("works policy")
        verbose_name_plural = _("works policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


class GradeBand(models.Model):
    """查核成績等第: the lowest rounded score of a grade (優等 90, 甲等 80, 乙等 70, 丙等 0)."""

    policy = models.ForeignKey(WorksPolicy, on_delete=models.CASCADE, related_name="grade_bands",
                               verbose_name=_("policy"))
    code = models.SlugField(_("code"), max_length=20)
    label_zh = models.CharField(_("label (Chinese)"), max_length=20)
    label_en = models.CharField(_("label (English)"), max_length=40)
    min_score = models.PositiveSmallIntegerField(
        _("lowest score"), validators=[MaxValueValidator(100)]
    )
    triggers_consequences = models.BooleanField(
        _("brings the §10 checklist"), default=False
    )

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["policy", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="works_band_code_unique"),
            models.UniqueConstraint(fields=["policy", "min_score"],
                                    name="works_band_min_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.label_zh, self.label_en)


class DefectCode(models.Model):
    """查核缺失代碼: 4.01 agency, 4.02 supervisor, 4.03 contractor, 5.x workmanship,
    6.01 progress, 7.x design."""

    class Group(models.TextChoices):
        AGENCY = "agency", _("Agency (4.01)")
        SUPERVISOR = "supervisor", _("Supervisor (4.02)")
        CONTRACTOR = "contractor", _("Contractor (4.03)")
        WORKMANSHIP = "workmanship", _("Workmanship (5.x)")
        PROGRESS = "progress", _("Progress (6.01)")
        DESIGN = "design", _("Design (7.x)")

    code = models.CharField(_("code"), max_length=12, unique=True)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("defect code")
        verbose_name_plural = _("defect codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return localized(self.title_zh, self.title_en)


class DeductionRate(models.Model):
    """Money per deduction point (扣點), by contract size, from a date on."""

    effective_from = models.DateField(_("effective from"))
    min_contract_amount = models.PositiveBigIntegerField(
        _("contract amount from (NT$)"), default=0
    )
    amount_per_point = models.PositiveIntegerField(_("NT$ per point"))

    class Meta:
        verbose_name = _("deduction rate")
        verbose_name_plural = _("deduction rates")
        ordering = ["-effective_from", "min_contract_amount"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from", "min_contract_amount"],
                                    name="works_rate_unique"),
        ]

    def __str__(self) -> str:
        return (f"{self.effective_from:%Y-%m-%d} ≥ {self.min_contract_amount:,}: "
                f"{self.amount_per_point:,}")


class ConsequenceTemplate(models.Model):
    """One item of the checklist a 丙等 brings (§10). The city words and orders them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("丙等 checklist item")
        verbose_name_plural = _("丙等 checklist items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)


class MinimumFormula(models.Model):
    """A version of the yearly legal minimum of inspections (§4), from a date on.

    The minimum is the sum over amount bands of ``max(minimum_count, ceil(tenders × percent
    / 100))``, never more than the tenders in the band. ``verified`` says whether an
    administrator has checked the parameters against the official text.
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.TextField(_("source"), blank=True,
                              help_text=_("Where the parameters come from (law, gazette)."))
    verified = models.BooleanField(
        _("checked against the official text"), default=False,
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inspection minimum formula")
        verbose_name_plural = _("inspection minimum formulas")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from:%Y-%m-%d})"


class MinimumFormulaBand(models.Model):
    """One amount band of a minimum formula: tenders from ``min_amount`` up to (not
    including) ``max_amount``, of which ``percent`` must be inspected."""

    formula = models.ForeignKey(MinimumFormula, on_delete=models.CASCADE, related_name="bands",
                                verbose_name=_("formula"))
    label_zh = models.CharField(_("label (Chinese)"), max_length=60)
    label_en = models.CharField(_("label (English)"), max_length=120)
    min_amount = models.PositiveBigIntegerField(_("from (NT$)"))
    max_amount = models.PositiveBigIntegerField(_("below (NT$)"), null=True, blank=True)
    percent = models.DecimalField(
        _("share to inspect (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    minimum_count = models.PositiveSmallIntegerField(_("at least"), default=0)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("minimum formula band")
        verbose_name_plural = _("minimum formula bands")
        ordering = ["formula", "sort_order", "min_amount"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True)
                | models.Q(max_amount__gt=models.F("min_amount")),
                name="works_band_amounts_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.label_zh, self.label_en)

    def clean(self) -> None:
        if self.max_amount is not None and self.max_amount <= self.min_amount:
            raise ValidationError({"max_amount": _("The upper bound must be above the lower.")})
