"""Reads of inspections: the unannounced rule, lists, the yearly figures (done against
the legal minimum, grades, timeliness, defect codes) and the defect board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.numbers import percent
from yankao.works.access import reads_all, works_scope
from yankao.works.models import (
    Defect,
    DefectCode,
    GradeBand,
    Inspection,
    InspectionConsequence,
    MinimumAdjustment,
)
from yankao.works.policy import formula_for_year, minimum_version, policy_on
from yankao.works.rules import TenderAmount, legal_minimum
from yankao.works.selectors.tenders import tender_list
from yankao.works.services.common import today_taipei


def inspection_visible(*, actor, today: dt.date | None = None) -> QuerySet[Inspection]:
    """不預先通知: the inspections the actor may read. The inspection team and evaluators
    see all, planned ones included; an agency sees its own only once they have happened —
    never a planned inspection, never a date still to come."""
    queryset = works_scope(Inspection.objects.select_related("tender", "agency"), actor)
    if reads_all(actor):
        return queryset
    return queryset.exclude(status=Inspection.Status.PLANNED).filter(
        inspected_on__lte=today or today_taipei())


def inspection_list(*, actor, year: int | None = None, agency_code: str = "", kind: str = "",
                    status: str = "", tender_id: int | None = None) -> QuerySet[Inspection]:
    inspections = inspection_visible(actor=actor)
    if year:
        inspections = inspections.filter(inspected_on__year=year)
    if agency_code:
        inspections = inspections.filter(Q(agency__code=agency_code)
                                         | Q(agency__parent__code=agency_code))
    if kind:
        inspections = inspections.filter(kind=kind)
    if status:
        inspections = inspections.filter(status=status)
    if tender_id is not None:
        inspections = inspections.filter(tender_id=tender_id)
    return inspections


def inspection_years(*, actor) -> list[int]:
    """Years with inspections the actor may read, latest first (for year pickers)."""
    return sorted({day.year for day in inspection_visible(actor=actor).dates(
        "inspected_on", "year")}, reverse=True)


def inspection_get(*, actor, number: str = "", pk: int | None = None) -> Inspection:
    """One inspection with its scores, tests, defects (and photos) and checklist."""
    inspections = inspection_visible(actor=actor).select_related(
        "first_inspection", "citizen_report").prefetch_related(
        "scores", "material_tests",
        Prefetch("defects", queryset=Defect.objects.select_related("code")
                 .prefetch_related("photos__attachment")),
        Prefetch("consequences", queryset=InspectionConsequence.objects.select_related(
            "template", "done_by")),
        "re_inspections")
    inspection = (inspections.filter(pk=pk) if pk is not None
                  else inspections.filter(number=number)).first()
    if inspection is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such inspection.")
    return inspection


def grade_labels() -> dict[str, GradeBand]:
    """The grade bands of the current policy, by code (labels for display)."""
    return {band.code: band for band in policy_on(today_taipei()).grade_bands.all()}


@dataclass(frozen=True)
class Adjustment:
    """The head's approval of a band's count instead of the law's (§4 ¶2)."""

    count: int
    approved_by: str
    approved_on: dt.date
    document_number: str
    reported_on: dt.date | None
    reason: str


@dataclass(frozen=True)
class MinimumBandRow:
    band_id: int
    label: str
    citation: str
    min_amount: int
    max_amount: int | None
    percent: Decimal
    minimum_count: int
    tenders: int
    legal: int
    required: int
    adjustment: Adjustment | None = None


@dataclass(frozen=True)
class InspectionMinimum:
    """法定查核件數 of a year under one text of §4, with every tender under construction
    accounted for: ``tenders`` = Σ rows' tenders + ``below_floor`` + ``excluded``."""

    year: int
    formula_code: str
    formula_title: str
    citation: str
    effective_from: dt.date
    effective_until: dt.date | None
    source: str
    rows: list[MinimumBandRow]
    overall_percent: Decimal
    overall_floor: int
    overall_tenders: int
    overall_required: int
    band_total: int
    total: int
    tenders: int
    below_floor: int
    excluded: int
    excludes_subsidised_and_delegated: bool

    @property
    def adjusted(self) -> bool:
        return any(row.adjustment for row in self.rows)


def inspection_minimum(*, actor, year: int, formula_code: str = "") -> InspectionMinimum:
    """法定查核件數 (工程施工查核小組作業辦法 §4): from the tenders under construction in
    ``year`` that the actor may read, by their budget amounts, under the text in force on
    31 December (or ``formula_code``). The counts the head of the team's agency approved
    instead (§4 ¶2) apply to the city-wide figure (the team and evaluators), not to one
    agency's own share."""
    formula = formula_for_year(year, formula_code)
    version = minimum_version(formula)
    bands = list(formula.bands.all())
    tenders = [TenderAmount(budget_amount=amount, arrangement=arrangement)
               for amount, arrangement in tender_list(actor=actor, year=year).values_list(
                   "budget_amount", "arrangement")]
    approvals = {}
    if reads_all(actor):
        approvals = {adjustment.band_id: adjustment for adjustment in
                     MinimumAdjustment.objects.filter(year=year, band__formula=formula)}
    by_index = {index: approvals[band.pk].count for index, band in enumerate(bands)
                if band.pk in approvals}
    result = legal_minimum(version, tenders, by_index)
    rows = []
    for band, row in zip(bands, result.rows, strict=True):
        approval = approvals.get(band.pk)
        rows.append(MinimumBandRow(
            band_id=band.pk, label=band.label, citation=band.citation,
            min_amount=band.min_amount, max_amount=band.max_amount, percent=band.percent,
            minimum_count=band.minimum_count, tenders=row.tenders, legal=row.legal,
            required=row.required,
            adjustment=Adjustment(
                count=approval.count, approved_by=approval.approved_by,
                approved_on=approval.approved_on, document_number=approval.document_number,
                reported_on=approval.reported_on, reason=approval.reason)
            if approval else None))
    return InspectionMinimum(
        year=year, formula_code=formula.code, formula_title=formula.title,
        citation=formula.citation, effective_from=formula.effective_from,
        effective_until=formula.effective_until, source=formula.source, rows=rows,
        overall_percent=formula.overall_percent, overall_floor=formula.overall_floor_amount,
        overall_tenders=result.overall_tenders, overall_required=result.overall_required,
        band_total=result.band_total, total=result.total, tenders=result.tenders,
        below_floor=result.below_floor, excluded=result.excluded,
        excludes_subsidised_and_delegated=formula.excludes_subsidised_and_delegated)


def minimum_adjustments(*, actor, year: int) -> list[MinimumAdjustment]:
    """The approved adjustments of ``year`` (the team and evaluators)."""
    if not reads_all(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    return list(MinimumAdjustment.objects.filter(year=year).select_related(
        "band__formula", "recorded_by"))


@dataclass(frozen=True)
class InspectionSummary:
    year: int
    inspections: int
    first_inspections: int
    re_inspections: int
    legal_minimum: int | None
    ratio_percent: Decimal | None
    formula_code: str


def inspection_summary(*, actor, year: int, formula_code: str = "") -> InspectionSummary:
    """查核件數: inspections made in ``year`` (first inspections and re-inspections apart)
    against the legal minimum; ratio = inspections ÷ minimum. Planned inspections do not
    count. For an agency user both figures are of the agency's own tenders. With no text
    of §4 in force for the year the minimum is None (and the ratio)."""
    counts = inspection_list(actor=actor, year=year).exclude(
        status=Inspection.Status.PLANNED).aggregate(
        total=Count("id"), re=Count("id", filter=Q(kind=Inspection.Kind.RE_INSPECTION)))
    try:
        minimum = inspection_minimum(actor=actor, year=year, formula_code=formula_code)
    except DomainError:
        if formula_code:
            raise
        minimum = None
    total = minimum.total if minimum else None
    return InspectionSummary(
        year=year, inspections=counts["total"], re_inspections=counts["re"],
        first_inspections=counts["total"] - counts["re"], legal_minimum=total,
        ratio_percent=percent(counts["total"], total) if total is not None else None,
        formula_code=minimum.formula_code if minimum else "")


@dataclass(frozen=True)
class GradeCount:
    code: str
    label: str
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class GradeDistribution:
    year: int
    graded: int
    provisional: int
    grades: list[GradeCount]


def grade_distribution(*, actor, year: int) -> GradeDistribution:
    """查核成績分布: recorded inspections of ``year`` by grade (provisional ones counted in
    their current grade and also apart)."""
    inspections = inspection_list(actor=actor, year=year).exclude(
        status=Inspection.Status.PLANNED).exclude(grade="")
    counts = dict(inspections.values("grade").annotate(n=Count("id")).values_list("grade", "n"))
    provisional = inspections.filter(score_provisional=True).count()
    graded = sum(counts.values())
    bands = policy_on(dt.date(year, 12, 31)).grade_bands.all()
    return GradeDistribution(
        year=year, graded=graded, provisional=provisional,
        grades=[GradeCount(code=band.code, label=band.label, count=counts.get(band.code, 0),
                           percent=percent(counts.get(band.code, 0), graded))
                for band in bands])


@dataclass(frozen=True)
class RecordTimeliness:
    year: int
    sent: int
    on_time: int
    rate_percent: Decimal | None


def inspection_record_timeliness(*, actor, year: int) -> RecordTimeliness:
    """Records sent to the agency within the working days of §9, of those sent."""
    sent = inspection_list(actor=actor, year=year).filter(sent_at__isnull=False)
    total = sent.count()
    on_time = sent.filter(sent_at__lte=F("record_due_at")).count()
    return RecordTimeliness(year=year, sent=total, on_time=on_time,
                            rate_percent=percent(on_time, total))


@dataclass(frozen=True)
class DefectGroupCount:
    group: str
    label: str
    defects: int
    deduction_points: int
    deduction_amount: int


def defect_group_counts(*, actor, year: int) -> list[DefectGroupCount]:
    """缺失統計: defects of ``year``'s inspections by code group, with points and NT$."""
    defects = Defect.objects.filter(
        inspection__in=inspection_list(actor=actor, year=year)).select_related("code")
    totals: dict[str, list[int]] = {group: [0, 0, 0] for group in DefectCode.Group.values}
    for defect in defects:
        row = totals[defect.code.group]
        row[0] += 1
        row[1] += defect.deduction_points
        row[2] += defect.deduction_amount
    labels = dict(DefectCode.Group.choices)
    return [DefectGroupCount(group=group, label=str(labels[group]), defects=values[0],
                             deduction_points=values[1], deduction_amount=values[2])
            for group, values in totals.items()]


def defect_list(*, actor, status: str = "", agency_code: str = "",
                year: int | None = None) -> QuerySet[Defect]:
    """Defects of the inspections the actor may read."""
    defects = Defect.objects.filter(
        inspection__in=inspection_list(actor=actor, year=year, agency_code=agency_code)
    ).select_related("code", "inspection__tender", "inspection__agency").order_by(
        "improvement_due", "inspection__inspected_on", "id")
    if status:
        defects = defects.filter(status=status)
    return defects


@dataclass
class BoardColumn:
    status: str
    label: str
    total: int
    defects: list[Defect]


def defect_board(*, actor, agency_code: str = "", year: int | None = None,
                 limit: int = 60, verified_limit: int = 20) -> list[BoardColumn]:
    """缺失追蹤: defects by status column — to improve, reported, verified — with each
    column's total; the first two oldest-due first, verified the latest first."""
    columns = []
    for status, label in Defect.Status.choices:
        defects = defect_list(actor=actor, status=status, agency_code=agency_code, year=year)
        shown = limit
        if status == Defect.Status.VERIFIED:
            defects, shown = defects.order_by("-verified_at", "-id"), verified_limit
        columns.append(BoardColumn(status=status, label=str(label), total=defects.count(),
                                   defects=list(defects[:shown])))
    return columns


def defect_get(*, actor, pk: int) -> Defect:
    defect = defect_list(actor=actor).filter(pk=pk).first()
    if defect is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such defect.")
    return defect



def material_test_get(*, actor, pk: int):
    """A material test of an inspection the actor may read; NOT_FOUND otherwise."""
    from yankao.works.models import MaterialTest

    test = MaterialTest.objects.select_related("inspection").filter(pk=pk).first()
    inspection_get(actor=actor, pk=test.inspection_id if test else -1)
    return test


def consequence_get(*, actor, pk: int):
    """A 丙等 checklist item of an inspection the actor may read; NOT_FOUND otherwise."""
    from yankao.works.models import InspectionConsequence

    consequence = InspectionConsequence.objects.filter(pk=pk).first()
    inspection_get(actor=actor, pk=consequence.inspection_id if consequence else -1)
    return consequence
