"""/api/v1/programs: controlled programs, monthly reports and their review, and every figure
of the monthly analysis. Everything is limited to the caller's agencies (RDEC evaluators
see all); a program outside them answers 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yankao.core.api.params import BIGINT_MAX, YEAR_MAX, YEAR_MIN
from yankao.core.errors import DomainError, ErrorCode
from yankao.programs import selectors, services
from yankao.programs.api.schemas import (
    AnalysisOut,
    CategoryCountOut,
    DecisionIn,
    DocumentFiguresOut,
    GradeDistributionOut,
    KpiAchievementOut,
    KpiTargetOut,
    PreReviewSummaryOut,
    ProgramDetailOut,
    ProgramOut,
    RecommendationSummaryOut,
    ReportIn,
    ReportOut,
    RiskOut,
    SubsidySummaryOut,
    number,
)
from yankao.programs.models import ProgressReport

router = Router(tags=["programs"])


class YearQuery(Schema):
    year: int = Field(..., ge=1990, le=2200)


class MonthQuery(YearQuery):
    month: int = Field(..., ge=1, le=12)
    agency: str | None = Field(None, description="Agency code, to limit to one agency")


def _analysis(counts) -> dict:
    policy = selectors.policy_for_month(counts.year, counts.month)
    labels = selectors.delay_class_labels(policy)
    data = {name: getattr(counts, name) for name in (
        "year", "month", "agency_code", "agency_name", "total", "reported", "not_reported",
        "on_track", "behind", "severely_behind", "behind_total")}
    data.update(
        minor_points=number(counts.minor_points), severe_points=number(counts.severe_points),
        classes=[{"code": name, "label": labels[name],
                  "count": counts.not_reported if name == selectors.NOT_REPORTED
                  else getattr(counts, name),
                  "share_pct": number(counts.share(name))}
                 for name in (*selectors.DELAY_CLASSES, selectors.NOT_REPORTED)])
    return data


@router.get("/analysis", response=AnalysisOut,
            summary="Programs in each delay class for a month, and the total")
def analysis(request: HttpRequest, query: Query[MonthQuery]):
    """Delay = planned cumulative % − actual cumulative %, in points, with the thresholds
    of the control policy in force at the month's end."""
    return _analysis(selectors.delay_class_counts(actor=request.user, year=query.year,
                                                  month=query.month, agency_code=query.agency))


@router.get("/analysis/agencies", response=list[AnalysisOut],
            summary="Delay classes per agency for a month")
def analysis_by_agency(request: HttpRequest, query: Query[MonthQuery]):
    return [_analysis(row) for row in selectors.delay_class_by_agency(
        actor=request.user, year=query.year, month=query.month)]


@router.get("/analysis/trend", response=list[AnalysisOut],
            summary="Delay classes for each month of a year")
def analysis_trend(request: HttpRequest, query: Query[YearQuery], agency: str | None = None):
    return [_analysis(row) for row in selectors.delay_class_trend(
        actor=request.user, year=query.year, agency_code=agency)]


class QuarterQuery(YearQuery):
    quarter: int = Field(..., ge=1, le=4)


@router.get("/analysis/risks", response=list[RiskOut],
            summary="Quarterly risk rating (high, medium, low) with its reasons")
def analysis_risks(request: HttpRequest, query: Query[QuarterQuery]):
    return [
        {**r.__dict__, "delays": {m: number(d) for m, d in r.delays.items()}}
        for r in selectors.quarterly_risk_ratings(actor=request.user, year=query.year,
                                                  quarter=query.quarter)
    ]


@router.get("/evaluations/grades", response=GradeDistributionOut,
            summary="Year-end grade distribution of a year's programs")
def grades(request: HttpRequest, query: Query[YearQuery]):
    result = selectors.grade_distribution(actor=request.user, year=query.year)
    return {"year": result.year, "evaluated": result.evaluated, "approved": result.approved,
            "grades": [{"label_zh": g.label_zh, "label_en": g.label_en,
                        "min_score": float(g.min_score), "count": g.count,
                        "share_pct": number(g.share)} for g in result.grades]}


def _achievement(row) -> dict:
    return {"year": row.year, "agency_code": row.agency_code, "agency_name": row.agency_name,
            "indicators": row.indicators, "measured": row.measured, "met": row.met,
            "rate_pct": number(row.rate)}


@router.get("/kpis/achievement", response=KpiAchievementOut,
            summary="KPI achievement (met ÷ measured indicators) of the city or an agency")
def kpi_achievement(request: HttpRequest, query: Query[YearQuery], agency: str | None = None):
    return _achievement(selectors.kpi_achievement(actor=request.user, year=query.year,
                                                  agency_code=agency))


@router.get("/kpis/achievement/agencies", response=list[KpiAchievementOut],
            summary="KPI achievement per agency")
def kpi_achievement_agencies(request: HttpRequest, query: Query[YearQuery]):
    return [_achievement(row) for row in selectors.kpi_achievement_by_agency(
        actor=request.user, year=query.year)]


@router.get("/kpis", response=list[KpiTargetOut], summary="KPIs with a year's target and "
                                                          "actual")
@paginate
def kpis(request: HttpRequest, year: int = Query(..., ge=1990, le=2200),
         agency: str | None = None):
    return [
        {"kpi_code": row.kpi.code, "agency_code": row.kpi.agency.code,
         "indicator_zh": row.kpi.indicator_zh, "indicator_en": row.kpi.indicator_en,
         "unit": row.kpi.unit, "direction": row.kpi.direction, "year": row.year,
         "target": float(row.target), "actual": number(row.actual),
         "achievement_pct": number(row.achievement_pct), "met": row.met}
        for row in selectors.kpi_target_list(actor=request.user, year=year, agency_code=agency)
    ]


@router.get("/subsidies/summary", response=SubsidySummaryOut,
            summary="Basic-infrastructure subsidy cases, spending and execution rate")
def subsidy_summary(request: HttpRequest, query: Query[YearQuery]):
    row = selectors.subsidy_summary(actor=request.user, year=query.year)
    return {**row.__dict__, "execution_rate_pct": number(row.execution_rate)}


@router.get("/recommendations/summary", response=RecommendationSummaryOut,
            summary="Recommendations tracked, responded to, adopted and released")
def recommendation_summary(request: HttpRequest,
                           year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX),
                           topic: str | None = None):
    row = selectors.recommendation_summary(actor=request.user, year=year, topic_code=topic)
    return {**row.__dict__, "adopted_share_pct": number(row.adopted_share)}


@router.get("/council-resolutions/counts", response=list[CategoryCountOut],
            summary="Council resolutions per category")
def council_resolution_counts(request: HttpRequest, session: str | None = None,
                              year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    return [{**row.__dict__, "share_pct": number(row.share)}
            for row in selectors.council_resolution_counts(actor=request.user, session=session,
                                                           year=year)]


@router.get("/budget-pre-reviews/{int:budget_year}", response=PreReviewSummaryOut,
            summary="A budget pre-review: requests, meetings, site visits, approved budgets")
def budget_pre_review(request: HttpRequest,
                      budget_year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX)):
    row = selectors.budget_pre_review_summary(actor=request.user, budget_year=budget_year)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No pre-review for that budget year.")
    return {**row.__dict__, "approved_share_pct": number(row.approved_share)}


@router.get("/documents/agencies", response=list[DocumentFiguresOut],
            summary="Document-processing statistics per agency, with the overdue flag")
def documents_by_agency(request: HttpRequest, query: Query[YearQuery],
                        month: int | None = Query(None, ge=1, le=12)):
    return [{"key": row.key, "name": row.name, "total": row.total, "on_time": row.on_time,
             "overdue": row.overdue, "overdue_share_pct": number(row.overdue_share),
             "average_days": number(row.average_days), "flagged": row.flagged}
            for row in selectors.document_overdue_by_agency(actor=request.user,
                                                            year=query.year, month=month)]


@router.get("/reports/queue", response=list[ReportOut],
            summary="Monthly reports awaiting my review (unit head or commission)")
def report_queue(request: HttpRequest):
    return [ReportOut.from_report(r) for r in selectors.review_queue(actor=request.user)]


@router.get("/reports/{int:report_id}", response=ReportOut)
def report_get(request: HttpRequest, report_id: int = Path(..., ge=1, le=BIGINT_MAX)):
    return ReportOut.from_report(selectors.progress_report_get(actor=request.user,
                                                               report_id=report_id))


@router.post("/reports/{int:report_id}/decision", response=ReportOut,
             summary="The unit head's or the commission's decision on a report")
def report_decide(request: HttpRequest, payload: DecisionIn,
                  report_id: int = Path(..., ge=1, le=BIGINT_MAX)):
    report = selectors.progress_report_get(actor=request.user, report_id=report_id)
    approve = payload.decision == "approve"
    if report.status == ProgressReport.Status.SUBMITTED:
        report = services.progress_report_unit_review(actor=request.user, report=report,
                                                      approve=approve, comment=payload.comment)
    else:
        report = services.progress_report_commission_review(
            actor=request.user, report=report, approve=approve, comment=payload.comment)
    return ReportOut.from_report(report)


@router.get("", response=list[ProgramOut], summary="Controlled programs")
@paginate
def program_list(request: HttpRequest, year: int | None = Query(None, ge=1990, le=2200),
                 agency: str | None = None, control_level: str | None = None, q: str = ""):
    return selectors.program_list(actor=request.user, year=year, agency_code=agency,
                                  control_level=control_level, q=q)


@router.get("/{int:program_id}", response=ProgramDetailOut,
            summary="A program with its planned and actual progress by month")
def program_get(request: HttpRequest, program_id: int = Path(..., ge=1, le=BIGINT_MAX)):
    program = selectors.program_get(actor=request.user, program_id=program_id)
    plan = selectors.latest_work_plan(actor=request.user, program=program)
    curve = selectors.program_s_curve(actor=request.user, program=program)
    program.plan_status = plan.status if plan else None
    program.curve = [{"month": p.month, "planned_pct": number(p.planned_pct),
                      "actual_pct": number(p.actual_pct), "delay_points": number(p.delay_points)}
                     for p in curve]
    return program


@router.get("/{int:program_id}/reports", response=list[ReportOut],
            summary="A program's monthly reports")
def program_reports(request: HttpRequest,
                    program_id: int = Path(..., ge=1, le=BIGINT_MAX)):
    program = selectors.program_get(actor=request.user, program_id=program_id)
    return [ReportOut.from_report(r) for r in selectors.progress_report_list(
        actor=request.user, program=program).select_related("program")]


@router.post("/{int:program_id}/reports", response={201: ReportOut},
             summary="Submit a month's progress (or resubmit a returned report)")
def program_report_submit(request: HttpRequest, payload: ReportIn,
                          program_id: int = Path(..., ge=1, le=BIGINT_MAX)):
    program = selectors.program_get(actor=request.user, program_id=program_id)
    report = services.progress_report_submit(
        actor=request.user, program=program, month=payload.month,
        actual_pct=payload.actual_pct, budget_executed=payload.budget_executed,
        narrative=payload.narrative, delay_reason=payload.delay_reason,
        budget_reason=payload.budget_reason, regression_reason=payload.regression_reason)
    return Status(201, ReportOut.from_report(report))
