"""Importers of ``yankao import programs|progress|kpis|documents csv|xlsx FILE``.

Each row is written through the services in its own transaction: a row with an error is
reported with its number and reason and leaves nothing behind; the other rows are kept.
Importing the same file again changes nothing (rows already there count as unchanged).
Columns: programs/spreadsheets.py, documented in docs/imports/programs.md.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError
from yankao.core.imports import ImportResult, Progress, no_progress, read_rows, require_columns
from yankao.core.models import Agency
from yankao.programs import selectors, services
from yankao.programs.access import require_commission
from yankao.programs.models import (
    DocumentCategory,
    DocumentUrgency,
    Kpi,
    KpiTarget,
    PlanMonth,
    Program,
    ProgressReport,
    WorkPlan,
)
from yankao.programs.services import MonthPlan
from yankao.programs.services._common import amount_value, pct_to_bp, to_decimal
from yankao.programs.spreadsheets import (
    CONTROL_LEVEL_WORDS,
    DIRECTION_WORDS,
    DOCUMENT_COLUMNS,
    KPI_COLUMNS,
    PLAN_COLUMNS,
    PROGRAM_COLUMNS,
    PROGRESS_COLUMNS,
)


class RowError(Exception):
    pass


def _year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise RowError(_("year must be a number, not %(value)r") % {"value": value}) from None
    if not 1990 <= year <= 2200:
        raise RowError(_("year %(value)s is out of range") % {"value": value})
    return year


def _month(value: str) -> int:
    try:
        month = int(value)
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        raise RowError(_("month must be 1 to 12, not %(value)r") % {"value": value})
    return month


def _agency(code: str, cache: dict[str, Agency]) -> Agency:
    if code not in cache:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise RowError(_("unknown agency_code %(code)r") % {"code": code})
        cache[code] = agency
    return cache[code]


def _run(path: Path, required: list[str], row_fn, progress: Progress | None) -> ImportResult:
    headers, rows = read_rows(path)
    require_columns(headers, required, path)
    result = ImportResult()
    progress = progress or no_progress
    for number, row in rows:
        try:
            with transaction.atomic():
                outcome = row_fn(row, headers)
        except RowError as error:
            result.reject(number, str(error))
        except DomainError as error:
            field = f"{error.field}: " if error.field else ""
            result.reject(number, f"{field}{error.message}")
        else:
            setattr(result, outcome, getattr(result, outcome) + 1)
        progress(result.read)
    return result


def programs_import(path: Path, *, actor, progress: Progress | None = None) -> ImportResult:
    """Programs, with their work plan when the plan columns are present. An imported plan
    is recorded as approved (the file is the commission's record of approved plans)."""
    require_commission(actor)
    require_columns(read_rows(path)[0], PROGRAM_COLUMNS, path)
    agencies: dict[str, Agency] = {}

    def row_fn(row: dict[str, str], headers: list[str]) -> str:
        year = _year(row["year"])
        level = CONTROL_LEVEL_WORDS.get(row["control_level"])
        if level is None:
            raise RowError(_("unknown control_level %(value)r") % {"value": row["control_level"]})
        wanted = {
            "name_zh": row["name_zh"], "name_en": row["name_en"],
            "agency": _agency(row["agency_code"], agencies), "control_level": level,
            "budget": amount_value(row["budget"], field="budget"), "summary": row["summary"],
        }
        program = Program.objects.filter(year=year, code=row["code"]).first()
        outcome = "unchanged"
        if program is None:
            program = services.program_create(actor=actor, year=year, code=row["code"],
                                              **wanted)
            outcome = "created"
        elif any(getattr(program, k) != v for k, v in wanted.items()):
            program = services.program_update(actor=actor, program=program, **wanted)
            outcome = "updated"
        if all(column in headers for column in PLAN_COLUMNS) and row["plan_12"]:
            plan_outcome = _import_plan(actor, program, row)
            if outcome == "unchanged":
                outcome = plan_outcome
        return outcome

    return _run(path, PROGRAM_COLUMNS, row_fn, progress)


def _import_plan(actor, program: Program, row: dict[str, str]) -> str:
    months = [MonthPlan(m, row[f"plan_{m}"], row[f"plan_budget_{m}"] or 0)
              for m in range(1, 13)]
    wanted = {m.month: (pct_to_bp(m.planned_pct, field=f"plan_{m.month}"),
                        amount_value(m.planned_budget, field=f"plan_budget_{m.month}"))
              for m in months}
    approved = WorkPlan.objects.filter(program=program, status=WorkPlan.Status.APPROVED).first()
    if approved is not None:
        have = {r.month: (r.planned_bp, r.planned_budget)
                for r in PlanMonth.objects.filter(plan=approved)}
        if have == wanted:
            return "unchanged"
        raise RowError(_("the plan differs from the approved plan; revise it in Yankao with "
                         "a reason"))
    if WorkPlan.objects.filter(program=program).exists():
        raise RowError(_("the program's plan is awaiting a decision"))
    plan = services.work_plan_create(actor=None, program=program, months=months)
    services.work_plan_submit(actor=None, plan=plan)
    services.work_plan_approve(actor=actor, plan=plan, comment=_("Imported from a file."))
    return "updated"


def progress_import(path: Path, *, actor, progress: Progress | None = None) -> ImportResult:
    """Monthly progress reports, submitted through the same checks as the form."""
    programs: dict[tuple[int, str], Program] = {}

    def row_fn(row: dict[str, str], headers: list[str]) -> str:
        year, month = _year(row["year"]), _month(row["month"])
        key = (year, row["program_code"])
        if key not in programs:
            # An officer finds only the programs of their agencies: another agency's code
            # reads as unknown, so the file discloses nothing.
            visible = Program.objects if actor is None else selectors.program_list(actor=actor)
            program = visible.select_related("agency").filter(
                year=year, code=row["program_code"]).first()
            if program is None:
                raise RowError(_("no program %(code)s in %(year)s")
                               % {"code": row["program_code"], "year": year})
            programs[key] = program
        program = programs[key]
        actual_bp = pct_to_bp(row["actual_pct"], field="actual_pct")
        executed = amount_value(row["budget_executed"], field="budget_executed")
        existing = ProgressReport.objects.filter(program=program, month=month).first()
        if existing is not None and existing.status != ProgressReport.Status.RETURNED and (
            (existing.actual_bp, existing.budget_executed, existing.narrative)
            == (actual_bp, executed, row["narrative"].strip())
        ):
            return "unchanged"
        report = services.progress_report_submit(
            actor=actor, program=program, month=month, actual_pct=row["actual_pct"],
            budget_executed=executed, narrative=row["narrative"],
            delay_reason=row.get("delay_reason", ""), budget_reason=row.get("budget_reason", ""),
            regression_reason=row.get("regression_reason", ""))
        return "created" if existing is None and report else "updated"

    return _run(path, PROGRESS_COLUMNS[:6], row_fn, progress)


def kpis_import(path: Path, *, actor, progress: Progress | None = None) -> ImportResult:
    """KPIs and their yearly targets and actual values."""
    agencies: dict[str, Agency] = {}

    def row_fn(row: dict[str, str], headers: list[str]) -> str:
        year = _year(row["year"])
        direction = DIRECTION_WORDS.get(row["direction"] or "higher")
        if direction is None:
            raise RowError(_("direction must be higher or lower, not %(value)r")
                           % {"value": row["direction"]})
        kpi = Kpi.objects.filter(code=row["kpi_code"]).first()
        if kpi is None:
            kpi = services.kpi_create(
                actor=actor, agency=_agency(row["agency_code"], agencies), code=row["kpi_code"],
                indicator_zh=row["indicator_zh"], indicator_en=row.get("indicator_en", ""),
                unit=row["unit"], direction=direction)
        elif kpi.agency.code != row["agency_code"]:
            raise RowError(_("KPI %(code)s belongs to %(agency)s")
                           % {"code": kpi.code, "agency": kpi.agency.code})
        target = to_decimal(row["target"], field="target")
        current = KpiTarget.objects.filter(kpi=kpi, year=year).first()
        # A row is one KPI-year: created when the year is new, updated when its target or
        # actual value changes.
        outcome = "created" if current is None else "unchanged"
        if current is None or current.target != target:
            current = services.kpi_target_set(actor=actor, kpi=kpi, year=year, target=target,
                                              reason=row.get("target_reason", ""))
            outcome = "created" if outcome == "created" else "updated"
        if row.get("actual", ""):
            actual = to_decimal(row["actual"], field="actual")
            if current.actual != actual:
                services.kpi_actual_record(actor=actor, kpi_target=current, actual=actual)
                outcome = "created" if outcome == "created" else "updated"
        return outcome

    return _run(path, KPI_COLUMNS[:8], row_fn, progress)


def document_stats_import(path: Path, *, actor,
                          progress: Progress | None = None) -> ImportResult:
    """Monthly document statistics: one row per agency, month, category and urgency."""
    agencies: dict[str, Agency] = {}
    categories = {key: c for c in DocumentCategory.objects.all()
                  for key in (c.code, c.name_zh)}
    urgencies = {key: u for u in DocumentUrgency.objects.all() for key in (u.code, u.name_zh)}

    def row_fn(row: dict[str, str], headers: list[str]) -> str:
        category = categories.get(row["category"])
        if category is None:
            raise RowError(_("unknown category %(value)r") % {"value": row["category"]})
        urgency = urgencies.get(row["urgency"])
        if urgency is None:
            raise RowError(_("unknown urgency %(value)r") % {"value": row["urgency"]})
        _stat, outcome = services.document_stat_record(
            actor=actor, agency=_agency(row["agency_code"], agencies), year=_year(row["year"]),
            month=_month(row["month"]), category=category, urgency=urgency,
            on_time=row["on_time"], overdue=row["overdue"], average_days=row["average_days"])
        return outcome

    return _run(path, DOCUMENT_COLUMNS, row_fn, progress)


