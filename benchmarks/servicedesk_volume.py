"""Open311 GET with filters, the agency inbox and monthly statistics at 1 M and 10 M cases
(PostgreSQL), each against a trivial JSON endpoint measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yankao_sd_bench \
        python benchmarks/servicedesk_volume.py --cases 1000000 [--keep]

The database named in DATABASE_URL is dropped and created again, migrated, given the demo
city's agencies, users and categories, and then filled with ``--cases`` dispatch and
petition cases over the ten years up to now with one assignment each, by INSERT … SELECT
generate_series (bulk SQL in the database, no Python per row); 0.1 % are open. Timings are
taken in-process through Django's test client (the full view, template or JSON rendering
included; no network), 3 warm-ups then ``--repeat`` runs, reporting p50 and p99.

The cases go in with the rollups' triggers off; the rollups are then counted from them in
one ``INSERT … SELECT`` per rollup table (``rollups_rebuild``, decision 0120). The monthly
statistics read the rollups; the same table counted from the cases, as before the rollups,
is measured in the same run.

Then, in the same run: the annual report of last year built from the records
(``build_report``, median of ``--report-runs``), the database's size on disk (and its case,
assignment and rollup tables'), this process's memory, and each worker's memory of a
``yankao serve`` (2 workers, as production) on the same database after it served the
default Open311 list, JSON and XML, ``--served`` times each.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))



FILL_CASES = """
WITH cats AS (
  SELECT array_agg(id ORDER BY id) AS ids, array_agg(default_agency_id ORDER BY id) AS agencies,
         array_agg(kind ORDER BY id) AS kinds
  FROM servicedesk_category WHERE parent_id IS NOT NULL AND default_agency_id IS NOT NULL),
dist AS (SELECT array_agg(id ORDER BY id) AS ids FROM core_district)
INSERT INTO servicedesk_case (number, kind, channel, petition_kind, category_id, status,
  description, latitude, longitude, address, district_id, confidential, media_url,
  attributes, agency_id, password_hash, source, created_by_id, registered_at,
  dispatched_at, due_at, answered_at, closed_at, updated_at, close_reason, filing_ground,
  downgraded, handling_seconds, status_notes)
SELECT
  'B' || lpad(g::text, 9, '0'),
  cats.kinds[c], CASE WHEN g %% 3 = 0 THEN 'phone' WHEN g %% 3 = 1 THEN 'app' ELSE 'web' END,
  '', cats.ids[c],
  CASE WHEN g %% 1000 = 0 THEN 'in_progress' ELSE 'closed' END,
  '路面坑洞，請派員處理（測試資料）', 22.6 + (g %% 1000) / 10000.0,
  120.3 + (g %% 997) / 10000.0, '高雄市測試路' || (g %% 500) || '號', dist.ids[1 + g %% 38],
  false, '', '{}'::jsonb, cats.agencies[c], '', '', NULL, t, t, t + interval '4 hours',
  CASE WHEN g %% 1000 = 0 THEN NULL ELSE t + (g %% 600) * interval '1 minute' END,
  CASE WHEN g %% 1000 = 0 THEN NULL ELSE t + (g %% 600 + 60) * interval '1 minute' END,
  t + interval '1 hour',
  CASE WHEN g %% 1000 = 0 THEN '' ELSE 'handled' END, '', false,
  CASE WHEN g %% 1000 = 0 THEN NULL ELSE (g %% 600) * 60 END, '已處理'
FROM cats, dist, generate_series(%(start)s::bigint, %(stop)s::bigint) AS g,
     LATERAL (SELECT 1 + (g * 7919) %% array_length(cats.ids, 1) AS c,
              now() - interval '3650 days'
                + (g::float8 / %(total)s) * interval '3650 days' AS t) AS pick
"""

FILL_ASSIGNMENTS = """
INSERT INTO servicedesk_assignment (case_id, agency_id, officer_id, is_lead, status,
  assigned_at, due_at, accepted_at, replied_at, reply, transferred_to_id)
SELECT id, agency_id, NULL, true,
  CASE WHEN status = 'closed' THEN 'replied' ELSE 'in_progress' END,
  dispatched_at, now() + (id %% 97 - 48) * interval '1 hour', dispatched_at, answered_at,
  status_notes, NULL
FROM servicedesk_case WHERE id BETWEEN %(low)s AND %(high)s
"""

from _servicedesk import (  # noqa: E402
    require_benchmark_database,
    reset_postgres,
    timed,
    wait_until_serving,
)


def fill(total: int) -> float:
    from django.db import connection

    from yankao.servicedesk.models import Case
    from yankao.servicedesk.services import rollups_rebuild

    started = time.perf_counter()
    step = 500_000
    with connection.cursor() as cursor:
        # Filled with the rollups' triggers off, then counted once from the cases below
        # (what `yankao manage servicedesk_rollups` does for a database filled by bulk SQL).
        cursor.execute("ALTER TABLE servicedesk_case DISABLE TRIGGER USER")
        for start in range(1, total + 1, step):
            stop = min(total, start + step - 1)
            cursor.execute(FILL_CASES, {"start": start, "stop": stop, "total": total})
            print(f"  cases {stop:,}/{total:,} ({time.perf_counter() - started:.0f} s)",
                  flush=True)
        low = Case.objects.order_by("id").values_list("id", flat=True).first()
        high = Case.objects.order_by("-id").values_list("id", flat=True).first()
        for start in range(low, high + 1, step):
            cursor.execute(FILL_ASSIGNMENTS, {"low": start, "high": start + step - 1})
        print(f"  assignments ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("ALTER TABLE servicedesk_case ENABLE TRIGGER USER")
        counting = time.perf_counter()
        counted = rollups_rebuild(actor=None)
        print(f"  rollups: {counted:,} cases counted by INSERT … SELECT in "
              f"{time.perf_counter() - counting:.1f} s", flush=True)
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def table_from_cases(*, year: int, months: tuple[int, int]):
    """The statistics table with its case figures counted from the cases as they were
    before the rollups (``tests/figures_from_rows.py``, decision 0120): the "before" of the
    same run."""
    from types import SimpleNamespace

    from yankao.servicedesk import reports
    from yankao.servicedesk.selectors import statistics
    from yankao.servicedesk.tests import figures_from_rows

    saved = reports.figures
    reports.figures = SimpleNamespace(**{**vars(statistics), **{
        name: getattr(figures_from_rows, name) for name in (
            "counts_by_kind", "on_time", "dispatch_four_hour", "handling_time",
            "satisfaction", "figures_by_month")}})
    try:
        return reports.statistics_table(year=year, months=months)
    finally:
        reports.figures = saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    parser.add_argument("--report-runs", type=int, default=3)
    parser.add_argument("--served", type=int, default=100,
                        help="requests of each default list to a served worker")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database that may be dropped")
    os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-bench-volume-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.settings"
    if args.keep:
        require_benchmark_database(url)
    else:
        reset_postgres(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from yankao.core.demo import DemoContext
    from yankao.core.demo import build as core_build
    from yankao.servicedesk.catalogue import catalogue_seed
    from yankao.servicedesk.models import Case
    from yankao.servicedesk.reports import statistics_table

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
    if not args.keep:
        core_build(DemoContext(scale=0.001, seed=1, out=io.StringIO(), show_progress=False))
        catalogue_seed(actor=None)
        print(f"filling {args.cases:,} cases …", flush=True)
        seconds = fill(args.cases)
        print(f"filled in {seconds:.0f} s", flush=True)
    count = Case.objects.count()
    from yankao.core.runtime import settle_heap

    settle_heap()  # as yankao.wsgi does in each server process
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="officer"))
    registrar = Client()
    registrar.force_login(get_user_model().objects.get(username="registrar"))
    # The second page of the default list: by the cursor where the server offers one
    # (a Link header), else by the page number (the code before keyset pages).
    link = client.get("/open311/v2/requests.json").get("Link", "")
    next_page = link[1:link.index(">")] if link.startswith("<") else ""
    now = timezone.now()
    start = (now - timezone.timedelta(days=60)).isoformat()
    end = now.isoformat()
    year = now.year - 1
    checks = {
        "baseline: GET /open311/v2/discovery.json": lambda: client.get(
            "/open311/v2/discovery.json"),
        "Open311 GET, service_code + status + 60 days, page_size 100": lambda: client.get(
            "/open311/v2/requests.json", {"service_code": "KH-001,KH-007", "status": "open",
                                          "start_date": start, "end_date": end,
                                          "page_size": "100"}),
        "Open311 GET, updated_after 1 day, page_size 100": lambda: client.get(
            "/open311/v2/requests.json", {"updated_after": (now - timezone.timedelta(
                days=1)).isoformat(), "page_size": "100"}),
        "Open311 GET, default (last 90 days, first 1000)": lambda: client.get(
            "/open311/v2/requests.json"),
        "Open311 GET, default, XML": lambda: client.get("/open311/v2/requests.xml"),
        "Open311 GET, default, next page by its cursor (Link header)": lambda: client.get(
            next_page) if next_page else client.get("/open311/v2/requests.json",
                                                    {"page": "2"}),
        "agency inbox page (養工處 officer)": lambda: client.get("/staff/servicedesk/inbox/"),
        "inbox of every agency (registrar)": lambda: registrar.get(
            "/staff/servicedesk/inbox/"),
        "routing queue (registrar)": lambda: registrar.get("/staff/servicedesk/routing/"),
        "agency inbox, overdue filter": lambda: client.get("/staff/servicedesk/inbox/",
                                                           {"status": "overdue"}),
        f"monthly statistics table ({year}-06)": lambda: statistics_table(year=year,
                                                                         months=(6, 6)),
        f"monthly statistics page ({year}-06, charts)": lambda: client.get(
            "/staff/servicedesk/statistics/", {"year": year, "month_from": 6, "month_to": 6}),
        f"statistics page, the whole year {year} (12 months and total, charts)": lambda:
            client.get("/staff/servicedesk/statistics/",
                       {"year": year, "month_from": 1, "month_to": 12}),
    }
    checks[f"monthly statistics table ({year}-06), counted from the cases (before "
           "the rollups)"] = lambda: table_from_cases(year=year, months=(6, 6))
    print(f"\n{count:,} cases on PostgreSQL")
    print("| measure | p50 (ms) | p99 (ms) |")
    for name, function in checks.items():
        p50, p99 = timed(function, args.repeat)
        print(f"| {name} | {p50:.1f} | {p99:.1f} |", flush=True)
    from yankao.reports.generate import build_report

    builds = []
    for _ in range(args.report_runs):
        started = time.perf_counter()
        build_report(structure="annual", year=year, base_url="")
        builds.append(time.perf_counter() - started)
    print(f"| annual report of {year}, built from the records (median of "
          f"{args.report_runs}, s) | {statistics.median(builds):.2f} | {max(builds):.2f} |")
    print("\nsize on disk:")
    for name, size in database_sizes():
        print(f"  {name}: {size / 2**30:.2f} GiB")
    print(f"this process: {memory(os.getpid())}")
    for pid, used in served_memory(args.served):
        print(f"served worker {pid}: {used}")


def database_sizes() -> list[tuple[str, int]]:
    from django.db import connection

    from yankao.servicedesk.services.rollups import TABLES

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes = [("database", cursor.fetchone()[0])]
        for label, tables in (("cases (table and indexes)", ["servicedesk_case"]),
                              ("assignments", ["servicedesk_assignment"]),
                              ("rollups (6 tables)", list(TABLES))):
            cursor.execute("SELECT sum(pg_total_relation_size(t::regclass)) "
                           "FROM unnest(%s::text[]) AS t", [tables])
            sizes.append((label, cursor.fetchone()[0]))
    return sizes


def memory(pid: int) -> str:
    """Resident memory now and at its peak, from /proc (Linux)."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return (f"{int(fields['VmRSS'].split()[0]) / 1024:.0f} MiB resident, "
            f"peak {int(fields['VmHWM'].split()[0]) / 1024:.0f} MiB")


def served_memory(requests: int) -> list[tuple[int, str]]:
    """Start ``yankao serve`` (2 workers) on the same database, let its workers serve the
    default Open311 list, and read each of its processes' memory."""
    import signal
    import subprocess
    import urllib.request

    from _servicedesk import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "yankao", "serve", "--port", str(port), "--workers", "2"],
        env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}/open311/v2"
    try:
        wait_until_serving(f"{base}/discovery.json")
        for _ in range(requests):
            for path in ("requests.json", "requests.xml"):
                urllib.request.urlopen(f"{base}/{path}", timeout=60).read()
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[3]) == server.pid:  # its session
                    found.append((int(entry.name), memory(int(entry.name))))
        return sorted(found)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
