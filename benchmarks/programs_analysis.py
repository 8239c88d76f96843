"""The monthly analysis: how long each figure and page takes, at the city's size and ten
times it.

    python benchmarks/programs_analysis.py [--runs 7]            # SQLite in a temp folder
    DATABASE_URL=postgres://… python benchmarks/programs_analysis.py   # an EMPTY database

Builds the demo city (163 programs of 2018 with 12 monthly reports each), then measures in
one process, each the median of --runs:
  baseline   Program.objects.filter(year=2018).count() — one indexed query
  each selector of the analysis (delay classes, by agency, trend, overview, risks, late)
  the analysis page and GET /api/v1/programs/analysis through Django's test client
then adds nine copies of every 2018 program with its plan and reports (1,630 programs,
19,560 reports) and measures again. Results go in docs/performance.md ("Program control").
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["YANKAO_DATA_DIR"] = tempfile.mkdtemp(prefix="yankao-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    os.environ["YANKAO_ENV"] = "test"
    import django

    django.setup()
    from django.core.management import call_command

    from yankao.core.demo import demo_build

    call_command("migrate", verbosity=0)
    demo_build(scale=0.02, out=io.StringIO(), show_progress=False)


def timed(function, runs: int) -> float:
    function()  # warm up caches and connections
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        values.append(time.perf_counter() - started)
    return statistics.median(values)


def measures(runs: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from yankao.programs import selectors
    from yankao.programs.models import Program

    evaluator = get_user_model().objects.get(username="evaluator")
    client = Client()
    client.force_login(evaluator)
    api = {"HTTP_AUTHORIZATION": "Bearer yk_demo_evaluator"}

    def fresh_actor():
        # The scope is cached on the user object per request; measure it uncached.
        return get_user_model().objects.get(pk=evaluator.pk)

    cases = {
        "baseline: one indexed count": lambda: Program.objects.filter(year=2018).count(),
        "delay_class_counts": lambda: selectors.delay_class_counts(
            actor=fresh_actor(), year=2018, month=12),
        "delay_class_by_agency": lambda: selectors.delay_class_by_agency(
            actor=fresh_actor(), year=2018, month=12),
        "delay_class_trend (12 months)": lambda: selectors.delay_class_trend(
            actor=fresh_actor(), year=2018),
        "agency_month_overview": lambda: selectors.agency_month_overview(
            actor=fresh_actor(), year=2018),
        "quarterly_risk_ratings": lambda: selectors.quarterly_risk_ratings(
            actor=fresh_actor(), year=2018, quarter=4),
        "late_reports": lambda: selectors.late_reports(actor=fresh_actor(), year=2018, month=12),
        "GET /api/v1/programs/analysis": lambda: client.get(
            "/api/v1/programs/analysis?year=2018&month=12", **api),
        "analysis page (HTML, all figures)": lambda: client.get(
            "/staff/programs/analysis/?year=2018&month=12"),
    }
    return {label: timed(function, runs) for label, function in cases.items()}


def grow(copies: int) -> None:
    """Nine more copies of each 2018 program, its approved plan and its reports."""
    from django.db import transaction

    from yankao.programs.models import PlanMonth, Program, ProgressReport, WorkPlan

    originals = list(Program.objects.filter(year=2018))
    with transaction.atomic():
        for copy in range(1, copies + 1):
            clones = Program.objects.bulk_create([
                Program(year=2018, code=f"{p.code}-{copy}", name_zh=p.name_zh, agency=p.agency,
                        control_level=p.control_level, budget=p.budget) for p in originals])
            for original, clone in zip(originals, clones, strict=True):
                plan = WorkPlan.objects.filter(program=original, status="approved").first()
                new_plan = WorkPlan.objects.create(program=clone, version=1, status="approved")
                PlanMonth.objects.bulk_create([
                    PlanMonth(plan=new_plan, month=m.month, planned_bp=m.planned_bp,
                              planned_budget=m.planned_budget) for m in plan.months.all()])
                ProgressReport.objects.bulk_create([
                    ProgressReport(program=clone, plan=new_plan, month=r.month, status=r.status,
                                   planned_bp=r.planned_bp, actual_bp=r.actual_bp,
                                   planned_budget=r.planned_budget,
                                   budget_executed=r.budget_executed, narrative=r.narrative,
                                   delay_reason=r.delay_reason, due_on=r.due_on,
                                   submitted_at=r.submitted_at)
                    for r in ProgressReport.objects.filter(program=original)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from yankao.programs.models import Program, ProgressReport

    results = []
    for label, copies in (("163 programs", 0), ("1,630 programs", 9)):
        if copies:
            grow(copies)
        size = (Program.objects.filter(year=2018).count(),
                ProgressReport.objects.filter(program__year=2018).count())
        results.append((label, size, measures(args.runs)))
    print(f"database: {connection.vendor}")
    for label, (programs, reports), values in results:
        baseline = values["baseline: one indexed count"]
        print(f"\n{label} ({programs} programs, {reports} reports)")
        print(f"{'measure':<40} {'median ms':>10} {'ratio':>8}")
        for name, value in values.items():
            print(f"{name:<40} {value * 1000:>10.2f} {value / baseline:>8.1f}")


if __name__ == "__main__":
    main()
