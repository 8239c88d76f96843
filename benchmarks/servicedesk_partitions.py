"""Cases partitioned by registration year, measured against the same cases unpartitioned
(issue #17 item 6), on a database that ``servicedesk_volume.py`` filled (and marked).

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/yankao_sdvol \
        python benchmarks/servicedesk_partitions.py [--repeat 30] [--inserts 2000]

Builds ``bench_case_part``: the case table's columns, ``PARTITION BY RANGE
(registered_at)`` with one partition a calendar year (Asia/Taipei), every row of
``servicedesk_case`` copied in by one ``INSERT … SELECT``, and the case table's indexes —
those PostgreSQL allows on a partitioned table: a primary key and unique keys must
contain the partition key, so ``(id)``, ``(number)`` and ``(submission_key)`` become
``(id, registered_at)``, ``(number, registered_at)``, ``(submission_key, registered_at)``
(no longer unique by themselves), and no foreign key can point at ``(id)`` alone.

Then, in one run, the same hot pages through Django's test client (the real views, their
real SQL) on the unpartitioned table and on the partitioned one, swapped in place by
renaming the two tables inside a transaction that the measurement itself runs in (and
that is rolled back, so the database is left as it was):

  Open311 default list, the agency inbox (join assignment → case by id), a case page by
  its number, the monthly statistics table (rollups: no case read);

and single-row INSERTs of new cases (triggers and foreign keys off for both, so that only
the table's own work is compared), each against the trivial endpoint in the same run.
Prints the plan of each page's case query on both tables and the figures for
docs/performance.md. The copy is dropped at the end unless ``--keep-copy``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _servicedesk import require_benchmark_database, timed  # noqa: E402

COPY = "bench_case_part"
SWAP = "bench_case_plain"
# What PostgreSQL allows on a table partitioned by registered_at: every unique index
# carries registered_at.
INDEXES = [
    "PRIMARY KEY (id, registered_at)",
    "UNIQUE (number, registered_at)",
    "UNIQUE (submission_key, registered_at)",
]
PLAIN_INDEXES = [
    "(updated_at)", "(category_id, registered_at)", "(agency_id, registered_at)",
    "(kind, registered_at)", "(registered_at, id)",
    "(registered_at, id) WHERE NOT (status = 'closed')",
    "(due_at) WHERE answered_at IS NULL AND due_at IS NOT NULL",
    "(source, external_id) WHERE external_id IS NOT NULL",
    "(contact_id) WHERE contact_id IS NOT NULL",
    "(created_by_id) WHERE created_by_id IS NOT NULL",
    "(merged_into_id) WHERE merged_into_id IS NOT NULL",
    "(submission_key varchar_pattern_ops) WHERE submission_key LIKE 'o311:%'",
]


def build_copy(cursor) -> float:
    started = time.perf_counter()
    cursor.execute(f"DROP TABLE IF EXISTS {COPY}")
    cursor.execute(f"CREATE TABLE {COPY} (LIKE servicedesk_case INCLUDING DEFAULTS "
                   "INCLUDING IDENTITY) PARTITION BY RANGE (registered_at)")
    cursor.execute("SELECT min(registered_at), max(registered_at) FROM servicedesk_case")
    first, last = cursor.fetchone()
    for year in range(first.year - 1, last.year + 2):
        cursor.execute(
            f"CREATE TABLE {COPY}_{year} PARTITION OF {COPY} FOR VALUES FROM "
            f"('{year}-01-01 00:00+08') TO ('{year + 1}-01-01 00:00+08')")
    cursor.execute(f"INSERT INTO {COPY} SELECT * FROM servicedesk_case")  # noqa: S608
    print(f"  rows copied ({time.perf_counter() - started:.0f} s)", flush=True)
    for index in INDEXES:
        cursor.execute(f"ALTER TABLE {COPY} ADD {index}")
    for number, index in enumerate(PLAIN_INDEXES):
        cursor.execute(f"CREATE INDEX {COPY}_i{number} ON {COPY} {index}")
    cursor.execute("SELECT max(id) + 1 FROM servicedesk_case")
    cursor.execute(f"ALTER TABLE {COPY} ALTER COLUMN id RESTART WITH {cursor.fetchone()[0]}")
    cursor.execute(f"ANALYZE {COPY}")
    print(f"  indexes built ({time.perf_counter() - started:.0f} s)", flush=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--inserts", type=int, default=2000)
    parser.add_argument("--keep-copy", action="store_true")
    parser.add_argument("--reuse-copy", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to the database servicedesk_volume.py filled")
    require_benchmark_database(url)
    os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-bench-part-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from yankao.core.runtime import settle_heap
    from yankao.servicedesk.models import Case
    from yankao.servicedesk.reports import statistics_table

    with connection.cursor() as cursor:
        if not args.reuse_copy:
            print(f"copying {Case.objects.count():,} cases into {COPY} …", flush=True)
            build_copy(cursor)
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass",
                       [COPY])
        partitions = cursor.fetchone()[0]
    settle_heap()
    officer = Client()
    officer_user = get_user_model().objects.get(username="officer")
    agencies = officer_user.memberships.values_list("agency_id", flat=True)
    number = Case.objects.filter(agency_id__in=agencies).order_by("-id").values_list(
        "number", flat=True)[5000]
    officer.force_login(officer_user)
    year = timezone.now().year - 1
    pages = {
        "baseline: GET /open311/v2/discovery.json": lambda: officer.get(
            "/open311/v2/discovery.json"),
        "Open311 GET, default (last 90 days, first 1000)": lambda: officer.get(
            "/open311/v2/requests.json"),
        "agency inbox page (養工處 officer)": lambda: officer.get("/staff/servicedesk/inbox/"),
        "a case page by its number": lambda: officer.get(f"/staff/servicedesk/cases/{number}/"),
        f"monthly statistics table ({year}-06)": lambda: statistics_table(year=year,
                                                                         months=(6, 6)),
    }
    columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    value_marks = ", ".join(["%s"] * len(columns))  # one %s per column

    def inserts(table: str) -> float:
        """Single-row INSERTs of new cases (copies of a recent one with a new number),
        one statement each, triggers and foreign keys off; rows per second."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(f"SELECT {', '.join(columns)} FROM servicedesk_case "  # noqa: S608
                           "ORDER BY id DESC LIMIT 1")
            row = list(cursor.fetchone())
            at = columns.index("number")
            key = columns.index("submission_key")
            started = time.perf_counter()
            for n in range(args.inserts):
                row[at] = f"P{n:09d}"
                row[key] = None
                cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                               f"VALUES ({value_marks})", row)
            seconds = time.perf_counter() - started
            cursor.execute("SET LOCAL session_replication_role = origin")
        return args.inserts / seconds

    def case_plans() -> list[str]:
        """The plan of each page's first read of the case table."""
        plans = []
        for name, page in pages.items():
            with CaptureQueriesContext(connection) as context:
                page()
            reads = [query["sql"] for query in context.captured_queries
                     if '"servicedesk_case"' in query["sql"] and query["sql"].startswith("SELECT")]
            if not reads:
                plans.append(f"-- {name}: no read of the case table")
                continue
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (COSTS OFF) " + reads[0])
                    rows = cursor.fetchall()
            except Exception as error:  # noqa: BLE001 - shown in the output, not hidden
                plans.append(f"-- {name}: no plan ({error})")
                continue
            plans.append(f"-- {name}\n" + "\n".join(row[0] for row in rows))
        return plans

    results: dict[str, dict[str, tuple[float, float]]] = {}
    rates: dict[str, float] = {}
    for label, swapped in (("unpartitioned", False), ("partitioned", True),
                           ("unpartitioned again", False)):
        with transaction.atomic():
            if swapped:
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE servicedesk_case RENAME TO {SWAP}")
                    cursor.execute(f"ALTER TABLE {COPY} RENAME TO servicedesk_case")
            results[label] = {name: timed(page, args.repeat) for name, page in pages.items()}
            rates[label] = inserts("servicedesk_case")
            if label != "unpartitioned again":
                print(f"\n== plans, {label}")
                print("\n".join(case_plans()))
            transaction.set_rollback(True)
    print(f"\n{Case.objects.count():,} cases; partitioned copy: {partitions} yearly "
          "partitions")
    labels = list(results)
    print("| measure | " + " | ".join(f"{label} p50 | p99" for label in labels) + " |")
    for name in pages:
        cells = " | ".join(f"{results[label][name][0]:.1f} | {results[label][name][1]:.1f}"
                           for label in labels)
        print(f"| {name} | {cells} |")
    print("| single-row INSERT of a case, rows/s | "
          + " | ".join(f"{rates[label]:,.0f} | " for label in labels) + "|")
    if not args.keep_copy:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {COPY}")


if __name__ == "__main__":
    main()
