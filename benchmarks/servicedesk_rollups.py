"""What the rollups' triggers (decision 0120) cost an Open311 POST: the same POST timed
in-process with the triggers on and off, in alternating rounds of the same run.

    python benchmarks/servicedesk_rollups.py [--rounds 6] [--posts 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/yankao_rollups_bench2 python benchmarks/...

On PostgreSQL the database named in DATABASE_URL is dropped and created again; on SQLite
a fresh data folder is used. A small demo city's agencies and catalogue, one Open311 key;
each POST is a dispatch pothole report routed at once (its case inserted, then updated by
the routing: both statements run the triggers). The rollups are counted again at the end
(the rounds without triggers left them short) and checked against the cases.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _servicedesk import reset_postgres


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--posts", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if not url.startswith("postgres"):
            sys.exit("DATABASE_URL must name a PostgreSQL database that may be dropped")
        reset_postgres(url)
    os.environ["YANKAO_DATA_DIR"] = tempfile.mkdtemp(prefix="yankao-bench-rollups-")
    os.environ["YANKAO_RATE_LIMITS"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from yankao.core.demo import DemoContext
    from yankao.core.demo import build as core_build
    from yankao.servicedesk.catalogue import catalogue_seed
    from yankao.servicedesk.models import Case, CaseRollup
    from yankao.servicedesk.services import open311_client_create, rollups_rebuild
    from yankao.servicedesk.services.rollups import triggers_drop, triggers_install

    call_command("migrate", verbosity=0)
    core_build(DemoContext(scale=0.001, seed=1, out=io.StringIO(), show_progress=False))
    catalogue_seed(actor=None)
    _client, key = open311_client_create(actor=None, name="bench")
    client = Client()
    body = {"api_key": key, "service_code": "KH-007", "lat": "22.6218", "long": "120.3120",
            "description": "機車道坑洞（測試）"}

    def triggers(on: bool) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("servicedesk_case", "servicedesk_survey"):
                    cursor.execute(f"ALTER TABLE {table} {'ENABLE' if on else 'DISABLE'} "
                                   "TRIGGER USER")
        elif on:
            triggers_install()
        else:
            triggers_drop()

    def post() -> None:
        response = client.post("/open311/v2/requests.json", body)
        assert response.status_code < 300, response.content

    for _ in range(10):
        post()  # warm-up
    times: dict[bool, list[float]] = {True: [], False: []}
    for _round in range(args.rounds):
        for on in (False, True):
            triggers(on)
            for _ in range(args.posts):
                started = time.perf_counter()
                post()
                times[on].append((time.perf_counter() - started) * 1000)
    triggers(True)
    counted = rollups_rebuild(actor=None)
    assert counted == Case.objects.count() == sum(
        CaseRollup.objects.values_list("received", flat=True))
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(f"\n{connection.vendor}: {len(times[True])} POSTs each way, {counted} cases")
    print("| Open311 POST, in-process | p50 (ms) | p50 / without triggers |")
    print("|---|---|---|")
    print(f"| without the rollups' triggers (baseline) | {off:.1f} | 1 |")
    print(f"| with the rollups' triggers | {on:.1f} | {on / off:.2f} |")


if __name__ == "__main__":
    main()
