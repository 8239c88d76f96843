"""Import speed: rows per second of ``yankao import cases open1999-json`` (first import, then
the same file again, which must change nothing), against reading the file alone and, on
PostgreSQL, against the database copying the same rows itself.

    python benchmarks/servicedesk_import.py [--rows 200000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yankao_sd_bench python benchmarks/... \
        [--into-filled] [--copy both|rows|text] [--repeat 3]

Writes a Kaohsiung Open1999 JSON file of ``--rows`` dispatch cases (the demo's categories,
units and districts), imports it into a fresh database in-process and prints rows/s.
``--form published`` (the default) writes the dates as the city publishes them
(``2018/1/2 上午 08:15:32``), ``--form iso`` as ``2018/01/02 08:15:32``.

On PostgreSQL each round imports the file (after deleting an earlier round's rows) once
for each COPY writer of ``--copy``: ``rows``, the pipeline's own (psycopg's ``write_row``
in binary format, decision 0140), and ``text``, the former hand-formatted COPY text
(``_copy_text.py``); then, as the baseline of the same round, the database copies the
imported cases and their assignments itself, one ``INSERT … SELECT`` each in one
transaction (same indexes, foreign-key checks at commit and rollup triggers; no Python
per row), which is what this database can do on this machine at that moment.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _servicedesk import require_benchmark_database, reset_postgres  # noqa: E402


def published(month: int, day: int, hour: int, rest: str) -> str:
    """A time as the city's Open1999 file writes it: 12-hour with 上午/下午, no padding."""
    half = "上午" if hour < 12 else "下午"
    return f"2018/{month}/{day} {half} {(hour % 12) or 12:02d}:{rest}"


def write_file(path: Path, rows: int, form: str = "published") -> None:
    from yankao.servicedesk.catalogue import dispatch_entries

    entries, _ = dispatch_entries()
    names = [(e.name_zh, e.count) for e in entries if e.agency_code]
    from yankao.core.models import District

    districts = list(District.objects.values_list("code", "name_zh", "latitude", "longitude"))
    rng = random.Random(1)  # noqa: S311 - test data, not cryptography
    picks = rng.choices([n for n, _ in names], [c for _, c in names], k=rows)
    records = []
    for index, name in enumerate(picks):
        code, district, lat, lng = districts[index % len(districts)]
        month, day = 1 + index % 12, 1 + index % 28
        if form == "published":
            created, saved, closed = (published(month, day, 8 + index % 5, "15:32"),
                                      published(month, day, 13, "40:00"),
                                      published(month, day, 14, "02:10"))
        else:
            created, saved, closed = (f"2018/{month:02d}/{day:02d} 08:15:32",
                                      f"2018/{month:02d}/{day:02d} 10:40:00",
                                      f"2018/{month:02d}/{day:02d} 11:02:10")
        records.append({
            "FileNo_": f"1070{index:08d}", "Status_": "5",
            "Cre_Date_": created, "Save_Date_": saved, "Close_Date_": closed,
            "UnitName_": "", "ReplyUnit_": "", "zipcode_": code, "ZipName_": district,
            "address_": f"高雄市{district}測試路{index % 300}號", "Lat_": str(lat),
            "Lng_": str(lng), "InformDesc_": name, "BeforeDesc_": f"{name}，請派員處理",
            "AfterDesc_": "已完成處理", "Memo_": "",
        })
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--form", choices=["published", "iso"], default="published",
                        help="how the file writes its dates (published: as the city does)")
    parser.add_argument("--copy", choices=["both", "rows", "text"], default="both",
                        help="PostgreSQL's COPY writer(s) to measure (see above)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of imports")
    parser.add_argument("--breakdown", action="store_true",
                        help="also measure the database's INSERT … SELECT without indexes "
                             "and without foreign-key checks and triggers (superuser)")
    parser.add_argument("--into-filled", action="store_true",
                        help="import into the database as it is (one filled by "
                             "servicedesk_volume.py), after deleting earlier imported rows")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url and args.into_filled:
        require_benchmark_database(url)  # rows are deleted: only in a benchmark's database
    elif url:
        reset_postgres(url)
    os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-bench-import-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.settings"
    import django

    django.setup()
    from _copy_text import copy_rows_text
    from django.core.management import call_command

    from yankao.core.demo import DemoContext
    from yankao.core.demo import build as core_build
    from yankao.core.imports import find_importer, no_progress
    from yankao.servicedesk.catalogue import catalogue_seed
    from yankao.servicedesk.imports import pipeline
    from yankao.servicedesk.imports.pipeline import copy_rows

    call_command("migrate", verbosity=0)
    if args.into_filled:
        from yankao.servicedesk.models import Case

        clear(postgres=True)
        print(f"importing into {Case.objects.count():,} cases", flush=True)
    else:
        core_build(DemoContext(scale=0.001, seed=1, out=io.StringIO(), show_progress=False))
        catalogue_seed(actor=None)
    path = Path(tempfile.mkdtemp()) / "open1999.json"
    write_file(path, args.rows, args.form)
    started = time.perf_counter()
    json.loads(path.read_text(encoding="utf-8"))
    parse = time.perf_counter() - started
    importer = find_importer("cases", "open1999-json")
    postgres = url.startswith("postgres")
    ways = (["rows", "text"] if args.copy == "both" else [args.copy]) if postgres else ["-"]
    timings: dict[str, list[float]] = {way: [] for way in [*ways, "insert"]}
    for _round in range(args.repeat):
        for way in ways:
            clear(postgres)
            pipeline.copy_rows = copy_rows_text if way == "text" else copy_rows
            started = time.perf_counter()
            first = importer(path, actor=None, progress=no_progress)
            timings[way].append(time.perf_counter() - started)
            assert first.created == args.rows, first
        pipeline.copy_rows = copy_rows
        if postgres:
            timings["insert"].append(insert_select())
    reading = reading_side(path)
    breakdown = {}
    if postgres and args.breakdown:
        breakdown = {
            "INSERT … SELECT into new tables without indexes, constraints or triggers "
            "(rolled back)": insert_select(into_new_tables=True),
            "INSERT … SELECT with foreign-key checks and triggers off (rolled back)":
                insert_select(checks=False),
        }
    started = time.perf_counter()
    again = importer(path, actor=None, progress=no_progress)
    again_seconds = time.perf_counter() - started
    assert again.unchanged == args.rows, again
    engine = "PostgreSQL" if postgres else "SQLite"
    base = statistics.median(timings["insert"]) if postgres else parse
    print(f"| {engine} | measure | seconds (median) | rows/s | runs (rows/s) | "
          f"ratio to {'INSERT … SELECT' if postgres else 'parsing'} |")

    def line(label: str, runs: list[float]) -> None:
        seconds = statistics.median(runs)
        each = ", ".join(f"{args.rows / run:,.0f}" for run in runs)
        print(f"| {engine} | {label} | {seconds:.2f} | {args.rows / seconds:,.0f} | {each} | "
              f"{base / seconds:.2f} |")

    line("read and parse the JSON file", [parse])
    if postgres:
        line("baseline: INSERT … SELECT of the same cases and assignments, one transaction",
             timings["insert"])
    for way in ways:
        label = {"rows": "COPY by write_row, binary", "text": "COPY text formatted in Python",
                 "-": "executemany"}[way]
        line(f"first import ({args.rows:,} rows created, {args.form} dates), {label}",
             timings[way])
    line("same file again (all unchanged)", [again_seconds])
    line("reading side alone: parse the records into rows (no database)", [reading[0]])
    line("reading side alone: prepare the rows in batches (no database)", [reading[1]])
    for label, seconds in breakdown.items():
        line(f"where the database's time goes: {label}", [seconds])


def reading_side(path: Path) -> tuple[float, float]:
    """Seconds of the import's reading thread alone, with no database: parsing the file's
    records into rows, and preparing the rows in batches (the cyclic collector off, as in
    the pipeline)."""
    import gc

    from yankao.core.imports import ImportResult
    from yankao.servicedesk.imports import published
    from yankao.servicedesk.imports.lookups import Lookups
    from yankao.servicedesk.imports.pipeline import BATCH, parsed_rows, prepare_batch

    lookups, result = Lookups("open1999"), ImportResult()
    gc.disable()
    try:
        started = time.perf_counter()
        records = published._open1999_records(path)
        rows = list(parsed_rows(enumerate(records, start=1), published._open1999_row,
                                lookups, result))
        parsed = time.perf_counter() - started
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            prepare_batch("open1999", rows[start:start + BATCH], lookups)
        return parsed, time.perf_counter() - started
    finally:
        gc.enable()


def clear(postgres: bool) -> None:
    """Delete the rows an earlier import or baseline wrote; on PostgreSQL clear their dead
    index entries too, so that every run starts from the same state and no autovacuum runs
    during the measurement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM servicedesk_assignment WHERE case_id IN "
                       "(SELECT id FROM servicedesk_case WHERE source IN ('open1999', 'bench'))")
        cursor.execute("DELETE FROM servicedesk_case WHERE source IN ('open1999', 'bench')")
        if postgres:
            cursor.execute("VACUUM ANALYZE servicedesk_case, servicedesk_assignment")


# The lead assignment of each copied case, as the import writes it (pipeline._assignment_row).
ASSIGNMENTS = """
INSERT INTO {assignments} (case_id, agency_id, officer_id, is_lead, status, assigned_at,
  due_at, accepted_at, replied_at, reply, transferred_to_id)
SELECT id, agency_id, NULL, true,
  CASE WHEN answered_at IS NOT NULL OR closed_at IS NOT NULL THEN 'replied'
       WHEN status = 'in_progress' THEN 'in_progress' ELSE 'assigned' END,
  registered_at, due_at, NULL, coalesce(answered_at, closed_at), status_notes, NULL
FROM copied WHERE agency_id IS NOT NULL AND due_at IS NOT NULL
"""


def insert_select(*, into_new_tables: bool = False, checks: bool = True) -> float:
    """Seconds for the database to copy the imported cases (as source ``bench``, numbers
    ``BN-…``), from a staging copy of them made first, and to write their lead assignments
    (one ``INSERT … SELECT`` each, one transaction), committed; the copies are deleted
    after. For the breakdown, rolled back instead: ``into_new_tables`` copies into new
    tables like the case and assignment tables but without indexes, constraints or
    triggers (the rows' own writing); ``checks=False`` into the real tables with the
    foreign-key checks and the rollup triggers off (``session_replication_role =
    replica``, a superuser's setting; a measurement only)."""
    from django.db import connection, transaction

    from yankao.servicedesk.models import Case

    case_columns = [field.column for field in Case._meta.concrete_fields
                    if not field.primary_key]
    chosen = {"number": "'BN-' || substr(c.number, 4)", "source": "'bench'"}
    picked = ", ".join(chosen.get(column, f"c.{column}") for column in case_columns)
    cases, assignments = "servicedesk_case", "servicedesk_assignment"

    class RolledBack(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_source ON COMMIT DROP AS "
                           "SELECT * FROM servicedesk_case WHERE source = 'open1999'")
            cursor.execute("ANALYZE bench_source")
            if into_new_tables:
                cases, assignments = "bench_case", "bench_assignment"
                for table, like in ((cases, "servicedesk_case"),
                                    (assignments, "servicedesk_assignment")):
                    cursor.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING DEFAULTS "
                                   "INCLUDING IDENTITY)")
            if not checks:
                cursor.execute("SET LOCAL session_replication_role = replica")
            started = time.perf_counter()
            cursor.execute(
                f"WITH copied AS (INSERT INTO {cases} ({', '.join(case_columns)}) "  # noqa: S608
                f"SELECT {picked} FROM bench_source c "
                "RETURNING id, agency_id, status, registered_at, due_at, answered_at, "
                "closed_at, status_notes) " + ASSIGNMENTS.format(assignments=assignments))
            seconds = time.perf_counter() - started
            if into_new_tables or not checks:
                raise RolledBack
    except RolledBack:
        return seconds
    seconds = time.perf_counter() - started  # the commit, with its foreign-key checks
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM servicedesk_assignment WHERE case_id IN "
                       "(SELECT id FROM servicedesk_case WHERE source = 'bench')")
        cursor.execute("DELETE FROM servicedesk_case WHERE source = 'bench'")
        cursor.execute("VACUUM ANALYZE servicedesk_case, servicedesk_assignment")
    return seconds

if __name__ == "__main__":
    main()
