"""The case figures counted from the cases themselves: the reference the rollup-based
figures of ``selectors/statistics.py`` are checked against (``test_rollups.py``). This is
how the figures were computed before the rollups (decision 0120), the calls' figures
included; nothing but the tests reads it."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yankao.core.calendar import TAIPEI
from yankao.servicedesk.models import Call, CallOutcome, CaseKind, CloseReason, Survey
from yankao.servicedesk.selectors.statistics import (
    ConsultationRate,
    DispatchRate,
    HandlingTime,
    OnTime,
    Satisfaction,
    TableFigures,
    _counts,
    cases_in,
    period,
)


def counts_by_kind(*, year=None, months=None, agency=None) -> dict[str, int]:
    return _counts(cases_in(year=year, months=months, agency=agency), "kind")


def counts_by_channel(*, year=None, months=None, agency=None, kind=None) -> dict[str, int]:
    return _counts(cases_in(year=year, months=months, agency=agency, kind=kind), "channel")


def counts_by_category(*, year=None, months=None, agency=None, kind=None,
                       main: bool = False) -> dict[str, int]:
    """By sub-category code, or by main category code with ``main=True``."""
    field = "category__parent__code" if main else "category__code"
    return _counts(cases_in(year=year, months=months, agency=agency, kind=kind), field)


def counts_by_agency(*, year=None, months=None, kind=None) -> dict[str | None, int]:
    """By lead agency code (None: not routed yet)."""
    return _counts(cases_in(year=year, months=months, kind=kind), "agency__code")


def counts_by_district(*, year=None, months=None, agency=None, kind=None
                       ) -> dict[str | None, int]:
    """By district postal code (None: no location in the city)."""
    return _counts(cases_in(year=year, months=months, agency=agency, kind=kind),
                   "district__code")


def counts_by_month(*, year: int, months=None, agency=None, kind=None) -> dict[int, int]:
    """Cases registered in each month of ``year`` (months without cases are 0)."""
    rows = cases_in(year=year, months=months, agency=agency, kind=kind).order_by().annotate(
        month=TruncMonth("registered_at", tzinfo=TAIPEI)).values("month").annotate(n=Count("id"))
    first, last = months or (1, 12)
    found = {month: 0 for month in range(first, last + 1)}
    for row in rows:
        found[row["month"].month] = row["n"]
    return found


def on_time(*, year=None, months=None, agency=None, kind=None,
            now: dt.datetime | None = None) -> OnTime:
    """Answered within the time limit, against answered late or still open past it. Merged
    and filed cases are left out."""
    now = now or timezone.now()
    merged, filed = Q(close_reason=CloseReason.MERGED), Q(close_reason=CloseReason.FILED)
    rated = Q(due_at__isnull=False) & ~merged & ~filed
    result = cases_in(year=year, months=months, agency=agency, kind=kind).aggregate(
        on_time=Count("id", filter=rated & Q(answered_at__lte=F("due_at"))),
        late=Count("id", filter=rated & (Q(answered_at__gt=F("due_at"))
                                         | Q(answered_at__isnull=True, due_at__lt=now))),
        not_due=Count("id", filter=rated & Q(answered_at__isnull=True, due_at__gte=now)),
        no_limit=Count("id", filter=Q(due_at__isnull=True) & ~merged & ~filed),
        merged=Count("id", filter=merged),
        filed=Count("id", filter=filed),
    )
    return OnTime(**result)


def dispatch_four_hour(*, year=None, months=None, agency=None,
                       now: dt.datetime | None = None) -> DispatchRate:
    """The 4-hour rate of dispatch cases, from dispatch to the field report."""
    now = now or timezone.now()
    base = cases_in(year=year, months=months, agency=agency, kind=CaseKind.DISPATCH)
    merged = Q(close_reason=CloseReason.MERGED)
    downgraded = Q(downgraded=True) & ~merged
    eligible = ~merged & Q(downgraded=False)
    counted = eligible & Q(due_at__isnull=False)
    unanswered = counted & Q(answered_at__isnull=True)
    filed = Q(close_reason=CloseReason.FILED)
    # Aggregate names must not be field names ("downgraded"): filters would read them.
    result = base.aggregate(
        n_within=Count("id", filter=counted & Q(answered_at__lte=F("due_at"))),
        n_late=Count("id", filter=counted & Q(answered_at__gt=F("due_at"))),
        n_open_overdue=Count("id", filter=unanswered & Q(due_at__lt=now) & ~filed),
        n_merged=Count("id", filter=merged),
        n_downgraded=Count("id", filter=downgraded),
        n_not_dispatched=Count("id", filter=eligible & Q(due_at__isnull=True)),
        n_open_not_due=Count("id", filter=unanswered & Q(due_at__gte=now)),
        n_filed=Count("id", filter=unanswered & Q(due_at__lt=now) & filed),
    )
    return DispatchRate(**{name.removeprefix("n_"): value for name, value in result.items()})


def _nearest_rank(queryset: QuerySet, count: int, fraction: float) -> int | None:
    if not count:
        return None
    index = max(0, math.ceil(fraction * count) - 1)
    return queryset.order_by("handling_seconds").values_list(
        "handling_seconds", flat=True)[index]


def handling_time(*, year=None, months=None, agency=None, kind=None) -> HandlingTime:
    """Median and 90th percentile (nearest rank) of the time to the answer, in seconds."""
    answered = cases_in(year=year, months=months, agency=agency, kind=kind).filter(
        handling_seconds__isnull=False)
    count = answered.count()
    return HandlingTime(count=count, median_seconds=_nearest_rank(answered, count, 0.5),
                        p90_seconds=_nearest_rank(answered, count, 0.9))


def satisfaction(*, year=None, months=None, agency=None, kind=None) -> Satisfaction:
    """Surveys offered for cases registered in the period; answered; satisfied (4 or 5)."""
    surveys = Survey.objects.filter(case__in=cases_in(year=year, months=months, agency=agency,
                                                      kind=kind).values("pk"))
    result = surveys.aggregate(
        invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)),
        satisfied=Count("id", filter=Q(score__gte=4)),
    )
    return Satisfaction(**result)


def calls_in(*, year=None, months=None, agency=None) -> QuerySet[Call]:
    queryset = Call.objects.all()
    bounds = period(year, months)
    if bounds:
        queryset = queryset.filter(received_at__gte=bounds[0], received_at__lt=bounds[1])
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return queryset


def consultation_answered(*, year=None, months=None, agency=None) -> ConsultationRate:
    result = calls_in(year=year, months=months, agency=agency).aggregate(
        calls=Count("id"),
        consultations=Count("id", filter=Q(outcome=CallOutcome.CONSULTATION)),
        answered_at_once=Count("id", filter=Q(outcome=CallOutcome.CONSULTATION,
                                              answered_at_once=True)),
    )
    return ConsultationRate(**result)


def calls_by_outcome(*, year=None, months=None, agency=None) -> dict[str, int]:
    return _counts(calls_in(year=year, months=months, agency=agency), "outcome")


def calls_per_month(*, year: int, months=None, agency=None) -> dict[int, int]:
    rows = calls_in(year=year, months=months, agency=agency).order_by().annotate(
        month=TruncMonth("received_at", tzinfo=TAIPEI)).values("month").annotate(n=Count("id"))
    first, last = months or (1, 12)
    found = {month: 0 for month in range(first, last + 1)}
    for row in rows:
        found[row["month"].month] = row["n"]
    return found


def figures_by_month(*, year: int, months: tuple[int, int] | None = None, agency=None,
                     now: dt.datetime | None = None
                     ) -> tuple[dict[int, TableFigures], TableFigures]:
    """The statistics table's figures, each month (and the months together) counted from
    its own rows, one figure at a time."""

    def span(first: int, last: int) -> TableFigures:
        where = {"year": year, "months": (first, last), "agency": agency}
        return TableFigures(
            kinds=counts_by_kind(**where), calls=consultation_answered(**where),
            on_time=on_time(**where, now=now), dispatch=dispatch_four_hour(**where, now=now),
            handling=handling_time(**where), survey=satisfaction(**where))

    first, last = months or (1, 12)
    return {m: span(m, m) for m in range(first, last + 1)}, span(first, last)
