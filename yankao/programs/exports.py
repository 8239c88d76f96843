"""Spreadsheet exports of programs, monthly progress and KPIs, with the import columns (and
a few read-only ones) so an exported file imports back unchanged."""

from __future__ import annotations

from collections.abc import Iterator

from yankao.core.calendar import as_taipei
from yankao.programs import selectors
from yankao.programs.models import PlanMonth, ProgressReport, WorkPlan
from yankao.programs.spreadsheets import (
    KPI_COLUMNS,
    KPI_EXPORT_ONLY,
    PLAN_COLUMNS,
    PROGRAM_COLUMNS,
    PROGRESS_COLUMNS,
    PROGRESS_EXPORT_ONLY,
)


def programs_table(*, actor, year: int) -> tuple[list[str], Iterator[list]]:
    programs = selectors.program_list(actor=actor, year=year)
    plans: dict[int, dict[int, tuple[int, int]]] = {}
    for program_id, month, planned_bp, planned_budget in PlanMonth.objects.filter(
        plan__program__in=programs, plan__status=WorkPlan.Status.APPROVED
    ).values_list("plan__program_id", "month", "planned_bp", "planned_budget"):
        plans.setdefault(program_id, {})[month] = (planned_bp, planned_budget)

    def rows():
        for program in programs:
            plan = plans.get(program.pk, {})
            yield [program.year, program.code, program.name_zh, program.name_en,
                   program.agency.code, program.control_level, program.budget, program.summary,
                   *[f"{plan[m][0] / 100:.2f}" if m in plan else "" for m in range(1, 13)],
                   *[plan[m][1] if m in plan else "" for m in range(1, 13)]]

    return PROGRAM_COLUMNS + PLAN_COLUMNS, rows()


def progress_table(*, actor, year: int) -> tuple[list[str], Iterator[list]]:
    reports = (ProgressReport.objects.filter(
        program__in=selectors.program_list(actor=actor, year=year))
        .select_related("program__agency").order_by("program__code", "month"))

    def rows():
        for report in reports:
            yield [report.program.year, report.program.code, report.month,
                   f"{report.actual_pct:.2f}", report.budget_executed, report.narrative,
                   report.delay_reason, report.budget_reason, report.regression_reason,
                   report.program.agency.code, f"{report.planned_pct:.2f}",
                   f"{report.delay_points:.2f}", report.planned_budget, report.status,
                   report.due_on, as_taipei(report.submitted_at)]

    return PROGRESS_COLUMNS + PROGRESS_EXPORT_ONLY, rows()


def kpis_table(*, actor, year: int) -> tuple[list[str], Iterator[list]]:
    targets = selectors.kpi_target_list(actor=actor, year=year)

    def rows():
        for row in targets:
            kpi = row.kpi
            yield [kpi.code, kpi.agency.code, kpi.indicator_zh, kpi.indicator_en, kpi.unit,
                   kpi.direction, row.year, row.target, row.actual, row.target_reason,
                   row.achievement_pct, "" if row.met is None else row.met]

    return KPI_COLUMNS + KPI_EXPORT_ONLY, rows()


TABLES = {"programs": programs_table, "progress": progress_table, "kpis": kpis_table}
