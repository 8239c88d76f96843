"""Controlled programs (列管計畫), their work plans and monthly progress reports.

Percentages of progress are stored in basis points (63.19 % is 6319) so that the delay —
planned minus actual, in points — is exact integer arithmetic on SQLite and PostgreSQL
alike. Money is in NT$ as integers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized

BP_RANGE = models.Q(planned_bp__gte=0, planned_bp__lte=10000)


def bp_to_pct(bp: int | None) -> Decimal | None:
    return None if bp is None else (Decimal(bp) / 100).quantize(Decimal("0.01"))


class ControlLevel(models.TextChoices):
    EXECUTIVE_YUAN = "executive_yuan", _("Executive Yuan controlled")  # 院列管
    MINISTRY = "ministry", _("Ministry controlled")  # 部會管制
    CITY = "city", _("City controlled")  # 市府列管
    SELF = "self", _("Self-controlled")  # 自行管制


class Program(models.Model):
    """列管計畫: a program the city controls for one year, owned by one agency."""

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=32)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="programs")
    control_level = models.CharField(_("control level"), max_length=20,
                                     choices=ControlLevel.choices, default=ControlLevel.CITY)
    budget = models.PositiveBigIntegerField(_("budget (NT$)"))
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("controlled program")
        verbose_name_plural = _("controlled programs")
        ordering = ["-year", "agency__sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="programs_program_code"),
            models.CheckConstraint(condition=models.Q(year__gte=1990, year__lte=2200),
                                   name="programs_program_year"),
        ]
        indexes = [models.Index(fields=["year", "agency"], name="programs_prog_year_agency")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class Checkpoint(models.Model):
    """查核點: a dated milestone of a program."""

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE,
                                related_name="checkpoints")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["program", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d} {self.title}"

    @property
    def agency(self):
        return self.program.agency


class WorkPlan(models.Model):
    """作業計畫: the planned cumulative % for each month. Submitted, reviewed, approved;
    a revision is a new version with a reason, and approving it supersedes the old one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        SUPERSEDED = "superseded", _("Superseded")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE,
                                related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    revision_reason = models.TextField(_("reason for the revision"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="programs_plan_version"),
            models.UniqueConstraint(fields=["program"], condition=models.Q(status="approved"),
                                    name="programs_plan_one_approved"),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(revision_reason=""),
                name="programs_plan_revision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} v{self.version}"

    @property
    def agency(self):
        return self.program.agency


class PlanMonth(models.Model):
    """One month of a work plan: planned cumulative progress and budget."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE,
                             related_name="months")
    month = models.PositiveSmallIntegerField(_("month"))
    planned_bp = models.PositiveIntegerField(_("planned cumulative progress (basis points)"))
    planned_budget = models.PositiveBigIntegerField(_("planned cumulative spending (NT$)"),
                                                    default=0)

    class Meta:
        verbose_name = _("planned month")
        verbose_name_plural = _("planned months")
        ordering = ["plan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="programs_planmonth_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12),
                                   name="programs_planmonth_month"),
            models.CheckConstraint(condition=BP_RANGE, name="programs_planmonth_bp"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.month:02d}: {self.planned_pct}%"

    @property
    def planned_pct(self) -> Decimal:
        return bp_to_pct(self.planned_bp)


class ProgressReport(models.Model):
    """月報: a month's actual cumulative progress and spending, with the planned values of
    the approved plan copied in when it is submitted (a later plan revision does not
    rewrite history). Review chain: submitted → unit head → commission."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting the unit head")
        UNIT_APPROVED = "unit_approved", _("Approved by the unit head, awaiting the commission")
        APPROVED = "approved", _("Approved by the commission")
        RETURNED = "returned", _("Returned for correction")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT,
                                related_name="reports")
    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT,
                             related_name="reports")
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    planned_bp = models.PositiveIntegerField(_("planned cumulative progress (basis points)"))
    actual_bp = models.PositiveIntegerField(_("actual cumulative progress (basis points)"))
    planned_budget = models.PositiveBigIntegerField(_("planned cumulative spending (NT$)"))
    budget_executed = models.PositiveBigIntegerField(_("cumulative spending (NT$)"))
    narrative = models.TextField(_("progress narrative"))
    delay_reason = models.TextField(_("reason for the delay"), blank=True)
    budget_reason = models.TextField(_("reason for low budget execution"), blank=True)
    regression_reason = models.TextField(_("reason progress fell since last month"), blank=True)
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    unit_reviewed_at = models.DateTimeField(_("unit head reviewed at"), null=True, blank=True)
    unit_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         verbose_name=_("unit head"),
                                         on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    verbose_name=_("approved by"), on_delete=models.PROTECT,
                                    related_name="+")
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["program", "month"]
        constraints = [
            models.UniqueConstraint(fields=["program", "month"], name="programs_report_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12),
                                   name="programs_report_month_range"),
            models.CheckConstraint(condition=models.Q(actual_bp__gte=0, actual_bp__lte=10000),
                                   name="programs_report_actual_range"),
            models.CheckConstraint(condition=BP_RANGE, name="programs_report_planned_range"),
        ]
        indexes = [models.Index(fields=["month", "status"], name="programs_report_month_st")]

    def __str__(self) -> str:
        return f"{self.program.code} {self.program.year}-{self.month:02d}"

    @property
    def agency(self):
        return self.program.agency

    @property
    def planned_pct(self) -> Decimal:
        return bp_to_pct(self.planned_bp)

    @property
    def actual_pct(self) -> Decimal:
        return bp_to_pct(self.actual_bp)

    @property
    def delay_points(self) -> Decimal:
        """Planned minus actual, in percentage points (negative: ahead of plan)."""
        return bp_to_pct(self.planned_bp - self.actual_bp)

    @property
    def is_late(self) -> bool:
        from yankao.core.calendar import as_taipei

        return as_taipei(self.submitted_at).date() > self.due_on
