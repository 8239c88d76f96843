"""Import speed: rows per second of ``yankao import cases open1999-json`` (first import, then
the same file again, which must change nothing), against reading the file alone.

    python benchmarks/servicedesk_import.py [--rows 200000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yankao_sd_bench python benchmarks/...

Writes a Kaohsiung Open1999 JSON file of ``--rows`` dispatch cases (the demo's categories,
units and districts), imports it into a fresh database in-process and prints rows/s.
``--form published`` (the default) writes the dates as the city publishes them
(``2018/1/2 上午 08:15:32``), ``--form iso`` as ``2018/01/02 08:15:32``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _servicedesk import reset_postgres  # noqa: E402


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
    parser.add_argument("--into-filled", action="store_true",
                        help="import into the database as it is (one filled by "
                             "servicedesk_volume.py), after deleting earlier imported rows")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url and not args.into_filled:
        reset_postgres(url)
    os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-bench-import-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from yankao.core.demo import DemoContext
    from yankao.core.demo import build as core_build
    from yankao.core.imports import find_importer, no_progress
    from yankao.servicedesk.catalogue import catalogue_seed

    call_command("migrate", verbosity=0)
    if args.into_filled:
        from django.db import connection

        from yankao.servicedesk.models import Case

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM servicedesk_assignment WHERE case_id IN "
                           "(SELECT id FROM servicedesk_case WHERE source = 'open1999')")
            cursor.execute("DELETE FROM servicedesk_case WHERE source = 'open1999'")
            # An earlier run's rows leave dead index entries; clear them so that every run
            # starts from the same state, and no autovacuum runs during the measurement.
            cursor.execute("VACUUM ANALYZE servicedesk_case, servicedesk_assignment")
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
    started = time.perf_counter()
    first = importer(path, actor=None, progress=no_progress)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = importer(path, actor=None, progress=no_progress)
    again_seconds = time.perf_counter() - started
    assert first.created == args.rows and again.unchanged == args.rows, (first, again)
    engine = "PostgreSQL" if url else "SQLite"
    print(f"| {engine} | measure | seconds | rows/s |")
    print(f"| {engine} | baseline: read and parse the JSON file | {parse:.2f} | "
          f"{args.rows / parse:,.0f} |")
    print(f"| {engine} | first import ({args.rows:,} rows created, {args.form} dates) | "
          f"{first_seconds:.2f} | "
          f"{args.rows / first_seconds:,.0f} |")
    print(f"| {engine} | same file again (all unchanged) | {again_seconds:.2f} | "
          f"{args.rows / again_seconds:,.0f} |")


if __name__ == "__main__":
    main()
