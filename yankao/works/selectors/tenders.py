"""Reads of tenders and their progress: lists, the S-curve, the delay map, update
compliance and the inspection priority list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.numbers import percent
from yankao.works.access import reads_all, works_scope
from yankao.works.models import (
    CitizenReport,
    Inspection,
    MonthlyProgress,
    PriorityFlag,
    ProgressCheck,
    Tender,
    WorksPolicy,
    month_key,
)
from yankao.works.policy import formula_on, policy_on
from yankao.works.rules import month_end, months_between
from yankao.works.services.common import today_taipei

ACTIVE_STATUSES = (Tender.Status.IN_PROGRESS, Tender.Status.SUSPENDED)


def _latest(field_name: str):
    return Subquery(MonthlyProgress.objects.filter(tender=OuterRef("pk"))
                    .order_by("-month").values(field_name)[:1])


def tender_visible(*, actor) -> QuerySet[Tender]:
    """Every tender the actor may read, with its latest reported month."""
    return works_scope(Tender.objects.select_related("agency", "district"), actor).annotate(
        latest_month=_latest("month"), latest_planned=_latest("planned_percent"),
        latest_actual=_latest("actual_percent"),
    )


def tender_list(*, actor, agency_code: str = "", status: str = "", query: str = "",
                year: int | None = None) -> QuerySet[Tender]:
    """Tenders the actor may read; ``year`` keeps those under construction in that year."""
    tenders = tender_visible(actor=actor)
    if agency_code:
        tenders = tenders.filter(Q(agency__code=agency_code) | Q(agency__parent__code=agency_code))
    if status:
        tenders = tenders.filter(status=status)
    if query:
        tenders = tenders.filter(Q(title__icontains=query) | Q(pcc_number__icontains=query)
                                 | Q(contractor__icontains=query))
    if year:
        tenders = tenders.filter(start_date__lte=dt.date(year, 12, 31),
                                 end_date__gte=dt.date(year, 1, 1))
    return tenders


def tender_get(*, actor, pcc_number: str = "", tender_id: int | None = None) -> Tender:
    """One tender the actor may read; another agency's answers as missing (404)."""
    tenders = tender_visible(actor=actor)
    tender = (tenders.filter(pk=tender_id) if tender_id is not None
              else tenders.filter(pcc_number=pcc_number)).first()
    if tender is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such tender.")
    return tender


def tender_for_report(*, pcc_number: str) -> Tender | None:
    """The tender a citizen names on a report, by its number (tender numbers are published
    on every site sign); nothing else of it is shown to the reporter."""
    return Tender.objects.filter(pcc_number=pcc_number.strip()).only("pk", "agency_id").first()


def tender_public_list(*, year: int) -> QuerySet[Tender]:
    """Tenders under construction in ``year``, for open-contracting publication (awards,
    contracts and progress are public in Taiwan's procurement system)."""
    return (Tender.objects.select_related("agency")
            .filter(start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))
            .order_by("pcc_number"))


def tender_public_get(*, pcc_number: str) -> Tender:
    tender = Tender.objects.select_related("agency").filter(pcc_number=pcc_number).first()
    if tender is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such tender.")
    return tender


def tender_progress(*, actor, tender: Tender) -> QuerySet[MonthlyProgress]:
    """The tender's monthly progress, oldest first (the tender is already checked)."""
    tender_get(actor=actor, tender_id=tender.pk)
    return MonthlyProgress.objects.filter(tender=tender).order_by("month")


@dataclass(frozen=True)
class CurvePoint:
    month: str
    planned: Decimal | None
    actual: Decimal | None


def tender_s_curve(*, actor, tender: Tender) -> list[CurvePoint]:
    """S 曲線: planned and actual cumulative % by month, from the start to the last month
    planned or reported."""
    curve = tender.planned_by_month()
    actual = {month_key(row.month): row.actual_percent
              for row in tender_progress(actor=actor, tender=tender)}
    keys = sorted(set(curve) | set(actual))
    if not keys:
        return []
    first = dt.date.fromisoformat(f"{keys[0]}-01")
    last = dt.date.fromisoformat(f"{keys[-1]}-01")
    points = []
    for month in months_between(first, last):
        key = month_key(month)
        points.append(CurvePoint(month=key, planned=tender.planned_percent(month),
                                 actual=actual.get(key)))
    return points


DELAY_CLASSES = (
    # (code, lowest delay in points, colour)
    ("severe", Decimal("10"), "#b91c1c"),
    ("behind", Decimal("5"), "#b45309"),
    ("slight", Decimal("0.01"), "#a16207"),
    ("on_schedule", None, "#15803d"),
)


def delay_class(delay: Decimal | None, threshold: Decimal = Decimal("10")) -> str:
    """on_schedule (not behind), slight (< 5 points), behind (5 to the priority threshold),
    severe (the priority threshold and more), or no_data."""
    if delay is None:
        return "no_data"
    if delay >= threshold:
        return "severe"
    if delay >= Decimal("5"):
        return "behind"
    if delay > 0:
        return "slight"
    return "on_schedule"


@dataclass(frozen=True)
class TenderPoint:
    id: int
    pcc_number: str
    title: str
    agency: str
    district: str
    latitude: float | None
    longitude: float | None
    month: str
    planned: Decimal | None
    actual: Decimal | None
    delay: Decimal | None
    delay_class: str


def tender_delay_map(*, actor, agency_code: str = "") -> list[TenderPoint]:
    """Active tenders with their latest delay and its class, for the map and its table."""
    threshold = policy_on(today_taipei()).priority_delay_points
    points = []
    for tender in tender_list(actor=actor, agency_code=agency_code).filter(
            status__in=ACTIVE_STATUSES).order_by("agency__sort_order", "pcc_number"):
        delay = (tender.latest_planned - tender.latest_actual
                 if tender.latest_planned is not None else None)
        points.append(TenderPoint(
            id=tender.pk, pcc_number=tender.pcc_number, title=tender.title,
            agency=tender.agency.label_zh, district=tender.district.name if tender.district
            else "", latitude=float(tender.latitude) if tender.latitude is not None else None,
            longitude=float(tender.longitude) if tender.longitude is not None else None,
            month=month_key(tender.latest_month) if tender.latest_month else "",
            planned=tender.latest_planned, actual=tender.latest_actual, delay=delay,
            delay_class=delay_class(delay, threshold),
        ))
    return points


@dataclass(frozen=True)
class MonthCompliance:
    month: str
    expected: int
    on_time: int
    late: int
    missing: int
    rate_percent: Decimal | None


def _expected_by_month(tenders, year: int) -> dict[dt.date, set[int]]:
    months = months_between(dt.date(year, 1, 1), dt.date(year, 12, 1))
    expected: dict[dt.date, set[int]] = {month: set() for month in months}
    for tender_id, start, end, status in tenders:
        if status == Tender.Status.PLANNED:
            continue
        for month in months:
            if start > month_end(month):
                continue
            if end < month and status == Tender.Status.COMPLETED:
                continue
            expected[month].add(tender_id)
    return expected


def _compliance_counts(*, actor, year: int, agency_code: str = ""):
    tenders = tender_list(actor=actor, agency_code=agency_code).filter(
        start_date__lte=dt.date(year, 12, 31))
    rows = list(tenders.values_list("pk", "start_date", "end_date", "status", "agency_id"))
    agency_of = {row[0]: row[4] for row in rows}
    expected = _expected_by_month([row[:4] for row in rows], year)
    submitted = {
        (tender_id, month): submitted_at <= due_at
        for tender_id, month, submitted_at, due_at in MonthlyProgress.objects.filter(
            tender_id__in=agency_of, month__year=year,
        ).values_list("tender_id", "month", "submitted_at", "due_at")
    }
    return expected, submitted, agency_of


def progress_compliance_by_month(*, actor, year: int,
                                 agency_code: str = "") -> list[MonthCompliance]:
    """填報率: for each month of ``year``, the tenders expected to report, those that did by
    the update day, late, missing; the rate is on time ÷ expected."""
    expected, submitted, _agency_of = _compliance_counts(actor=actor, year=year,
                                                         agency_code=agency_code)
    result = []
    for month, tender_ids in expected.items():
        on_time = sum(1 for tender_id in tender_ids if submitted.get((tender_id, month)) is True)
        late = sum(1 for tender_id in tender_ids if submitted.get((tender_id, month)) is False)
        result.append(MonthCompliance(
            month=month_key(month), expected=len(tender_ids), on_time=on_time, late=late,
            missing=len(tender_ids) - on_time - late,
            rate_percent=percent(on_time, len(tender_ids))))
    return result


@dataclass(frozen=True)
class AgencyCompliance:
    agency_code: str
    agency: str
    expected: int
    on_time: int
    rate_percent: Decimal | None


def progress_compliance_by_agency(*, actor, year: int,
                                  month: int | None = None) -> list[AgencyCompliance]:
    """Each agency's on-time updates over ``year`` (or one ``month`` of it), lowest rate first."""
    from yankao.core.models import Agency

    expected, submitted, agency_of = _compliance_counts(actor=actor, year=year)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for month_day, tender_ids in expected.items():
        if month and month_day.month != month:
            continue
        for tender_id in tender_ids:
            counts[agency_of[tender_id]][0] += 1
            if submitted.get((tender_id, month_day)) is True:
                counts[agency_of[tender_id]][1] += 1
    agencies = Agency.objects.in_bulk(list(counts))
    rows = [AgencyCompliance(agency_code=agencies[agency_id].code,
                             agency=agencies[agency_id].name,
                             expected=total, on_time=on_time,
                             rate_percent=percent(on_time, total))
            for agency_id, (total, on_time) in counts.items()]
    return sorted(rows, key=lambda row: (row.rate_percent or Decimal(0), row.agency_code))


@dataclass(frozen=True)
class PriorityReason:
    code: str
    detail: str
    # The category of §4 ¶3 it falls in (from 2023-08-09), e.g. "§4 ¶3 item 2: …".
    category: str = ""

    @property
    def label(self) -> str:
        """The reason in the reader's language, numbers as people write them
        ("20.85 points behind", not the stored Decimal's digits)."""
        number = floatformat(self.detail, "-2") if self.detail else ""
        if self.code == "behind":
            return _("%(points)s points behind") % {"points": number}
        if self.code == "citizen_reports":
            return _("%(count)s citizen reports") % {"count": number}
        if self.code == "low_award_ratio":
            return _("award ratio %(ratio)s%%") % {"ratio": number}
        if self.code == "change_orders":
            return _("%(count)s months with design changes") % {"count": number}
        if self.code == "written_check":
            return _("put forward by a written progress check")
        if self.code == "previous_poor":
            return _("previous 丙等")
        recorded = {"media": _("media report"), "contractor_report": _("report by a contractor"),
                    "designated": _("designated"),
                    "agency_request": _("the agency asks for an inspection")}
        return f"{recorded.get(self.code, self.code)}: {self.detail}"


@dataclass
class PriorityEntry:
    tender_id: int
    pcc_number: str
    title: str
    agency: str
    delay: Decimal | None
    reasons: list[PriorityReason] = field(default_factory=list)


def inspection_priority_list(*, actor, as_of: dt.date | None = None,
                             limit: int | None = 100) -> list[PriorityEntry]:
    """優先查核名單: active tenders with their reasons — ≥ N points behind, citizen reports,
    a low award ratio, repeated design changes, a previous 丙等, a written progress check of
    the last three months that put it forward, and what was recorded on the tender in the
    last year (a media report, a contractor's report, a designation, the agency's own
    request) — most reasons first, then the most behind. From 2023-08-09 each reason names
    the category of tenders that 工程施工查核小組作業辦法 §4 ¶3 says to put first (the text
    in force on ``as_of``). The inspection team's list: agencies do not see it."""
    if not reads_all(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    as_of = as_of or today_taipei()
    policy = policy_on(as_of)
    categories = _priority_categories(as_of)
    poor = [band.code for band in policy.grade_bands.all() if band.triggers_consequences]
    tenders = (Tender.objects.filter(status__in=ACTIVE_STATUSES, start_date__lte=as_of)
               .select_related("agency")
               .annotate(
                   latest_planned=Subquery(MonthlyProgress.objects.filter(
                       tender=OuterRef("pk"), month__lte=as_of).order_by("-month")
                       .values("planned_percent")[:1]),
                   latest_actual=Subquery(MonthlyProgress.objects.filter(
                       tender=OuterRef("pk"), month__lte=as_of).order_by("-month")
                       .values("actual_percent")[:1]),
                   change_months=Count("progress", filter=Q(progress__design_change=True,
                                                            progress__month__lte=as_of),
                                       distinct=True),
               ))
    year_ago = as_of - dt.timedelta(days=365)
    reports = dict(CitizenReport.objects.filter(
        tender__isnull=False, received_at__date__lte=as_of).filter(
        Q(received_at__date__gte=year_ago) | ~Q(status=CitizenReport.Status.CLOSED)
    ).values("tender_id").annotate(n=Count("id")).values_list("tender_id", "n"))
    put_forward = set(ProgressCheck.objects.filter(
        finding=ProgressCheck.Finding.INSPECT, month__lte=as_of,
        month__gte=(as_of.replace(day=1) - dt.timedelta(days=62)).replace(day=1),
    ).values_list("tender_id", flat=True))
    poor_tenders = set(Inspection.objects.filter(
        grade__in=poor, inspected_on__lte=as_of).exclude(
        status=Inspection.Status.PLANNED).values_list("tender_id", flat=True))
    flags: dict[int, list[PriorityFlag]] = defaultdict(list)
    for flag in PriorityFlag.objects.filter(noted_on__lte=as_of, noted_on__gte=year_ago):
        flags[flag.tender_id].append(flag)
    entries = []
    for tender in tenders:
        delay = (tender.latest_planned - tender.latest_actual
                 if tender.latest_planned is not None else None)
        found = []
        if delay is not None and delay >= policy.priority_delay_points:
            found.append(("behind", f"{delay}"))
        if reports.get(tender.pk):
            found.append(("citizen_reports", str(reports[tender.pk])))
        ratio = tender.award_ratio
        if ratio is not None and ratio < policy.low_award_ratio_percent:
            found.append(("low_award_ratio", f"{ratio}"))
        if tender.change_months >= policy.repeated_change_orders:
            found.append(("change_orders", str(tender.change_months)))
        if tender.pk in poor_tenders:
            found.append(("previous_poor", ""))
        if tender.pk in put_forward:
            found.append(("written_check", ""))
        for flag in flags.get(tender.pk, ()):
            found.append((flag.source, flag.note))
        if found:
            entries.append(PriorityEntry(
                tender_id=tender.pk, pcc_number=tender.pcc_number, title=tender.title,
                agency=tender.agency.label_zh, delay=delay,
                reasons=[PriorityReason(code, detail, categories.get(code, ""))
                         for code, detail in found]))
    entries.sort(key=lambda entry: (-len(entry.reasons), -(entry.delay or Decimal(-999)),
                                    entry.pcc_number))
    return entries[:limit]


def priority_reasons(*, actor, pcc_number: str, as_of: dt.date | None = None
                     ) -> list[PriorityReason]:
    """Why one tender is on the priority list (empty when it is not): the inspection form
    opened from the list keeps them."""
    return next((entry.reasons for entry in inspection_priority_list(
        actor=actor, as_of=as_of, limit=None) if entry.pcc_number == pcc_number), [])


def progress_check_latest_month(*, actor) -> dt.date | None:
    """The latest month with written checks the actor may read (the page opens there, not
    on an empty month)."""
    return works_scope(ProgressCheck.objects.all(), actor, agency_field="tender__agency") \
        .order_by("-month").values_list("month", flat=True).first()


def _priority_categories(day: dt.date) -> dict[str, str]:
    """Reason code → the §4 ¶3 category it falls in, under the text in force on ``day``
    (none before 2023-08-09, whose text names no categories)."""
    formula = formula_on(day)
    if formula is None:
        return {}
    found = {}
    for category in formula.priority_categories.all():
        for code in category.reason_codes():
            found[code] = f"{category.citation or category.number}: {category.text}"
    return found


def priority_flag_list(*, actor, tender: Tender) -> QuerySet[PriorityFlag]:
    """What was recorded on ``tender`` to inspect it first. The team and evaluators read
    all; the tender's own agency only its own requests (an inspection stays unannounced)."""
    tender_get(actor=actor, tender_id=tender.pk)
    flags = PriorityFlag.objects.filter(tender=tender).select_related("recorded_by")
    if not reads_all(actor):
        flags = flags.filter(source=PriorityFlag.Source.AGENCY_REQUEST)
    return flags


@dataclass(frozen=True)
class CheckCandidate:
    tender_id: int
    pcc_number: str
    title: str
    agency: str
    planned: Decimal
    actual: Decimal

    @property
    def delay(self) -> Decimal:
        return self.planned - self.actual


@dataclass(frozen=True)
class MonthCheckCount:
    """How many tenders had a written progress check in a month, against the target."""

    month: dt.date
    target: int
    count: int

    @property
    def met(self) -> bool:
        return self.count >= self.target


@dataclass(frozen=True)
class MonthChecks(MonthCheckCount):
    """進度書面查核 of one month: the checks themselves, with the count and the target."""

    checks: list[ProgressCheck] = field(default_factory=list)


def progress_checks_month(*, actor, month: dt.date) -> MonthChecks:
    """The written progress checks of ``month`` that the actor may read (the team and
    evaluators all; an agency its own tenders')."""
    month = month.replace(day=1)
    checks = works_scope(ProgressCheck.objects.select_related("tender__agency", "checked_by"),
                         actor, agency_field="tender__agency").filter(month=month)
    rows = list(checks.order_by("tender__pcc_number"))
    return MonthChecks(month=month, target=_check_targets(month.year)[month],
                       count=len(rows), checks=rows)


def progress_check_candidates(*, actor, month: dt.date, limit: int = 60
                              ) -> list[CheckCandidate]:
    """Tenders to check in writing for ``month``: those under construction that reported
    the month, not yet checked, the most behind first (the inspection team's list)."""
    if not reads_all(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    month = month.replace(day=1)
    rows = (MonthlyProgress.objects.filter(month=month, tender__status__in=ACTIVE_STATUSES)
            .exclude(tender__written_checks__month=month)
            .select_related("tender__agency")
            .order_by(F("actual_percent") - F("planned_percent"), "tender__pcc_number")
            [:limit])
    return [CheckCandidate(tender_id=row.tender_id, pcc_number=row.tender.pcc_number,
                           title=row.tender.title, agency=row.tender.agency.label_zh,
                           planned=row.planned_percent, actual=row.actual_percent)
            for row in rows]


def progress_checks_by_month(*, actor, year: int) -> list[MonthCheckCount]:
    """The written checks of every month of ``year`` against the monthly target (the
    report's "每月至少 20 件"), counted over the tenders the actor may read."""
    counts = dict(works_scope(ProgressCheck.objects.all(), actor,
                              agency_field="tender__agency")
                  .filter(month__year=year).values("month").annotate(n=Count("id"))
                  .values_list("month", "n"))
    return [MonthCheckCount(month=month, target=target, count=counts.get(month, 0))
            for month, target in _check_targets(year).items()]


def _check_targets(year: int) -> dict[dt.date, int]:
    """Each month of ``year`` → the written-check target of the policy in force at its end,
    from one read of the policies (a month before the first policy takes the earliest)."""
    targets = list(WorksPolicy.objects.filter(effective_from__lte=dt.date(year, 12, 31))
                   .order_by("-effective_from")
                   .values_list("effective_from", "monthly_written_checks"))
    if not targets:
        policy_on(dt.date(year, 12, 31))  # raises the clear "no policy in force" error
    months = [dt.date(year, number, 1) for number in range(1, 13)]
    return {month: next((value for start, value in targets if start <= month_end(month)),
                        targets[-1][1]) for month in months}


def tender_agencies_with_tenders():
    """The agencies that have tenders (the tender list's agency filter)."""
    from yankao.core.models import Agency

    return Agency.objects.filter(works_tenders__isnull=False).distinct()


def tender_entry_agencies(*, actor):
    """The agencies whose tenders the actor may enter: an administrator's, all; an agency
    officer's, their own (and the units below)."""
    from yankao.core.models import Agency
    from yankao.core.permissions import actor_scope, can_administer
    from yankao.works.access import AGENCY_ROLES

    if can_administer(actor):
        return Agency.objects.filter(active=True)
    return Agency.objects.filter(pk__in=actor_scope(actor).agency_ids(*AGENCY_ROLES))


def progress_of_tenders(tenders) -> dict[int, list]:
    """Each tender's monthly progress in month order (for tenders already read through a
    selector: the OCDS release package)."""
    rows: dict[int, list] = {tender.pk: [] for tender in tenders}
    for row in MonthlyProgress.objects.filter(tender__in=tenders).order_by("tender_id", "month"):
        rows[row.tender_id].append(row)
    return rows
