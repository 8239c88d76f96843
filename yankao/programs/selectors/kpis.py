"""KPIs of the medium-term plan and their achievement.

A KPI's year is *met* when the actual reaches the target (at or above it when higher is
better, at or below it when lower is better). The achievement rate of an agency or of the
city is the share of measured indicators that were met — counted, not averaged (decision
record 0202).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.numbers import percent
from yankao.programs.access import scoped
from yankao.programs.models import Kpi, KpiTarget

MET = (Q(kpi__direction=Kpi.Direction.HIGHER, actual__gte=F("target"))
       | Q(kpi__direction=Kpi.Direction.LOWER, actual__lte=F("target")))


def kpi_target_list(*, actor, year: int, agency_code: str | None = None) -> (
    QuerySet[KpiTarget]
):
    queryset = scoped(KpiTarget.objects.select_related("kpi__agency"), actor,
                      agency_field="kpi__agency").filter(year=year)
    if agency_code:
        queryset = queryset.filter(kpi__agency__code=agency_code)
    return queryset.order_by("kpi__agency__sort_order", "kpi__code")


def kpi_get(*, actor, kpi_id: int) -> Kpi:
    kpi = scoped(Kpi.objects.select_related("agency"), actor).filter(pk=kpi_id).first()
    if kpi is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such KPI."))
    return kpi


def kpi_years(*, actor) -> list[int]:
    return sorted(set(scoped(KpiTarget.objects.all(), actor, agency_field="kpi__agency")
                      .values_list("year", flat=True)), reverse=True)


@dataclass(frozen=True)
class KpiAchievement:
    year: int
    indicators: int
    measured: int
    met: int
    agency_code: str = ""
    agency_name: str = ""

    @property
    def rate(self) -> Decimal | None:
        """達成率: met ÷ measured indicators, in % (one decimal, as the report prints it)."""
        return percent(self.met, self.measured, places=1)


def _achievement(queryset, year: int, agency: Agency | None = None) -> KpiAchievement:
    figures = queryset.aggregate(
        indicators=Count("id"), measured=Count("id", filter=Q(actual__isnull=False)),
        met=Count("id", filter=MET))
    return KpiAchievement(year, figures["indicators"], figures["measured"], figures["met"],
                          agency.code if agency else "", agency.name if agency else "")


def kpi_achievement(*, actor, year: int, agency_code: str | None = None) -> KpiAchievement:
    """The city's (or one agency's) KPI achievement in ``year`` (demo: 96.7 % in 2017)."""
    return _achievement(kpi_target_list(actor=actor, year=year, agency_code=agency_code), year)


def kpi_achievement_by_agency(*, actor, year: int) -> list[KpiAchievement]:
    rows = kpi_target_list(actor=actor, year=year).order_by().values("kpi__agency_id").annotate(
        indicators=Count("id"), measured=Count("id", filter=Q(actual__isnull=False)),
        met=Count("id", filter=MET))
    agencies = Agency.objects.in_bulk([row["kpi__agency_id"] for row in rows])
    result = [KpiAchievement(year, row["indicators"], row["measured"], row["met"],
                             agencies[row["kpi__agency_id"]].code,
                             agencies[row["kpi__agency_id"]].name) for row in rows]
    order = {a.pk: (a.sort_order, a.code) for a in agencies.values()}
    codes = {a.code: a.pk for a in agencies.values()}
    return sorted(result, key=lambda r: order[codes[r.agency_code]])


def kpi_achievement_trend(*, actor, years: list[int]) -> list[KpiAchievement]:
    """The city's achievement for each of ``years`` (the report compares three years)."""
    return [kpi_achievement(actor=actor, year=year) for year in years]


def kpi_target_of(*, kpi: Kpi, year: int) -> KpiTarget | None:
    """An indicator's target for a year (the caller has read the indicator through
    ``kpi_get``)."""
    return KpiTarget.objects.filter(kpi=kpi, year=year).first()


def kpi_history(*, actor, kpi: Kpi):
    """The indicator's audit events and those of each of its yearly targets, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from yankao.core.selectors import audit_events_visible

    years = [str(pk) for pk in kpi.years.values_list("pk", flat=True)]
    return audit_events_visible(actor=actor).filter(
        Q(object_type=ContentType.objects.get_for_model(kpi), object_id=str(kpi.pk))
        | Q(object_type=ContentType.objects.get_for_model(KpiTarget), object_id__in=years)
    ).order_by("created_at", "id")
