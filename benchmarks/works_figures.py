"""How long the public-works figures and pages take on the 2018 demo city.

    python benchmarks/works_figures.py [--runs 20] [--data DIR]

Builds the demo city (its works records are the same at every scale: 1,152 tenders,
~7,000 monthly progress rows, 148 inspections, 80 citizen reports) in a temporary data
folder — or uses ``--data`` — and times, in one process:

  baseline      one indexed read (``Agency.objects.filter(code=...).first()``)
  summary       selectors.inspection_summary (counts + the legal minimum over the tenders)
  compliance    selectors.progress_compliance_by_month (every tender × month of the year)
  priority      selectors.inspection_priority_list on 2018-12-31
  home page     GET /staff/works/?year=2018 (all the figures, two charts)
  OCDS page     GET /works/ocds/2018.json (100 tenders with their monthly releases)

and prints each median (ms) with its ratio to the baseline. Results go in
docs/performance.md. Run it with DATABASE_URL set to measure PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function, runs: int) -> list[float]:
    function()  # warm caches and connections
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--data", help="an existing data folder holding the demo city")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    holder = None
    if args.data:
        os.environ["YANKAO_DATA_DIR"] = str(Path(args.data).resolve())
    else:
        holder = tempfile.TemporaryDirectory()
        os.environ["YANKAO_DATA_DIR"] = holder.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    import django

    django.setup()
    import datetime as dt
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from yankao.core.demo import database_is_empty, demo_build
    from yankao.core.models import Agency
    from yankao.works import selectors

    call_command("migrate", verbosity=0)
    if database_is_empty():
        started = time.perf_counter()
        demo_build(scale=0.02, out=io.StringIO(), show_progress=False)
        print(f"demo city built in {time.perf_counter() - started:.1f} s")
    evaluator = get_user_model().objects.get(username="evaluator")
    client = Client()
    client.force_login(evaluator)
    cases = {
        "baseline": lambda: Agency.objects.filter(code="rdec").first(),
        "summary": lambda: selectors.inspection_summary(actor=evaluator, year=2018),
        "compliance": lambda: selectors.progress_compliance_by_month(actor=evaluator,
                                                                     year=2018),
        "priority": lambda: selectors.inspection_priority_list(actor=evaluator,
                                                               as_of=dt.date(2018, 12, 31)),
        "home page": lambda: client.get("/staff/works/?year=2018"),
        "OCDS page": lambda: client.get("/works/ocds/2018.json"),
    }
    results = {label: timed(function, args.runs) for label, function in cases.items()}
    baseline = statistics.median(results["baseline"])
    print(f"{'measure':<12} {'median ms':>10} {'ratio':>9}")
    for label, values in results.items():
        median = statistics.median(values)
        print(f"{label:<12} {median:>10.2f} {median / baseline:>9.0f}")
    if holder is not None:
        holder.cleanup()


if __name__ == "__main__":
    main()
