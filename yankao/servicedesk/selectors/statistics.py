"""The service desk's figures: one function per figure, reused by the statistics page, the
dashboards and the annual report (issue #6).

Every function takes the same keyword arguments:

- ``year``: the calendar year (Asia/Taipei), e.g. 2018;
- ``months``: ``(first, last)`` month numbers within the year, inclusive, e.g. ``(1, 6)``;
- ``agency``: an :class:`~yankao.core.models.Agency` — only cases it leads (and calls its
  call centre took);
- ``kind``: a :class:`~yankao.servicedesk.models.CaseKind` value, where it applies.

They return plain data: dicts of counts, or small dataclasses holding counts. Rates are
properties computed from those counts when read, never stored. The figures are aggregates
with no personal data; callers decide who may see them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yankao.core.calendar import TAIPEI
from yankao.core.models import Agency
from yankao.core.numbers import percent
from yankao.servicedesk.models import Call, CallOutcome, Case, CaseKind, CloseReason, Survey


@dataclass(frozen=True)
class Ratio:
    """A part of a whole, kept as counts."""

    part: int
    whole: int

    @property
    def rate(self) -> Decimal | None:
        """Percentage, computed when read with ``core.numbers.percent`` (half up, two
        decimals; None when there is nothing to divide)."""
        return percent(self.part, self.whole)


@dataclass(frozen=True)
class OnTime:
    """Cases answered by their time limit. Every case of the period is in one count:
    ``on_time`` or ``late`` (answered late, or open past the limit) are rated; ``not_due``
    (open, the limit not reached), ``no_limit`` (no time limit set), ``merged`` and
    ``filed`` (filed without handling, 行政程序法 §173) are left out."""

    on_time: int
    late: int
    not_due: int = 0
    no_limit: int = 0
    merged: int = 0
    filed: int = 0

    @property
    def answered_or_due(self) -> int:
        return self.on_time + self.late

    @property
    def left_out(self) -> int:
        return self.not_due + self.no_limit + self.merged + self.filed

    @property
    def total(self) -> int:
        return self.answered_or_due + self.left_out

    @property
    def rate(self) -> Decimal | None:
        return Ratio(self.on_time, self.answered_or_due).rate


@dataclass(frozen=True)
class DispatchRate:
    """派工 4-hour rate: from dispatch to the field report. Every dispatch case of the period
    is in exactly one of these counts, so they add up to ``total``:

    - counted in the rate: ``within`` the time limit, ``late``, or still open past it
      (``open_overdue``);
    - left out of it: ``merged`` into another case, ``downgraded`` to a non-dispatch case,
      ``not_dispatched`` (never dispatched, so no clock ran), ``open_not_due`` (dispatched,
      its time limit not reached yet) and ``filed`` (filed without handling under 行政程序法
      §173 before any field report)."""

    within: int
    late: int
    open_overdue: int
    merged: int
    downgraded: int
    not_dispatched: int = 0
    open_not_due: int = 0
    filed: int = 0

    @property
    def counted(self) -> int:
        return self.within + self.late + self.open_overdue

    @property
    def left_out(self) -> int:
        return (self.merged + self.downgraded + self.not_dispatched + self.open_not_due
                + self.filed)

    @property
    def total(self) -> int:
        return self.counted + self.left_out

    @property
    def rate(self) -> Decimal | None:
        return Ratio(self.within, self.counted).rate


@dataclass(frozen=True)
class HandlingTime:
    count: int
    median_seconds: int | None
    p90_seconds: int | None


@dataclass(frozen=True)
class Satisfaction:
    invited: int
    answered: int
    satisfied: int

    @property
    def response_rate(self) -> Decimal | None:
        return Ratio(self.answered, self.invited).rate

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return Ratio(self.satisfied, self.answered).rate


@dataclass(frozen=True)
class ConsultationRate:
    """話務: consultations answered on the line, and how many of them at once."""

    calls: int
    consultations: int
    answered_at_once: int

    @property
    def consultation_share(self) -> Decimal | None:
        return Ratio(self.consultations, self.calls).rate

    @property
    def at_once_rate(self) -> Decimal | None:
        return Ratio(self.answered_at_once, self.consultations).rate


def period(year: int | None, months: tuple[int, int] | None = None
           ) -> tuple[dt.datetime, dt.datetime] | None:
    """[start, end) in Asia/Taipei for a year and optional month range."""
    if year is None:
        return None
    first, last = months or (1, 12)
    if not (1 <= first <= last <= 12):
        raise ValueError("months must be (first, last) with 1 <= first <= last <= 12")
    start = dt.datetime(year, first, 1, tzinfo=TAIPEI)
    end = dt.datetime(year + (last == 12), last % 12 + 1, 1, tzinfo=TAIPEI)
    return start, end


def cases_in(*, year: int | None = None, months: tuple[int, int] | None = None,
             agency: Agency | None = None, kind: str | None = None) -> QuerySet[Case]:
    """The cases registered in the period (the base of every case figure)."""
    queryset = Case.objects.all()
    bounds = period(year, months)
    if bounds:
        queryset = queryset.filter(registered_at__gte=bounds[0], registered_at__lt=bounds[1])
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def _counts(queryset: QuerySet, field: str) -> dict:
    rows = queryset.order_by().values(field).annotate(n=Count("id"))
    return {row[field]: row["n"] for row in rows}


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


def years_with_cases() -> list[int]:
    """Years from the first to the last case or call, newest first (for the statistics
    page's choice). Two indexed MIN/MAX reads per table, whatever the volume."""
    years: set[int] = set()
    for queryset, field in ((Case.objects, "registered_at"), (Call.objects, "received_at")):
        bounds = queryset.aggregate(first=Min(field), last=Max(field))
        if bounds["first"]:
            first = bounds["first"].astimezone(TAIPEI).year
            years.update(range(first, bounds["last"].astimezone(TAIPEI).year + 1))
    return sorted(years, reverse=True)


def labelled(counts: dict, labels: Iterable[tuple[str, str]]) -> list[tuple[str, int]]:
    """(label, count) rows in the order of ``labels`` (value, label), then the rest."""
    rows = []
    seen = set()
    for value, label in labels:
        rows.append((str(label), counts.get(value, 0)))
        seen.add(value)
    rows.extend((str(key), n) for key, n in counts.items() if key not in seen)
    return rows
