"""The service desk's figures: one function per figure, reused by the statistics page, the
dashboards and the annual report (issue #6).

The case figures read the rollups (``models/rollups.py``, decision 0120), never the cases,
except for the few cases whose time limit is still ahead (``_not_due``); the call figures
read the calls.

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

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from yankao.core.calendar import TAIPEI
from yankao.core.models import Agency, District
from yankao.core.numbers import percent
from yankao.servicedesk.models import (
    HANDLING_STEP,
    CallOutcome,
    CallRollup,
    Case,
    CaseKind,
    CaseRollup,
    Category,
    CategoryRollup,
    ChannelRollup,
    CloseReason,
    DistrictRollup,
    HandlingRollup,
)
from yankao.servicedesk.models.rollups import RollupKey


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
    """The cases registered in the period: only the figures' live part (cases whose time
    limit is still ahead) reads them."""
    queryset = Case.objects.all()
    bounds = period(year, months)
    if bounds:
        queryset = queryset.filter(registered_at__gte=bounds[0], registered_at__lt=bounds[1])
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def rollup_in(model: type[RollupKey] | type[CallRollup], *, year: int | None = None,
              months: tuple[int, int] | None = None, agency: Agency | None = None,
              kind: str | None = None) -> QuerySet:
    """The rows of a rollup (``models/rollups.py``) for the cases registered in the period:
    the base of every case figure. Their size grows with the months, kinds and agencies of
    the period, not with its cases."""
    queryset = model.objects.all()
    if period(year, months):  # checks the months
        first, last = months or (1, 12)
        queryset = queryset.filter(month__gte=dt.date(year, first, 1),
                                   month__lte=dt.date(year, last, 1))
    if agency is not None:
        queryset = queryset.filter(agency_key=agency.pk)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def _counts(queryset: QuerySet, field: str) -> dict:
    rows = queryset.order_by().values(field).annotate(n=Count("id"))
    return {row[field]: row["n"] for row in rows}


def _sums(queryset: QuerySet, field: str, count: str = "received") -> dict:
    rows = (queryset.order_by().values(field).annotate(n=Sum(count))
            .filter(n__gt=0).values_list(field, "n"))
    return dict(rows)


def _totals(queryset: QuerySet, *fields: str) -> dict[str, int]:
    result = queryset.aggregate(**{f"n_{field}": Sum(field) for field in fields})
    return {field: result[f"n_{field}"] or 0 for field in fields}


def _by_code(counts: dict[int, int], codes: dict[int, str | None]) -> dict:
    found: dict = {}
    for key, n in counts.items():
        code = codes.get(key)
        found[code] = found.get(code, 0) + n
    return found


def counts_by_kind(*, year=None, months=None, agency=None) -> dict[str, int]:
    return _sums(rollup_in(CaseRollup, year=year, months=months, agency=agency), "kind")


def counts_by_channel(*, year=None, months=None, agency=None, kind=None) -> dict[str, int]:
    return _sums(rollup_in(ChannelRollup, year=year, months=months, agency=agency, kind=kind),
                 "channel")


def counts_by_category(*, year=None, months=None, agency=None, kind=None,
                       main: bool = False) -> dict[str, int]:
    """By sub-category code, or by main category code with ``main=True``."""
    counts = _sums(rollup_in(CategoryRollup, year=year, months=months, agency=agency,
                             kind=kind), "category_key")
    field = "parent__code" if main else "code"
    return _by_code(counts, dict(Category.objects.filter(pk__in=counts)
                                 .values_list("pk", field)))


def counts_by_agency(*, year=None, months=None, kind=None) -> dict[str | None, int]:
    """By lead agency code (None: not routed yet)."""
    counts = _sums(rollup_in(CaseRollup, year=year, months=months, kind=kind), "agency_key")
    return _by_code(counts, dict(Agency.objects.filter(pk__in=counts).values_list("pk", "code")))


def counts_by_district(*, year=None, months=None, agency=None, kind=None
                       ) -> dict[str | None, int]:
    """By district postal code (None: no location in the city)."""
    counts = _sums(rollup_in(DistrictRollup, year=year, months=months, agency=agency,
                             kind=kind), "district_key")
    return _by_code(counts, dict(District.objects.filter(pk__in=counts)
                                 .values_list("pk", "code")))


def counts_by_month(*, year: int, months=None, agency=None, kind=None) -> dict[int, int]:
    """Cases registered in each month of ``year`` (months without cases are 0)."""
    counts = _sums(rollup_in(CaseRollup, year=year, months=months, agency=agency, kind=kind),
                   "month")
    first, last = months or (1, 12)
    found = {month: 0 for month in range(first, last + 1)}
    for month, n in counts.items():
        found[month.month] = n
    return found


def _not_due(*, year, months, agency, kind, now: dt.datetime) -> QuerySet[Case]:
    """The live part: cases not answered whose time limit is still ahead. The clock turns
    them late with no write, so no rollup can hold them; they are few whatever the history
    (the partial index ``sd_case_not_due_idx``)."""
    return cases_in(year=year, months=months, agency=agency, kind=kind).filter(
        answered_at__isnull=True, due_at__gte=now)


def on_time(*, year=None, months=None, agency=None, kind=None,
            now: dt.datetime | None = None) -> OnTime:
    """Answered within the time limit, against answered late or still open past it. Merged
    and filed cases are left out."""
    span = {"year": year, "months": months, "agency": agency, "kind": kind}
    found = _totals(rollup_in(CaseRollup, **span), "on_time", "late_answered", "unanswered",
                    "no_limit", "merged", "filed")
    not_due = _not_due(**span, now=now or timezone.now()).exclude(
        close_reason__in=(CloseReason.MERGED, CloseReason.FILED)).count()
    return OnTime(on_time=found["on_time"],
                  late=found["late_answered"] + found["unanswered"] - not_due,
                  not_due=not_due, no_limit=found["no_limit"], merged=found["merged"],
                  filed=found["filed"])


def dispatch_four_hour(*, year=None, months=None, agency=None,
                       now: dt.datetime | None = None) -> DispatchRate:
    """The 4-hour rate of dispatch cases, from dispatch to the field report."""
    span = {"year": year, "months": months, "agency": agency, "kind": CaseKind.DISPATCH}
    found = _totals(rollup_in(CaseRollup, **span), "dispatch_within", "dispatch_late",
                    "dispatch_unanswered", "dispatch_unanswered_filed", "merged",
                    "downgraded", "not_dispatched")
    filed = Q(close_reason=CloseReason.FILED)
    live = _not_due(**span, now=now or timezone.now()).filter(downgraded=False).exclude(
        close_reason=CloseReason.MERGED).aggregate(
        n_filed=Count("id", filter=filed), n_other=Count("id", filter=~filed))
    return DispatchRate(
        within=found["dispatch_within"], late=found["dispatch_late"],
        open_overdue=found["dispatch_unanswered"] - live["n_other"],
        merged=found["merged"], downgraded=found["downgraded"],
        not_dispatched=found["not_dispatched"],
        open_not_due=live["n_other"] + live["n_filed"],
        filed=found["dispatch_unanswered_filed"] - live["n_filed"],
    )


def handling_time(*, year=None, months=None, agency=None, kind=None) -> HandlingTime:
    """Median and 90th percentile (nearest rank) of the time to the answer, in seconds, to
    the tenth of an hour the figures print (``HandlingRollup``; decision 0120)."""
    tenths = sorted(_sums(rollup_in(HandlingRollup, year=year, months=months, agency=agency,
                                    kind=kind), "tenth", "cases").items())
    count = sum(n for _tenth, n in tenths)

    def nearest_rank(fraction: float) -> int | None:
        if not count:
            return None
        rank, seen = max(1, math.ceil(fraction * count)), 0
        for tenth, n in tenths:
            seen += n
            if seen >= rank:
                return tenth * HANDLING_STEP
        return tenths[-1][0] * HANDLING_STEP  # not reached: the counts add up to ``count``

    return HandlingTime(count=count, median_seconds=nearest_rank(0.5),
                        p90_seconds=nearest_rank(0.9))


def satisfaction(*, year=None, months=None, agency=None, kind=None) -> Satisfaction:
    """Surveys offered for cases registered in the period; answered; satisfied (4 or 5)."""
    found = _totals(rollup_in(CaseRollup, year=year, months=months, agency=agency, kind=kind),
                    "surveys_invited", "surveys_answered", "surveys_satisfied")
    return Satisfaction(invited=found["surveys_invited"], answered=found["surveys_answered"],
                        satisfied=found["surveys_satisfied"])


def consultation_answered(*, year=None, months=None, agency=None) -> ConsultationRate:
    rows = rollup_in(CallRollup, year=year, months=months, agency=agency)
    consultation = Q(outcome=CallOutcome.CONSULTATION)
    result = rows.aggregate(
        n_calls=Sum("calls", default=0),
        n_consultations=Sum("calls", filter=consultation, default=0),
        n_at_once=Sum("answered_at_once", filter=consultation, default=0),
    )
    return ConsultationRate(calls=result["n_calls"], consultations=result["n_consultations"],
                            answered_at_once=result["n_at_once"])


def calls_by_outcome(*, year=None, months=None, agency=None) -> dict[str, int]:
    return _sums(rollup_in(CallRollup, year=year, months=months, agency=agency), "outcome",
                 "calls")


def calls_per_month(*, year: int, months=None, agency=None) -> dict[int, int]:
    counts = _sums(rollup_in(CallRollup, year=year, months=months, agency=agency), "month",
                   "calls")
    first, last = months or (1, 12)
    found = {month: 0 for month in range(first, last + 1)}
    for month, n in counts.items():
        found[month.month] = n
    return found


def years_with_cases() -> list[int]:
    """Years from the first to the last case or call, newest first (for the statistics
    page's choice): the months of the cases' and the calls' rollups."""
    years: set[int] = set()
    for rows in (CaseRollup.objects.filter(received__gt=0),
                 CallRollup.objects.filter(calls__gt=0)):
        months = rows.aggregate(first=Min("month"), last=Max("month"))
        if months["first"]:
            years.update(range(months["first"].year, months["last"].year + 1))
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
