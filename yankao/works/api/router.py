"""/api/v1/works: tenders, progress, inspections, defects, figures and citizen reports,
scoped to the user's agencies (the inspection team and evaluators see all). Planned
inspections never reach an agency. Reporter data is never part of any answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from yankao.core.api.pagination import MAX_OFFSET
from yankao.core.api.params import YEAR_MAX, YEAR_MIN, Amount, Count, YearMonth
from yankao.core.errors import DomainError, ErrorCode
from yankao.works import selectors
from yankao.works.access import reads_all
from yankao.works.models import Defect, Inspection, MonthlyProgress, Tender
from yankao.works.services.inspections import (
    DefectEntry,
    InspectorEntry,
    MaterialTestEntry,
    inspection_record,
)
from yankao.works.services.tenders import progress_submit

router = Router(tags=["works"])


class Page(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class TenderOut(Schema):
    pcc_number: str
    agency_code: str = Field(..., alias="agency.code")
    title: str
    location: str
    district: str | None = None
    contract_amount: int
    budget_amount: int
    arrangement: str
    contractor: str
    supervisor: str
    start_date: dt.date
    end_date: dt.date
    status: str
    latest_month: dt.date | None = None
    latest_planned: Decimal | None = None
    latest_actual: Decimal | None = None

    @staticmethod
    def resolve_district(obj) -> str | None:
        return obj.district.code if obj.district_id else None


class TenderFilter(Page):
    agency: str = ""
    status: str = ""
    q: str = ""
    year: int | None = Field(None, ge=2000, le=2100)


class ProgressOut(Schema):
    month: dt.date
    planned_percent: Decimal
    actual_percent: Decimal
    amount_spent: int
    delay_reason: str
    stopped: bool
    stoppage_days: int
    stoppage_reason: str
    design_change: bool
    design_change_note: str
    regression_reason: str
    due_at: dt.datetime
    submitted_at: dt.datetime
    on_time: bool


class ProgressIn(Schema):
    month: YearMonth
    actual_percent: Decimal
    amount_spent: Amount
    delay_reason: str = ""
    regression_reason: str = ""
    stopped: bool = False
    stoppage_days: int = Field(0, ge=0, le=31)
    stoppage_reason: str = ""
    design_change: bool = False
    design_change_note: str = ""


class ScoreOut(Schema):
    name: str
    score: int


class DefectOut(Schema):
    id: int
    inspection: str = Field(..., alias="inspection.number")
    code: str = Field(..., alias="code.code")
    description: str
    severity: str
    deduction_points: int
    amount_per_point: int
    deduction_amount: int
    status: str
    improvement_due: dt.date | None = None
    improved_at: dt.datetime | None = None
    verified_at: dt.datetime | None = None


class TestOut(Schema):
    material: str
    result: str
    result_on: dt.date | None = None


class InspectionOut(Schema):
    number: str
    tender: str = Field(..., alias="tender.pcc_number")
    agency_code: str = Field(..., alias="agency.code")
    kind: str
    status: str
    origin: str
    first_inspection: str | None = None
    inspected_on: dt.date
    score: int | None = None
    mean_score: Decimal | None = None
    grade: str
    score_provisional: bool
    score_fixed_by_test: bool
    grave_finding: str
    score_withheld: bool = Field(
        ..., description="A score of 70 or more waits for the test results (§8 ¶3 from "
                         "2021-03-19): score, mean and grade are null for the agency until "
                         "then.")
    record_due_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None

    @staticmethod
    def resolve_first_inspection(obj) -> str | None:
        return obj.first_inspection.number if obj.first_inspection_id else None

    @staticmethod
    def resolve_score(obj, context) -> int | None:
        return None if _hidden(obj, context) else obj.score

    @staticmethod
    def resolve_mean_score(obj, context) -> Decimal | None:
        return None if _hidden(obj, context) else obj.mean_score

    @staticmethod
    def resolve_grade(obj, context) -> str:
        return "" if _hidden(obj, context) else obj.grade


def _hidden(inspection, context) -> bool:
    """The agency does not learn a withheld score (§8 ¶3); the team and evaluators do."""
    return inspection.score_withheld and not reads_all(context["request"].user)


class InspectionDetailOut(InspectionOut):
    scores: list[ScoreOut]
    material_tests: list[TestOut]
    defects: list[DefectOut]

    @staticmethod
    def resolve_scores(obj, context):
        return [] if _hidden(obj, context) else list(obj.scores.all())

    @staticmethod
    def resolve_material_tests(obj):
        return list(obj.material_tests.all())

    @staticmethod
    def resolve_defects(obj):
        return list(obj.defects.all())


class InspectorIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    score: int = Field(..., ge=0, le=100)


class DefectIn(Schema):
    code: str
    description: str
    severity: str = "minor"
    deduction_points: Count = 0


class TestIn(Schema):
    material: str
    result: str = "pending"


class InspectionIn(Schema):
    tender: str = Field(..., description="PCC tender number")
    inspected_on: dt.date
    inspectors: list[InspectorIn]
    defects: list[DefectIn] = []
    material_tests: list[TestIn] = []
    origin: str = Inspection.Origin.ROUTINE
    citizen_report: str | None = None
    first_inspection: str | None = None
    summary: str = ""
    grave_finding: str = Field("", description="structure, materials or safety (§8 ¶1 "
                                                "items 4–6): makes it 丙等")


class SummaryOut(Schema):
    year: int
    inspections: int
    first_inspections: int
    re_inspections: int
    legal_minimum: int | None
    ratio_percent: Decimal | None
    formula_code: str


class WorksYearQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)


class CitizenReportOut(Schema):
    number: str
    channel: str
    service_desk_case_number: str
    tender: str | None = None
    agency_code: str | None = None
    subject: str
    description: str
    location: str
    status: str
    received_at: dt.datetime
    due_at: dt.datetime | None = None
    extension_count: int
    satisfaction: str

    @staticmethod
    def resolve_tender(obj) -> str | None:
        return obj.tender.pcc_number if obj.tender_id else None

    @staticmethod
    def resolve_agency_code(obj) -> str | None:
        return obj.agency.code if obj.agency_id else None


def _tender(request: HttpRequest, pcc_number: str) -> Tender:
    return selectors.tender_get(actor=request.user, pcc_number=pcc_number)


@router.get("/works/tenders", response=list[TenderOut], summary="Tenders of my agencies")
def tenders(request: HttpRequest, query: Query[TenderFilter]):
    rows = selectors.tender_list(actor=request.user, agency_code=query.agency,
                                 status=query.status, query=query.q, year=query.year)
    return list(rows.order_by("pcc_number")[query.offset:query.offset + query.limit])


@router.get("/works/tenders/{pcc_number}", response=TenderOut)
def tender(request: HttpRequest, pcc_number: str):
    return _tender(request, pcc_number)


@router.get("/works/tenders/{pcc_number}/progress", response=list[ProgressOut],
            summary="Monthly progress of a tender")
def tender_progress(request: HttpRequest, pcc_number: str):
    return list(selectors.tender_progress(actor=request.user,
                                          tender=_tender(request, pcc_number)))


@router.post("/works/tenders/{pcc_number}/progress", response={201: ProgressOut},
             summary="Report a month's progress (officers of the tender's agency)")
def tender_progress_submit(request: HttpRequest, pcc_number: str, payload: ProgressIn):
    row: MonthlyProgress = progress_submit(
        actor=request.user, tender=_tender(request, pcc_number),
        month=dt.date.fromisoformat(f"{payload.month}-01"),
        actual_percent=payload.actual_percent, amount_spent=payload.amount_spent,
        delay_reason=payload.delay_reason, regression_reason=payload.regression_reason,
        stopped=payload.stopped, stoppage_days=payload.stoppage_days,
        stoppage_reason=payload.stoppage_reason, design_change=payload.design_change,
        design_change_note=payload.design_change_note)
    return Status(201, row)


@router.get("/works/inspections/summary", response=SummaryOut,
            summary="Inspections of a year against the legal minimum")
def inspections_summary(request: HttpRequest, query: Query[WorksYearQuery]):
    return asdict(selectors.inspection_summary(actor=request.user, year=query.year))


@router.get("/works/inspections/minimum", summary="The legal minimum (§4) by amount band")
def inspections_minimum(request: HttpRequest, query: Query[WorksYearQuery], formula: str = ""):
    return asdict(selectors.inspection_minimum(actor=request.user, year=query.year,
                                               formula_code=formula))


@router.get("/works/inspections/grades", summary="Inspections of a year by grade")
def inspections_grades(request: HttpRequest, query: Query[WorksYearQuery]):
    return asdict(selectors.grade_distribution(actor=request.user, year=query.year))


@router.get("/works/inspections", response=list[InspectionOut])
def inspections(request: HttpRequest, query: Query[Page],
                year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX),
                kind: str = ""):
    rows = selectors.inspection_list(actor=request.user, year=year, kind=kind).select_related(
        "first_inspection")
    return list(rows.order_by("inspected_on", "number")[query.offset:query.offset
                                                             + query.limit])


@router.get("/works/inspections/{number}", response=InspectionDetailOut)
def inspection(request: HttpRequest, number: str):
    return selectors.inspection_get(actor=request.user, number=number)


@router.post("/works/inspections", response={201: InspectionDetailOut},
             summary="Record an inspection (the inspection team)")
def inspection_create(request: HttpRequest, payload: InspectionIn):
    try:
        tender_row = _tender(request, payload.tender)
    except DomainError:
        raise DomainError(ErrorCode.INVALID, "No tender with this number.",
                          field="tender") from None
    first = (selectors.inspection_get(actor=request.user, number=payload.first_inspection)
             if payload.first_inspection else None)
    report = (selectors.citizen_report_get(actor=request.user, number=payload.citizen_report)
              if payload.citizen_report else None)
    created = inspection_record(
        actor=request.user, tender=tender_row, inspected_on=payload.inspected_on,
        inspectors=[InspectorEntry(name=row.name, score=row.score)
                    for row in payload.inspectors],
        defects=[DefectEntry(code=row.code, description=row.description,
                             severity=row.severity, deduction_points=row.deduction_points)
                 for row in payload.defects],
        tests=[MaterialTestEntry(material=row.material, result=row.result)
               for row in payload.material_tests],
        origin=payload.origin, citizen_report=report, first_inspection=first,
        summary=payload.summary, grave_finding=payload.grave_finding)
    return Status(201, selectors.inspection_get(actor=request.user, number=created.number))


@router.get("/works/defects", response=list[DefectOut])
def defects(request: HttpRequest, query: Query[Page], status: str = ""):
    if status and status not in Defect.Status.values:
        raise DomainError(ErrorCode.INVALID, "Unknown status.", field="status")
    rows = selectors.defect_list(actor=request.user, status=status)
    return list(rows[query.offset:query.offset + query.limit])


@router.get("/works/compliance", summary="Monthly updates made on time, by month")
def compliance(request: HttpRequest, query: Query[WorksYearQuery]):
    return [asdict(row) for row in selectors.progress_compliance_by_month(
        actor=request.user, year=query.year)]


@router.get("/works/citizen-reports", response=list[CitizenReportOut],
            summary="Citizen works reports (never the reporter's data)")
def citizen_reports(request: HttpRequest, query: Query[Page],
                    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    rows = selectors.citizen_report_list(actor=request.user, year=year)
    return list(rows.order_by("received_at")[query.offset:query.offset + query.limit])


@router.get("/works/citizen-reports/summary", summary="Satisfaction and inspections arising")
def citizen_reports_summary(request: HttpRequest, query: Query[WorksYearQuery]):
    return {
        "satisfaction": asdict(selectors.citizen_report_satisfaction(actor=request.user,
                                                                     year=query.year)),
        "inspections": asdict(selectors.citizen_report_inspection_rate(actor=request.user,
                                                                       year=query.year)),
    }


@router.get("/works/training", summary="Training sessions of a year and their summary")
def training(request: HttpRequest, query: Query[WorksYearQuery]):
    return {
        "summary": asdict(selectors.training_summary(year=query.year)),
        "sessions": [{"title": s.title, "held_on": s.held_on, "co_organiser": s.co_organiser,
                      "attendance": s.attendance}
                     for s in selectors.training_list(year=query.year)],
    }
