"""The monthly analysis (月分析): delay classes, by agency, trends, the agencies × months
overview, late reports and the quarterly risk rating.

Delay, in percentage points, is the planned cumulative % minus the actual cumulative %
of a month's report (planned as in the plan approved when the month was reported).
Classes, with the thresholds of the control policy in force at the month's end:

- ``on_track``: on schedule, ahead, or less than ``delay_minor_points`` behind;
- ``behind``: ``delay_minor_points`` or more, but less than ``delay_severe_points``;
- ``severely_behind``: ``delay_severe_points`` or more.

A program with no standing report (submitted, passed by the unit head, or approved) for
the month counts as ``not_reported``. Every function returns plain data (dataclasses of
ints, Decimals and strings), scoped to the actor's agencies. The reports module (issue
#6) calls these same functions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, ExpressionWrapper, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yankao.core.calendar import as_taipei
from yankao.core.models import Agency
from yankao.core.numbers import percent
from yankao.programs.access import scoped
from yankao.programs.models import ControlPolicy, Program, ProgressReport
from yankao.programs.models.programs import bp_to_pct
from yankao.programs.selectors._figures import points_text
from yankao.programs.selectors.policy import policies_for_months, policy_for_month
from yankao.programs.selectors.programs import STANDING, program_list

ON_TRACK = "on_track"
BEHIND = "behind"
SEVERELY_BEHIND = "severely_behind"
NOT_REPORTED = "not_reported"
DELAY_CLASSES = (ON_TRACK, BEHIND, SEVERELY_BEHIND)
SEVERITY = {ON_TRACK: 0, BEHIND: 1, SEVERELY_BEHIND: 2}


def delay_class_labels(policy: ControlPolicy) -> dict[str, str]:
    """Names of the classes with the policy's thresholds, in the active language."""
    minor, severe = points_text(policy.delay_minor_points), points_text(policy.delay_severe_points)
    return {
        ON_TRACK: _("On schedule or less than %(minor)s points behind") % {"minor": minor},
        BEHIND: _("%(minor)s to less than %(severe)s points behind")
        % {"minor": minor, "severe": severe},
        SEVERELY_BEHIND: _("%(severe)s points or more behind") % {"severe": severe},
        NOT_REPORTED: _("Not reported"),
    }


def delay_class_of(delay_bp: int, policy: ControlPolicy) -> str:
    """The class of one delay (in basis points); the same rule as ``classified_reports``."""
    if delay_bp >= policy.severe_bp:
        return SEVERELY_BEHIND
    if delay_bp >= policy.minor_bp:
        return BEHIND
    return ON_TRACK


def _chinese() -> bool:
    return (get_language() or "zh-hant").lower().startswith("zh")


def _policies(year: int, months: Iterable[int]) -> dict[int, ControlPolicy]:
    return policies_for_months(year, months)


def classified_reports(*, actor, year: int, months: Iterable[int],
                       agency_code: str | None = None):
    """Standing reports of ``months`` annotated with ``delay_bp`` and ``delay_class``.

    The thresholds are those in force at each month's end; months under the same policy
    share one branch of the CASE expression, so the query is the same size every year."""
    months = list(months)
    queryset = scoped(ProgressReport.objects.filter(
        program__year=year, month__in=months, status__in=STANDING),
        actor, agency_field="program__agency")
    if agency_code:
        queryset = queryset.filter(program__agency__code=agency_code)
    by_policy: dict[int, tuple[ControlPolicy, list[int]]] = {}
    for month, policy in _policies(year, months).items():
        by_policy.setdefault(policy.pk, (policy, []))[1].append(month)
    whens = []
    for policy, policy_months in by_policy.values():
        whens.append(When(month__in=policy_months, delay_bp__gte=policy.severe_bp,
                          then=Value(SEVERELY_BEHIND)))
        whens.append(When(month__in=policy_months, delay_bp__gte=policy.minor_bp,
                          then=Value(BEHIND)))
    return queryset.annotate(
        delay_bp=ExpressionWrapper(F("planned_bp") - F("actual_bp"), output_field=IntegerField())
    ).annotate(
        delay_class=Case(*whens, default=Value(ON_TRACK), output_field=CharField())
    ).order_by()


@dataclass(frozen=True)
class DelayClassCounts:
    """Programs in each delay class for one month (of one agency, or all in scope)."""

    year: int
    month: int
    total: int
    on_track: int
    behind: int
    severely_behind: int
    minor_points: Decimal
    severe_points: Decimal
    agency_code: str = ""
    agency_name: str = ""

    @property
    def reported(self) -> int:
        return self.on_track + self.behind + self.severely_behind

    @property
    def not_reported(self) -> int:
        return self.total - self.reported

    @property
    def behind_total(self) -> int:
        """Programs ``minor_points`` or more behind (behind + severely behind)."""
        return self.behind + self.severely_behind

    def share(self, name: str) -> Decimal | None:
        """A class's share of all programs, in %, computed from the counts."""
        return percent(getattr(self, name), self.total)

    @property
    def share_on_track(self) -> Decimal | None:
        return self.share(ON_TRACK)

    @property
    def share_behind_total(self) -> Decimal | None:
        return self.share("behind_total")

    @property
    def worst(self) -> str | None:
        for name in (SEVERELY_BEHIND, BEHIND, ON_TRACK):
            if getattr(self, name):
                return name
        return None

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(reported=self.reported, not_reported=self.not_reported,
                    behind_total=self.behind_total,
                    shares={name: self.share(name) for name in
                            (*DELAY_CLASSES, "behind_total", NOT_REPORTED)})
        return data


def _counts(year: int, month: int, total: int, counts: dict[str, int], policy: ControlPolicy,
            agency: Agency | None = None) -> DelayClassCounts:
    return DelayClassCounts(
        year=year, month=month, total=total,
        on_track=counts.get(ON_TRACK, 0), behind=counts.get(BEHIND, 0),
        severely_behind=counts.get(SEVERELY_BEHIND, 0),
        minor_points=policy.delay_minor_points, severe_points=policy.delay_severe_points,
        agency_code=agency.code if agency else "", agency_name=agency.name if agency else "",
    )


def delay_class_counts(*, actor, year: int, month: int,
                       agency_code: str | None = None) -> DelayClassCounts:
    """Programs in each delay class at the end of ``year``/``month``, and the total.

    The demo city's December 2018 gives 103 on track (63.19 %) and 60 behind (36.81 %)."""
    total = program_list(actor=actor, year=year, agency_code=agency_code).count()
    rows = classified_reports(actor=actor, year=year, months=[month],
                              agency_code=agency_code).values("delay_class").annotate(
        n=Count("id"))
    return _counts(year, month, total, {row["delay_class"]: row["n"] for row in rows},
                   policy_for_month(year, month))


def delay_class_by_agency(*, actor, year: int, month: int) -> list[DelayClassCounts]:
    """Delay classes per agency for one month, in the city's agency order."""
    totals = dict(program_list(actor=actor, year=year).order_by().values("agency_id")
                  .annotate(n=Count("id")).values_list("agency_id", "n"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in classified_reports(actor=actor, year=year, months=[month]).values(
        "program__agency_id", "delay_class"
    ).annotate(n=Count("id")):
        counts[row["program__agency_id"]][row["delay_class"]] = row["n"]
    policy = policy_for_month(year, month)
    agencies = Agency.objects.filter(pk__in=totals).order_by("sort_order", "code")
    return [_counts(year, month, totals[agency.pk], counts[agency.pk], policy, agency)
            for agency in agencies]


def delay_class_trend(*, actor, year: int, agency_code: str | None = None,
                      through_month: int = 12) -> list[DelayClassCounts]:
    """Delay classes for each month from January to ``through_month``."""
    months = range(1, through_month + 1)
    total = program_list(actor=actor, year=year, agency_code=agency_code).count()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in classified_reports(actor=actor, year=year, months=months,
                                  agency_code=agency_code).values(
        "month", "delay_class"
    ).annotate(n=Count("id")):
        counts[row["month"]][row["delay_class"]] = row["n"]
    policies = _policies(year, months)
    return [_counts(year, month, total, counts[month], policies[month]) for month in months]


@dataclass(frozen=True)
class OverviewRow:
    agency_code: str
    agency_name: str
    agency_short: str
    programs: int
    months: list[DelayClassCounts] = field(default_factory=list)


def agency_month_overview(*, actor, year: int, through_month: int = 12) -> list[OverviewRow]:
    """The agencies × months overview: each cell holds the agency's class counts for the
    month; its colour is the worst class present (``DelayClassCounts.worst``)."""
    months = range(1, through_month + 1)
    totals = dict(program_list(actor=actor, year=year).order_by().values("agency_id")
                  .annotate(n=Count("id")).values_list("agency_id", "n"))
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for row in classified_reports(actor=actor, year=year, months=months).values(
        "program__agency_id", "month", "delay_class"
    ).annotate(n=Count("id")):
        counts[(row["program__agency_id"], row["month"])][row["delay_class"]] = row["n"]
    policies = _policies(year, months)
    rows = []
    for agency in Agency.objects.filter(pk__in=totals).order_by("sort_order", "code"):
        rows.append(OverviewRow(
            agency_code=agency.code, agency_name=agency.name,
            agency_short=agency.label_zh if _chinese() else agency.name_en,
            programs=totals[agency.pk],
            months=[_counts(year, month, totals[agency.pk], counts[(agency.pk, month)],
                            policies[month], agency) for month in months],
        ))
    return rows


@dataclass(frozen=True)
class LateReport:
    program_id: int
    program_code: str
    program_name: str
    agency_name: str
    due_on: dt.date
    submitted_on: dt.date | None
    days_late: int


@dataclass(frozen=True)
class LateReports:
    year: int
    month: int
    due_on: dt.date
    late: list[LateReport]
    missing: list[LateReport]


def late_reports(*, actor, year: int, month: int, today: dt.date | None = None) -> LateReports:
    """Reports for ``year``/``month`` submitted after their due day, and — once the due
    day has passed — programs that have not reported at all."""
    from yankao.programs.selectors.policy import report_due_on

    today = today or timezone.localdate()
    due_on = report_due_on(year=year, month=month)
    reports = scoped(ProgressReport.objects.filter(program__year=year, month=month),
                     actor, agency_field="program__agency")
    late = []
    # Only the late rows leave the database: the submission's date in Taipei (the active
    # time zone) after the report's own due day.
    for report in reports.filter(submitted_at__date__gt=F("due_on")).select_related(
        "program__agency"
    ):
        submitted_on = as_taipei(report.submitted_at).date()
        late.append(LateReport(report.program_id, report.program.code, report.program.name,
                               report.program.agency.name, report.due_on, submitted_on,
                               (submitted_on - report.due_on).days))
    missing = []
    if today > due_on:
        for program in program_list(actor=actor, year=year).exclude(
            pk__in=reports.values("program_id")
        ):
            missing.append(LateReport(program.pk, program.code, program.name,
                                      program.agency.name, due_on, None,
                                      (today - due_on).days))
    return LateReports(year, month, due_on, late, missing)


HIGH, MEDIUM, LOW = "high", "medium", "low"


@dataclass(frozen=True)
class RiskRating:
    """A program's risk in a quarter, with the reasons that decided it."""

    program_id: int
    program_code: str
    program_name: str
    agency_name: str
    rating: str
    reasons: list[str]
    delays: dict[int, Decimal | None]


def quarterly_risk_ratings(*, actor, year: int, quarter: int, agency_code: str | None = None,
                           today: dt.date | None = None) -> list[RiskRating]:
    """季風險評等: high, medium or low for each program, from the quarter's reports.

    - high: no report for the quarter's last month after its due day; or that month
      ``delay_severe_points`` or more behind; or ``delay_minor_points`` or more behind and
      further behind than in the quarter's first reported month;
    - medium: ``delay_minor_points`` or more behind; or behind in every month of the quarter
      and further behind each month; or spending under the policy's floor;
    - low: otherwise.
    """
    from yankao.programs.selectors.policy import report_due_on

    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1 to 4")
    months = [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    last = months[-1]
    policy = policy_for_month(year, last)
    today = today or timezone.localdate()
    last_due_passed = today > report_due_on(year=year, month=last, policy=policy)
    # (planned_bp, actual_bp, planned_budget, budget_executed) by program and month; plain
    # tuples, as a city-wide quarter is thousands of rows.
    reports: dict[int, dict[int, tuple[int, int, int, int]]] = defaultdict(dict)
    queryset = scoped(ProgressReport.objects.filter(program__year=year, month__in=months,
                                                    status__in=STANDING),
                      actor, agency_field="program__agency")
    for program_id, month, *figures in queryset.values_list(
        "program_id", "month", "planned_bp", "actual_bp", "planned_budget", "budget_executed"
    ):
        reports[program_id][month] = tuple(figures)
    limits = _Limits(policy)
    ratings = []
    for program in program_list(actor=actor, year=year, agency_code=agency_code):
        by_month = reports.get(program.pk, {})
        delays = {m: (by_month[m][0] - by_month[m][1]) if m in by_month else None
                  for m in months}
        ratings.append(_rate(program, by_month, delays, months, limits, last_due_passed))
    return ratings


@dataclass(frozen=True)
class _Limits:
    """The policy's thresholds, converted once for a whole list of programs."""

    minor_bp: int
    severe_bp: int
    floor_bp: int
    minor: str
    severe: str
    floor: str

    def __init__(self, policy: ControlPolicy):
        object.__setattr__(self, "minor_bp", policy.minor_bp)
        object.__setattr__(self, "severe_bp", policy.severe_bp)
        object.__setattr__(self, "floor_bp", policy.budget_floor_bp)
        object.__setattr__(self, "minor", points_text(policy.delay_minor_points))
        object.__setattr__(self, "severe", points_text(policy.delay_severe_points))
        object.__setattr__(self, "floor", points_text(policy.budget_execution_floor_pct))


def _rate(program: Program, by_month: dict[int, tuple[int, int, int, int]],
          delays: dict[int, int | None], months: list[int], limits: _Limits,
          last_due_passed: bool) -> RiskRating:
    last = months[-1]
    known = [m for m in months if delays[m] is not None]
    high, medium = [], []
    if delays[last] is None and last_due_passed:
        high.append(_("No report for month %(month)s, past its due day.") % {"month": last})
    if known:
        latest = known[-1]
        delay = delays[latest]
        points = bp_to_pct(delay)
        first = delays[known[0]]
        if delay >= limits.severe_bp:
            high.append(_("Month %(month)s: %(points)s points behind (%(limit)s or more).")
                        % {"month": latest, "points": points, "limit": limits.severe})
        elif delay >= limits.minor_bp:
            if len(known) > 1 and delay > first:
                high.append(_("Month %(month)s: %(points)s points behind and falling further "
                              "behind during the quarter.") % {"month": latest, "points": points})
            else:
                medium.append(_("Month %(month)s: %(points)s points behind (%(limit)s or more).")
                              % {"month": latest, "points": points, "limit": limits.minor})
        elif len(known) == len(months) and all(delays[m] > 0 for m in months) and (
            delays[months[0]] < delays[months[1]] < delays[months[2]]
        ):
            medium.append(_("Behind in every month of the quarter and further behind each "
                            "month."))
        _planned, _actual, planned_budget, executed = by_month[latest]
        if planned_budget and executed * 10000 < planned_budget * limits.floor_bp:
            medium.append(_("Spending is %(share)s%% of plan (under %(floor)s%%).")
                          % {"share": percent(executed, planned_budget), "floor": limits.floor})
    rating = HIGH if high else MEDIUM if medium else LOW
    reasons = high + medium or [_("On schedule or less than %(minor)s points behind, spending "
                                  "on plan.") % {"minor": limits.minor}]
    return RiskRating(program.pk, program.code, program.name, program.agency.name, rating,
                      reasons, {m: bp_to_pct(d) for m, d in delays.items()})


def risk_rating_counts(*, actor, year: int, quarter: int) -> dict[str, int]:
    """How many programs are rated high, medium and low in a quarter."""
    counts = {HIGH: 0, MEDIUM: 0, LOW: 0}
    for rating in quarterly_risk_ratings(actor=actor, year=year, quarter=quarter):
        counts[rating.rating] += 1
    return counts


