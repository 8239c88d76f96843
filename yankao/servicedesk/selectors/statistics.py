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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
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
    found = _totals(rollup_in(CaseRollup, **span), *ON_TIME_SUMS)
    not_due = _not_due(**span, now=now or timezone.now()).exclude(ON_TIME_LEFT_OUT).count()
    return _on_time_of(found, not_due)


# The rollups' columns each figure adds up, and how the live part (cases whose time limit is
# still ahead) moves counts between its classes: shared by the figure of one period and
# ``figures_by_month``.
ON_TIME_SUMS = ("on_time", "late_answered", "unanswered", "no_limit", "merged", "filed")
ON_TIME_LEFT_OUT = Q(close_reason__in=(CloseReason.MERGED, CloseReason.FILED))
DISPATCH_SUMS = ("dispatch_within", "dispatch_late", "dispatch_unanswered",
                 "dispatch_unanswered_filed", "merged", "downgraded", "not_dispatched")
SURVEY_SUMS = ("surveys_invited", "surveys_answered", "surveys_satisfied")
FILED = Q(close_reason=CloseReason.FILED)


def _on_time_of(found: dict[str, int], not_due: int) -> OnTime:
    return OnTime(on_time=found["on_time"],
                  late=found["late_answered"] + found["unanswered"] - not_due,
                  not_due=not_due, no_limit=found["no_limit"], merged=found["merged"],
                  filed=found["filed"])


def dispatch_four_hour(*, year=None, months=None, agency=None,
                       now: dt.datetime | None = None) -> DispatchRate:
    """The 4-hour rate of dispatch cases, from dispatch to the field report."""
    span = {"year": year, "months": months, "agency": agency, "kind": CaseKind.DISPATCH}
    found = _totals(rollup_in(CaseRollup, **span), *DISPATCH_SUMS)
    live = _not_due(**span, now=now or timezone.now()).filter(downgraded=False).exclude(
        close_reason=CloseReason.MERGED).aggregate(
        n_filed=Count("id", filter=FILED), n_other=Count("id", filter=~FILED))
    return _dispatch_of(found, filed=live["n_filed"], other=live["n_other"])


def _dispatch_of(found: dict[str, int], *, filed: int, other: int) -> DispatchRate:
    """The 4-hour figure from the dispatch cases' rollup sums and the live part: ``filed``
    and ``other`` not-due dispatch cases (neither merged nor downgraded)."""
    return DispatchRate(
        within=found["dispatch_within"], late=found["dispatch_late"],
        open_overdue=found["dispatch_unanswered"] - other,
        merged=found["merged"], downgraded=found["downgraded"],
        not_dispatched=found["not_dispatched"],
        open_not_due=other + filed,
        filed=found["dispatch_unanswered_filed"] - filed,
    )


def handling_time(*, year=None, months=None, agency=None, kind=None) -> HandlingTime:
    """Median and 90th percentile (nearest rank) of the time to the answer, in seconds, to
    the tenth of an hour the figures print (``HandlingRollup``; decision 0120)."""
    return _handling_of(_sums(rollup_in(HandlingRollup, year=year, months=months,
                                        agency=agency, kind=kind), "tenth", "cases"))


def _handling_of(counts: dict[int, int]) -> HandlingTime:
    """Median and 90th percentile from the answered cases by tenth of an hour."""
    tenths = sorted(counts.items())
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
    return _satisfaction_of(_totals(rollup_in(CaseRollup, year=year, months=months,
                                              agency=agency, kind=kind), *SURVEY_SUMS))


def _satisfaction_of(found: dict[str, int]) -> Satisfaction:
    return Satisfaction(invited=found["surveys_invited"], answered=found["surveys_answered"],
                        satisfied=found["surveys_satisfied"])


def consultation_answered(*, year=None, months=None, agency=None) -> ConsultationRate:
    result = rollup_in(CallRollup, year=year, months=months, agency=agency).aggregate(
        **CONSULTATION_SUMS)
    return _consultation_of(result)


CONSULTATION = Q(outcome=CallOutcome.CONSULTATION)
CONSULTATION_SUMS = {
    "n_calls": Sum("calls", default=0),
    "n_consultations": Sum("calls", filter=CONSULTATION, default=0),
    "n_at_once": Sum("answered_at_once", filter=CONSULTATION, default=0),
}


def _consultation_of(result: dict[str, int]) -> ConsultationRate:
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


@dataclass(frozen=True)
class TableFigures:
    """The statistics table's figures of one month, or of a span of months together."""

    kinds: dict[str, int]  # counts_by_kind
    calls: ConsultationRate
    on_time: OnTime
    dispatch: DispatchRate
    handling: HandlingTime
    survey: Satisfaction


def figures_by_month(*, year: int, months: tuple[int, int] | None = None,
                     agency: Agency | None = None, now: dt.datetime | None = None
                     ) -> tuple[dict[int, TableFigures], TableFigures]:
    """The statistics table's figures for each month of ``months`` and for the months
    together: four statements whatever the span (the cases' rollups by month and kind, the
    handling times by month, the calls by month, the live part by month), where reading
    each month's figures alone takes eight statements a month. Month by month (and in
    total) they equal ``counts_by_kind``, ``consultation_answered``, ``on_time``,
    ``dispatch_four_hour``, ``handling_time`` and ``satisfaction`` of that span (tested
    after random writes, ``tests/test_rollups.py``)."""
    period(year, months)  # checks the months
    first, last = months = months or (1, 12)
    numbers = range(first, last + 1)
    columns = dict.fromkeys(("received", *ON_TIME_SUMS, *DISPATCH_SUMS, *SURVEY_SUMS))
    cases = {m: {"all": dict.fromkeys(columns, 0), "dispatch": dict.fromkeys(columns, 0),
                 "kinds": {}} for m in numbers}
    for row in (rollup_in(CaseRollup, year=year, months=months, agency=agency).order_by()
                .values("month", "kind").annotate(**{f"n_{c}": Sum(c) for c in columns})):
        found = cases[row["month"].month]
        sums = {c: row[f"n_{c}"] or 0 for c in columns}
        if sums["received"] > 0:
            found["kinds"][row["kind"]] = sums["received"]
        for part in ("all", "dispatch") if row["kind"] == CaseKind.DISPATCH else ("all",):
            for column, n in sums.items():
                found[part][column] += n
    tenths: dict[int, dict[int, int]] = {m: {} for m in numbers}
    for month, tenth, n in (rollup_in(HandlingRollup, year=year, months=months, agency=agency)
                            .order_by().values("month", "tenth").annotate(n=Sum("cases"))
                            .filter(n__gt=0).values_list("month", "tenth", "n")):
        tenths[month.month][tenth] = n
    calls = {m: dict.fromkeys(CONSULTATION_SUMS, 0) for m in numbers}
    for row in (rollup_in(CallRollup, year=year, months=months, agency=agency).order_by()
                .values("month").annotate(**CONSULTATION_SUMS)):
        calls[row["month"].month] = {name: row[name] for name in CONSULTATION_SUMS}
    # The live part (as in on_time and dispatch_four_hour): few cases, by their month.
    dispatch_live = Q(kind=CaseKind.DISPATCH, downgraded=False) & ~Q(
        close_reason=CloseReason.MERGED)
    live = {m: {"not_due": 0, "filed": 0, "other": 0} for m in numbers}
    for row in (cases_in(year=year, months=months, agency=agency)
                .filter(answered_at__isnull=True, due_at__gte=now or timezone.now())
                .annotate(m=ExtractMonth("registered_at", tzinfo=TAIPEI)).order_by()
                .values("m").annotate(not_due=Count("id", filter=~ON_TIME_LEFT_OUT),
                                      filed=Count("id", filter=dispatch_live & FILED),
                                      other=Count("id", filter=dispatch_live & ~FILED))):
        live[row["m"]] = {name: row[name] for name in ("not_due", "filed", "other")}

    def figures(chosen: range) -> TableFigures:
        """The figures of the ``chosen`` months together (every count adds up)."""
        all_kinds = _added(cases[m]["all"] for m in chosen)
        dispatch = _added(cases[m]["dispatch"] for m in chosen)
        now_live = _added(live[m] for m in chosen)
        return TableFigures(
            kinds=_added(cases[m]["kinds"] for m in chosen),
            calls=_consultation_of(_added(calls[m] for m in chosen)),
            on_time=_on_time_of(all_kinds, now_live["not_due"]),
            dispatch=_dispatch_of(dispatch, filed=now_live["filed"], other=now_live["other"]),
            handling=_handling_of(_added(tenths[m] for m in chosen)),
            survey=_satisfaction_of(all_kinds))

    return {m: figures(range(m, m + 1)) for m in numbers}, figures(numbers)


def _added(parts: Iterable[dict]) -> dict:
    """The counts of ``parts`` added key by key (``Counter.update`` keeps the zeros)."""
    total = Counter()
    for part in parts:
        total.update(part)
    return dict(total)


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
