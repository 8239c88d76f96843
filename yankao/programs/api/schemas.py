"""Schemas of /api/v1/programs. Percentages are numbers with two decimals, computed from
the stored counts and basis points; amounts are whole NT$."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from yankao.core.api.params import Amount, Month


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class ProgramOut(Schema):
    id: int
    year: int
    code: str
    name_zh: str
    name_en: str
    agency_code: str = Field(..., alias="agency.code")
    control_level: str
    budget: int
    summary: str


class CurvePointOut(Schema):
    month: int
    planned_pct: float | None
    actual_pct: float | None
    delay_points: float | None


class ProgramDetailOut(ProgramOut):
    plan_status: str | None
    curve: list[CurvePointOut]


class ReportOut(Schema):
    id: int
    program_id: int
    program_code: str
    year: int
    month: int
    status: str
    planned_pct: float
    actual_pct: float
    delay_points: float
    planned_budget: int
    budget_executed: int
    narrative: str
    delay_reason: str
    budget_reason: str
    regression_reason: str
    due_on: dt.date
    submitted_at: dt.datetime
    late: bool
    review_comment: str

    @staticmethod
    def from_report(report) -> dict:
        return {
            "id": report.pk, "program_id": report.program_id,
            "program_code": report.program.code, "year": report.program.year,
            "month": report.month, "status": report.status,
            "planned_pct": number(report.planned_pct), "actual_pct": number(report.actual_pct),
            "delay_points": number(report.delay_points), "planned_budget": report.planned_budget,
            "budget_executed": report.budget_executed, "narrative": report.narrative,
            "delay_reason": report.delay_reason, "budget_reason": report.budget_reason,
            "regression_reason": report.regression_reason, "due_on": report.due_on,
            "submitted_at": report.submitted_at, "late": report.is_late,
            "review_comment": report.review_comment,
        }


class ReportIn(Schema):
    month: Month
    actual_pct: Decimal = Field(..., description="Actual cumulative progress, 0–100, two "
                                                 "decimals at most")
    budget_executed: Amount = Field(..., description="Cumulative spending in NT$")
    narrative: str
    delay_reason: str = ""
    budget_reason: str = ""
    regression_reason: str = ""


class DecisionIn(Schema):
    decision: Literal["approve", "return"]
    comment: str = ""


class ClassOut(Schema):
    code: str
    label: str
    count: int
    share_pct: float | None


class AnalysisOut(Schema):
    year: int
    month: int
    agency_code: str = ""
    agency_name: str = ""
    total: int = Field(..., description="Programs controlled that year (in your scope)")
    reported: int
    not_reported: int
    on_track: int = Field(..., description="On schedule or less than minor_points behind")
    behind: int = Field(..., description="minor_points or more, less than severe_points")
    severely_behind: int = Field(..., description="severe_points or more behind")
    behind_total: int = Field(..., description="behind + severely_behind")
    minor_points: float
    severe_points: float
    classes: list[ClassOut]


class RiskOut(Schema):
    program_id: int
    program_code: str
    program_name: str
    agency_name: str
    rating: Literal["high", "medium", "low"]
    reasons: list[str]
    delays: dict[int, float | None]


class GradeOut(Schema):
    label_zh: str
    label_en: str
    min_score: float
    count: int
    share_pct: float | None


class GradeDistributionOut(Schema):
    year: int
    evaluated: int
    approved: int
    grades: list[GradeOut]


class KpiAchievementOut(Schema):
    year: int
    agency_code: str
    agency_name: str
    indicators: int
    measured: int
    met: int
    rate_pct: float | None


class KpiTargetOut(Schema):
    kpi_code: str
    agency_code: str
    indicator_zh: str
    indicator_en: str
    unit: str
    direction: str
    year: int
    target: float
    actual: float | None
    achievement_pct: float | None
    met: bool | None


class SubsidySummaryOut(Schema):
    year: int
    cases: int
    closed: int
    tracking: int
    budget: int
    executed: int
    meetings: int
    execution_rate_pct: float | None


class RecommendationSummaryOut(Schema):
    total: int
    responded: int
    adopted: int
    released: int
    adopted_share_pct: float | None


class CategoryCountOut(Schema):
    code: str
    name_zh: str
    name_en: str
    count: int
    replied: int
    released: int
    share_pct: float | None


class PreReviewSummaryOut(Schema):
    budget_year: int
    title: str
    requests: int
    requested: int
    approved_public: int
    approved_fund: int
    meetings: int
    site_visits: int
    approved_share_pct: float | None


class DocumentFiguresOut(Schema):
    key: str
    name: str
    total: int
    on_time: int
    overdue: int
    overdue_share_pct: float | None
    average_days: float | None
    flagged: bool
