"""Medium-term plan KPIs (中程施政計畫績效衡量指標) with a target and an actual per year."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized
from yankao.core.numbers import percent


class Kpi(models.Model):
    """績效衡量指標: an indicator of one agency's medium-term plan."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="kpis")
    code = models.CharField(_("code"), max_length=32, unique=True)
    indicator_zh = models.CharField(_("indicator (Chinese)"), max_length=200)
    indicator_en = models.CharField(_("indicator (English)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("e.g. %, 件, 人次"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices,
                                 default=Direction.HIGHER)
    definition = models.TextField(_("how it is measured"), blank=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["agency__sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.indicator}"

    @property
    def indicator(self) -> str:
        return localized(self.indicator_zh, self.indicator_en)


class KpiTarget(models.Model):
    """One year of a KPI: its target and, once known, its actual value."""

    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE,
                            related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    target_reason = models.TextField(
        _("justification of the target"), blank=True,
        help_text=_("Required when the target is lowered or is no harder than last year's."),
    )

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["kpi", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="programs_kpi_year"),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="programs_kpi_target"),
            models.CheckConstraint(
                condition=models.Q(actual__isnull=True) | models.Q(actual__gte=0),
                name="programs_kpi_actual"),
        ]
        indexes = [models.Index(fields=["year"], name="programs_kpitarget_year")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.year}"

    @property
    def agency(self):
        return self.kpi.agency

    @property
    def met(self) -> bool | None:
        """Whether the target was reached (None until the actual is known)."""
        if self.actual is None:
            return None
        if self.kpi.direction == Kpi.Direction.LOWER:
            return self.actual <= self.target
        return self.actual >= self.target

    @property
    def achievement_pct(self) -> Decimal | None:
        """Actual against target, in % (target ÷ actual when lower is better)."""
        if self.actual is None:
            return None
        if self.kpi.direction == Kpi.Direction.LOWER:
            numerator, denominator = self.target, self.actual
        else:
            numerator, denominator = self.actual, self.target
        if denominator == 0:
            return None  # undefined; ``met`` still says whether the target was reached
        return percent(numerator, denominator)
