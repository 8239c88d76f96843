"""Policy as data: thresholds, the reporting day, grade bands and score components.

Everything here is edited in the administration and dated where the rule changed, so a
city with other rules changes rows, not code. Defaults (``programs/reference.py``) follow
高雄市政府列管計畫評鑑要點.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def points_to_bp(points: Decimal) -> int:
    """Percentage points (5.00) to basis points (500), the unit progress is stored in."""
    return int((Decimal(points) * 100).to_integral_value())


class ControlPolicy(models.Model):
    """管考規定: delay thresholds, the monthly reporting day and other limits, from a date on."""

    effective_from = models.DateField(_("effective from"), unique=True)
    delay_minor_points = models.DecimalField(
        _("behind from (points)"), max_digits=5, decimal_places=2, default=Decimal("5.00"),
        validators=PERCENT,
        help_text=_("A program this many points or more behind plan is behind schedule."),
    )
    delay_severe_points = models.DecimalField(
        _("severely behind from (points)"), max_digits=5, decimal_places=2,
        default=Decimal("10.00"), validators=PERCENT,
        help_text=_("A program this many points or more behind plan is severely behind."),
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("report due day"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("A month's progress report is due by this day of the following month "
                    "(moved to the next working day when it is a holiday)."),
    )
    budget_execution_floor_pct = models.DecimalField(
        _("budget execution floor (%)"), max_digits=5, decimal_places=2,
        default=Decimal("80.00"), validators=PERCENT,
        help_text=_("Below this share of the planned budget, a report must give a reason."),
    )
    document_overdue_flag_pct = models.DecimalField(
        _("document overdue flag (%)"), max_digits=5, decimal_places=2,
        default=Decimal("3.00"), validators=PERCENT,
        help_text=_("Agencies with a larger share of overdue documents are flagged."),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True,
        help_text=_("The rule these values come from, e.g. 高雄市政府列管計畫評鑑要點."),
    )

    class Meta:
        verbose_name = _("control policy")
        verbose_name_plural = _("control policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delay_minor_points__gt=0)
                & models.Q(delay_severe_points__gt=models.F("delay_minor_points")),
                name="programs_policy_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(report_due_day__gte=1, report_due_day__lte=28),
                name="programs_policy_due_day_in_month",
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.effective_from:%Y-%m-%d} "
                f"({self.delay_minor_points}/{self.delay_severe_points})")

    @property
    def minor_bp(self) -> int:
        return points_to_bp(self.delay_minor_points)

    @property
    def severe_bp(self) -> int:
        return points_to_bp(self.delay_severe_points)

    @property
    def budget_floor_bp(self) -> int:
        return points_to_bp(self.budget_execution_floor_pct)


class GradeScale(models.Model):
    """A set of grade bands: year-end program grades, municipal-enterprise grades…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("grade scale")
        verbose_name_plural = _("grade scales")
        ordering = ["code"]

    def __str__(self) -> str:
        return localized(self.name_zh, self.name_en)


class GradeBand(models.Model):
    """One grade: scores from ``min_score`` up to the next band's minimum (優等 ≥ 90…)."""

    scale = models.ForeignKey(GradeScale, verbose_name=_("grade scale"), on_delete=models.PROTECT,
                              related_name="bands")
    label_zh = models.CharField(_("grade (Chinese)"), max_length=20)
    label_en = models.CharField(_("grade (English)"), max_length=40)
    min_score = models.DecimalField(_("lowest score"), max_digits=5, decimal_places=2,
                                    validators=PERCENT)

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["scale", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "label_zh"], name="programs_band_label"),
            models.UniqueConstraint(fields=["scale", "min_score"], name="programs_band_min"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.label_zh, self.label_en)


class ScoreComponent(models.Model):
    """A part of the year-end score (進度, 經費執行, 績效指標, 品質…); weights are per year."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=100)
    default_weight = models.PositiveSmallIntegerField(
        _("default weight (%)"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("Proposed when a year's evaluation is opened; 0 leaves the component out. "
                    "The weights in use must add up to 100."))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("score component")
        verbose_name_plural = _("score components")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)
