"""Columns of the program-control spreadsheets, shared by imports and exports so that an
exported file imports back unchanged. Documented in docs/imports/programs.md."""

from __future__ import annotations

from yankao.programs.models import ControlLevel, Kpi

PROGRAM_COLUMNS = ["year", "code", "name_zh", "name_en", "agency_code", "control_level",
                   "budget", "summary"]
PLAN_COLUMNS = [f"plan_{m}" for m in range(1, 13)] + [f"plan_budget_{m}" for m in range(1, 13)]
PROGRESS_COLUMNS = ["year", "program_code", "month", "actual_pct", "budget_executed",
                    "narrative", "delay_reason", "budget_reason", "regression_reason"]
PROGRESS_EXPORT_ONLY = ["agency_code", "planned_pct", "delay_points", "planned_budget",
                        "status", "due_on", "submitted_at"]
KPI_COLUMNS = ["kpi_code", "agency_code", "indicator_zh", "indicator_en", "unit", "direction",
               "year", "target", "actual", "target_reason"]
KPI_EXPORT_ONLY = ["achievement_pct", "met"]
DOCUMENT_COLUMNS = ["agency_code", "year", "month", "category", "urgency", "on_time",
                    "overdue", "average_days"]

# Chinese names accepted for coded columns (spreadsheets written by hand use them).
CONTROL_LEVEL_WORDS = {
    "院列管": ControlLevel.EXECUTIVE_YUAN, "部會管制": ControlLevel.MINISTRY,
    "市府列管": ControlLevel.CITY, "自行管制": ControlLevel.SELF,
    **{value: value for value in ControlLevel.values},
}
DIRECTION_WORDS = {
    "越高越好": Kpi.Direction.HIGHER, "越低越好": Kpi.Direction.LOWER,
    "正向": Kpi.Direction.HIGHER, "負向": Kpi.Direction.LOWER,
    **{value: value for value in Kpi.Direction.values},
}
