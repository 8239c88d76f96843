"""Policy as data: deadlines, thresholds, grade bands, defect codes, deduction rates, the
丙等 checklist and the dated texts of the yearly inspection minimum (§4). Administrators
edit them; each dated policy applies from its ``effective_from`` date until the next one."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
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
    """One dated text of 工程施工查核小組作業辦法 §4, the yearly minimum of inspections, in
    force from ``effective_from`` to ``effective_until`` (empty: still in force). Versions
    may not share a day. The rules are ``works.rules.legal_minimum``; the shipped versions
    (2003-09-10, 2021-03-19, 2023-08-09) are in ``works/policy_defaults.py``."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("in force from"), unique=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True,
                                       help_text=_("The last day; empty while in force."))
    citation = models.CharField(
        _("article"), max_length=200,
        help_text=_("The article and the order that issued it, as cited in reports."))
    overall_percent = models.DecimalField(
        _("share of all tenders (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("At least this share of the year's tenders at or above the floor is "
                    "inspected in all (10 since 2021-03-19; 0 when the text sets none)."))
    overall_floor_amount = models.PositiveBigIntegerField(
        _("floor of the share (NT$ budget)"), default=0,
        help_text=_("Tenders with a budget amount from this up count in the share."))
    excludes_subsidised_and_delegated = models.BooleanField(
        _("subsidised and delegated tenders left out"), default=False,
        help_text=_("不含補助及委託其他機關辦理案件 (since 2021-03-19)."))
    source = models.TextField(_("source"), blank=True,
                              help_text=_("Where the text comes from (law database, gazette)."))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inspection minimum (§4 version)")
        verbose_name_plural = _("inspection minimum (§4 versions)")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from:%Y-%m-%d})"

    def clean(self) -> None:
        from yankao.works.rules import versions_overlap

        if self.effective_until and self.effective_from and (
                self.effective_until < self.effective_from):
            raise ValidationError({"effective_until": _(
                "The last day in force is before the first.")})
        if not self.effective_from:
            return
        overlapping = [other for other in MinimumFormula.objects.exclude(pk=self.pk)
                       if versions_overlap((self.effective_from, self.effective_until),
                                           (other.effective_from, other.effective_until))]
        if overlapping:
            # The first day falls inside another version, or the range runs into one.
            inside = [other for other in overlapping if versions_overlap(
                (self.effective_from, self.effective_from),
                (other.effective_from, other.effective_until))]
            other = (inside or overlapping)[0]
            raise ValidationError({"effective_from" if inside else "effective_until": _(
                "These dates overlap version %(code)s (%(start)s to %(end)s); a day has "
                "one version of §4.") % {
                "code": other.code, "start": f"{other.effective_from:%Y-%m-%d}",
                "end": (f"{other.effective_until:%Y-%m-%d}" if other.effective_until
                        else _("now"))}})


class MinimumFormulaBand(models.Model):
    """One item of §4 ¶1: tenders with a budget amount from ``min_amount`` up to (not
    including) ``max_amount``, of which at least ``percent`` % and at least
    ``minimum_count`` are inspected, all of them when there are fewer."""

    formula = models.ForeignKey(MinimumFormula, on_delete=models.CASCADE, related_name="bands",
                                verbose_name=_("version"))
    label_zh = models.CharField(_("label (Chinese)"), max_length=60)
    label_en = models.CharField(_("label (English)"), max_length=120)
    min_amount = models.PositiveBigIntegerField(_("from (NT$ budget)"))
    max_amount = models.PositiveBigIntegerField(_("below (NT$ budget)"), null=True, blank=True)
    percent = models.DecimalField(
        _("share of the band (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    minimum_count = models.PositiveSmallIntegerField(_("at least (all when fewer)"), default=0)
    citation = models.CharField(_("item"), max_length=60, blank=True,
                                help_text=_("e.g. §4 ¶1 item 1"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("amount band")
        verbose_name_plural = _("amount bands")
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
        if self.max_amount is not None and self.min_amount is not None and (
                self.max_amount <= self.min_amount):
            raise ValidationError({"max_amount": _("The upper bound must be above the lower.")})
        if self.formula_id is None or self.min_amount is None:
            return
        for other in MinimumFormulaBand.objects.filter(formula_id=self.formula_id).exclude(
                pk=self.pk):
            if self.min_amount < (other.max_amount or 2**63) and other.min_amount < (
                    self.max_amount or 2**63):
                raise ValidationError({"min_amount": _(
                    "This band overlaps the band %(label)s of the same version.")
                    % {"label": other.label}})


class PriorityCategory(models.Model):
    """A category of tenders §4 says to put first (§4 ¶3 from 2023-08-09), and the reasons
    of the priority list that fall in it."""

    formula = models.ForeignKey(MinimumFormula, on_delete=models.CASCADE,
                                related_name="priority_categories", verbose_name=_("version"))
    number = models.PositiveSmallIntegerField(_("item"))
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=300)
    reasons = models.CharField(
        _("reasons of the priority list"), max_length=200,
        help_text=_("Codes, comma-separated: behind, citizen_reports, contractor_report, "
                    "media, written_check, low_award_ratio, change_orders, previous_poor, "
                    "designated."))
    citation = models.CharField(_("article"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("priority category (§4)")
        verbose_name_plural = _("priority categories (§4)")
        ordering = ["formula", "number"]
        constraints = [
            models.UniqueConstraint(fields=["formula", "number"],
                                    name="works_priority_category_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)

    def reason_codes(self) -> list[str]:
        return [code.strip() for code in self.reasons.split(",") if code.strip()]


class MinimumAdjustment(models.Model):
    """A year's count of one band as the head of the inspection team's agency approved it
    instead of the law's (§4 ¶2: 「前項各款之查核件數，必要時得經查核小組（設立）機關首長
    核准予以調整，並報主管機關備查」). Recorded with the approval; every change audited."""

    year = models.PositiveSmallIntegerField(_("year"))
    band = models.ForeignKey(MinimumFormulaBand, on_delete=models.PROTECT,
                             related_name="adjustments", verbose_name=_("band"))
    count = models.PositiveSmallIntegerField(_("approved count"))
    approved_by = models.CharField(_("approved by"), max_length=100,
                                   help_text=_("The head of the agency, name and title."))
    approved_on = models.DateField(_("approved on"))
    document_number = models.CharField(_("document number"), max_length=60)
    reported_on = models.DateField(_("reported to the PCC on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("approved adjustment of the minimum")
        verbose_name_plural = _("approved adjustments of the minimum")
        ordering = ["-year", "band__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "band"], name="works_adjustment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.band}: {self.count}"
