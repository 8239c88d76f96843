"""Document-processing statistics: overdue shares by agency, category and urgency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum

from yankao.core.models import Agency
from yankao.core.numbers import average, percent
from yankao.programs.access import scoped
from yankao.programs.models import DocumentCategory, DocumentStat, DocumentUrgency
from yankao.programs.selectors.policy import control_policy_for, month_end


def document_stat_list(*, actor, year: int, month: int | None = None) -> QuerySet[DocumentStat]:
    queryset = scoped(DocumentStat.objects.select_related("agency", "category", "urgency"),
                      actor).filter(year=year)
    if month:
        queryset = queryset.filter(month=month)
    return queryset


def document_years(*, actor) -> list[int]:
    return sorted(set(scoped(DocumentStat.objects.all(), actor).values_list("year", flat=True)),
                  reverse=True)


@dataclass(frozen=True)
class DocumentFigures:
    key: str
    name: str
    on_time: int
    overdue: int
    day_total: Decimal  # Σ average days × documents, to average over groups
    limit_days: int | None = None
    flagged: bool = False

    @property
    def total(self) -> int:
        return self.on_time + self.overdue

    @property
    def overdue_share(self) -> Decimal | None:
        return percent(self.overdue, self.total)

    @property
    def average_days(self) -> Decimal | None:
        if not self.total:
            return None
        return average(self.day_total, self.total, 2)

    @property
    def over_limit(self) -> bool:
        average = self.average_days
        return self.limit_days is not None and average is not None and average > self.limit_days


def _grouped(queryset, key: str):
    weighted = ExpressionWrapper(F("average_days") * (F("on_time") + F("overdue")),
                                 output_field=DecimalField(max_digits=20, decimal_places=4))
    return queryset.order_by().values(key).annotate(
        on_time_sum=Sum("on_time"), overdue_sum=Sum("overdue"), day_sum=Sum(weighted))


def _figures(row, key: str, name: str, **extra) -> DocumentFigures:
    return DocumentFigures(key, name, row["on_time_sum"] or 0, row["overdue_sum"] or 0,
                           Decimal(str(row["day_sum"] or 0)), **extra)


def document_overdue_by_agency(*, actor, year: int, month: int | None = None) -> (
    list[DocumentFigures]
):
    """Each agency's documents, overdue share and average days; agencies above the
    policy's overdue share (3 %) are flagged."""
    policy = control_policy_for(month_end(year, month or 12))
    limit = policy.document_overdue_flag_pct
    rows = _grouped(document_stat_list(actor=actor, year=year, month=month), "agency_id")
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in rows])
    result = []
    for row in rows:
        agency = agencies[row["agency_id"]]
        figures = _figures(row, agency.code, agency.name)
        share = figures.overdue_share
        result.append(DocumentFigures(figures.key, figures.name, figures.on_time,
                                      figures.overdue, figures.day_total,
                                      flagged=share is not None and share > limit))
    order = {a.code: (a.sort_order, a.code) for a in agencies.values()}
    return sorted(result, key=lambda f: order[f.key])


def document_overdue_by_category(*, actor, year: int, month: int | None = None) -> (
    list[DocumentFigures]
):
    """The seven categories' totals, overdue shares and average days."""
    rows = {row["category_id"]: row for row in _grouped(
        document_stat_list(actor=actor, year=year, month=month), "category_id")}
    empty = {"on_time_sum": 0, "overdue_sum": 0, "day_sum": 0}
    return [_figures(rows.get(category.pk, empty), category.code, str(category))
            for category in DocumentCategory.objects.all()]


def document_days_by_urgency(*, actor, year: int, month: int | None = None) -> (
    list[DocumentFigures]
):
    """Average days per urgency against its time limit (最速件 1, 速件 3, 普通件 6 days)."""
    rows = {row["urgency_id"]: row for row in _grouped(
        document_stat_list(actor=actor, year=year, month=month), "urgency_id")}
    empty = {"on_time_sum": 0, "overdue_sum": 0, "day_sum": 0}
    return [_figures(rows.get(urgency.pk, empty), urgency.code, str(urgency),
                     limit_days=urgency.limit_days)
            for urgency in DocumentUrgency.objects.all()]
