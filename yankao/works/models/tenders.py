"""Tenders (工程標案) and their monthly progress (每月執行進度)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.numbers import percent
from yankao.works import rules

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


class Arrangement(models.TextChoices):
    """How a tender is carried out (works.rules.Arrangement: the codes §4 reads)."""

    OWN = rules.Arrangement.OWN, _("By the agency itself")  # 自辦
    SUBSIDISED = rules.Arrangement.SUBSIDISED, _("Subsidised (補助)")
    DELEGATED = rules.Arrangement.DELEGATED, _("Delegated to another agency (委託其他機關辦理)")


class Tender(models.Model):
    """工程標案: one public-works contract of an agency, as registered in the PCC tender
    management system, with its planned cumulative progress (S-curve)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Not started")
        IN_PROGRESS = "in_progress", _("Under construction")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")

    pcc_number = models.CharField(_("PCC tender number"), max_length=40, unique=True)
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="works_tenders")
    title = models.CharField(_("title"), max_length=200)
    district = models.ForeignKey("core.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True,
                                    blank=True)
    budget_amount = models.PositiveBigIntegerField(
        _("budget (NT$)"),
        help_text=_("The procurement's budget amount (預算金額): the yearly minimum of "
                    "inspections counts tenders by it (§4)."))
    contract_amount = models.PositiveBigIntegerField(_("contract amount (NT$)"))
    arrangement = models.CharField(
        _("carried out as"), max_length=12, choices=Arrangement.choices,
        default=Arrangement.OWN,
        help_text=_("Subsidised and delegated tenders are left out of the yearly minimum of "
                    "inspections since 2021-03-19 (§4)."))
    awarded_on = models.DateField(_("awarded on"))
    contractor = models.CharField(_("contractor"), max_length=200)
    supervisor = models.CharField(_("supervisor"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("planned completion"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.IN_PROGRESS)
    planned_curve = models.JSONField(
        _("planned cumulative progress"), default=list, blank=True,
        help_text=_('Month by month: [{"month": "2018-03", "percent": 12.5}, …]'),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-start_date", "pcc_number"]
        indexes = [models.Index(fields=["agency", "status"], name="works_tender_agency_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="works_tender_dates_ordered"),
            models.CheckConstraint(condition=models.Q(contract_amount__gt=0),
                                   name="works_tender_amount_positive"),
            models.CheckConstraint(condition=models.Q(budget_amount__gt=0),
                                   name="works_tender_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.pcc_number} {self.title}"

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The completion date is before the start date.")
        try:
            self.planned_by_month()
        except (TypeError, ValueError, KeyError):
            errors["planned_curve"] = _(
                "Each point needs a month (YYYY-MM) and a percent from 0 to 100, rising."
            )
        if errors:
            raise ValidationError(errors)

    def planned_by_month(self) -> dict[str, Decimal]:
        """The curve as {"2018-03": Decimal("12.5")}; raises ValueError when it is not valid."""
        curve: dict[str, Decimal] = {}
        previous = Decimal("0")
        for point in sorted(self.planned_curve or [], key=lambda p: p["month"]):
            month = str(point["month"])
            dt.date.fromisoformat(f"{month}-01")
            percent = Decimal(str(point["percent"]))
            if not Decimal("0") <= percent <= Decimal("100") or percent < previous:
                raise ValueError(f"bad percent at {month}")
            curve[month] = percent
            previous = percent
        return curve

    def planned_percent(self, month: dt.date) -> Decimal | None:
        """The planned cumulative % at the end of ``month`` (the last point before it)."""
        curve = self.planned_by_month()
        key = month_key(month)
        earlier = [value for month_name, value in curve.items() if month_name <= key]
        return earlier[-1] if earlier else (Decimal("0") if curve else None)

    @property
    def award_ratio(self) -> Decimal | None:
        """決標比: contract amount ÷ budget, in %."""
        return percent(self.contract_amount, self.budget_amount)


class MonthlyProgress(models.Model):
    """每月執行進度: planned and actual cumulative % at the end of a month, the amount
    spent, and why it is behind, stopped or changed. Photos are attachments of this row."""

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.PROTECT,
                               related_name="progress")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    planned_percent = models.DecimalField(_("planned %"), max_digits=5, decimal_places=2,
                                          validators=PERCENT_VALIDATORS)
    actual_percent = models.DecimalField(_("actual %"), max_digits=5, decimal_places=2,
                                         validators=PERCENT_VALIDATORS)
    amount_spent = models.PositiveBigIntegerField(_("amount spent to date (NT$)"))
    delay_reason = models.TextField(_("reason for the delay"), blank=True)
    stopped = models.BooleanField(_("work stopped this month"), default=False)
    stoppage_days = models.PositiveSmallIntegerField(
        _("days stopped"), default=0, validators=[MaxValueValidator(31)]
    )
    stoppage_reason = models.TextField(_("reason for the stoppage"), blank=True)
    design_change = models.BooleanField(_("design change this month"), default=False)
    design_change_note = models.TextField(_("design change"), blank=True)
    regression_reason = models.TextField(
        _("reason the actual % went down"), blank=True,
    )
    due_at = models.DateTimeField(_("due"))
    submitted_at = models.DateTimeField(_("first submitted"))
    updated_at = models.DateTimeField(_("last updated"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["tender", "month"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "month"], name="works_progress_month"),
            models.CheckConstraint(
                condition=models.Q(actual_percent__gte=0, actual_percent__lte=100,
                                   planned_percent__gte=0, planned_percent__lte=100),
                name="works_progress_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["month", "tender"], name="works_progress_month_idx")]

    def __str__(self) -> str:
        return f"{self.tender.pcc_number} {self.month:%Y-%m}"

    @property
    def delay_points(self) -> Decimal:
        """Planned − actual cumulative %, in points (positive: behind)."""
        return self.planned_percent - self.actual_percent

    @property
    def on_time(self) -> bool:
        return self.submitted_at <= self.due_at


class ProgressCheck(models.Model):
    """進度書面查核: the inspection team's written check of a tender's progress in a month,
    from the progress the agency reported. A behind tender may be put forward for an
    inspection (it then heads the priority list)."""

    class Finding(models.TextChoices):
        ON_SCHEDULE = "on_schedule", _("On schedule")
        BEHIND_EXPLAINED = "behind_explained", _("Behind; the reasons and the catch-up plan hold")
        ACTION = "action", _("Behind; the agency is asked to act")
        INSPECT = "inspect", _("Behind; to be inspected on site")

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.PROTECT,
                               related_name="written_checks")
    month = models.DateField(_("month"), help_text=_("The first day of the month checked."))
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("written progress check")
        verbose_name_plural = _("written progress checks")
        ordering = ["-month", "tender"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "month"], name="works_check_month"),
        ]
        indexes = [models.Index(fields=["month"], name="works_check_month_idx")]

    def __str__(self) -> str:
        return f"{self.tender.pcc_number} {self.month:%Y-%m}"


class PriorityFlag(models.Model):
    """Why a tender should be inspected first, from outside its own records: a media
    report or a contractor's complaint (§4 ¶3 item 1 from 2023-08-09), a designation by
    the competent authority or the team's agency (item 4), or an agency's own request for
    an inspection (¶4). Citizen reports, delays, award prices, contract changes and poor
    grades come from their own records."""

    class Source(models.TextChoices):
        MEDIA = "media", _("Media report")
        CONTRACTOR = "contractor_report", _("Report by a contractor")
        DESIGNATED = "designated", _("Designated by the competent authority or the agency")
        AGENCY_REQUEST = "agency_request", _("The agency asks for an inspection")

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.PROTECT,
                               related_name="priority_flags")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    noted_on = models.DateField(_("dated"))
    reference = models.CharField(_("reference"), max_length=200, blank=True,
                                 help_text=_("A document number or the address of the report."))
    note = models.TextField(_("what it says"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("reason to inspect first")
        verbose_name_plural = _("reasons to inspect first")
        ordering = ["-noted_on", "-id"]
        indexes = [models.Index(fields=["noted_on"], name="works_flag_noted_idx")]

    def __str__(self) -> str:
        return f"{self.tender.pcc_number} {self.get_source_display()} {self.noted_on:%Y-%m-%d}"
