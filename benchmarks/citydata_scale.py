"""The city data platform at city scale, on PostgreSQL (decision 0700).

    createdb yankao_bench
    DATABASE_URL=postgres://USER@HOST:PORT/yankao_bench \\
        python benchmarks/citydata_scale.py --observations 100000000 [--datastreams 1000]
    dropdb yankao_bench

Fills an empty database with ``--observations`` readings of ``--datastreams`` datastreams
at 5-minute steps (one partition per day; COPY-free: generate_series inside PostgreSQL,
indexes built after the fill), derives the rollups and latest values, then measures, in
one run, each figure as a median of repeats and as a ratio to a baseline measured the same
way in the same run, the baseline and the measures taken in turn in every repeat (so that
a change in a shared machine's load falls on both):

  ingest       CreateObservations through the real view (JSON parsing, checks, COPY,
               latest values, rollups, alert rules), observations per second, against a
               bare COPY of the same rows into an unlogged table
  latest       the latest value of every datastream: the bare latest-value table, the
               selector (scoped to what the public may read) and the HTTP read
               /citydata/latest.json, against one primary-key read of one datastream
  week         hourly means of one datastream over a week (the chart's read, rollups),
               against the same primary-key read; and the same figure computed from the
               raw observations, for comparison
  drop         dropping one day's partition (retention), against creating an empty one

Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("YANKAO_RATE_LIMITS", "0")
os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-citydata-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

STEP = dt.timedelta(minutes=5)
START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


def say(*parts) -> None:
    print(*parts, flush=True)


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def setup_world(datastreams: int) -> tuple[list[int], str]:
    """Things, locations, features and datastreams; a staff user and its token."""
    from django.contrib.auth import get_user_model

    from yankao.citydata import models as m
    from yankao.core.models import Agency, Membership, Role
    from yankao.core.services.tokens import api_token_create

    agency = Agency.objects.create(code="rdec", name_zh="研考會", name_en="RDEC",
                                   kind=Agency.Kind.FIRST_LEVEL)
    user = get_user_model().objects.create(username="bench")
    Membership.objects.create(user=user, agency=agency, role=Role.EVALUATOR)
    _token, raw = api_token_create(actor=user, user=user, name="bench")
    sensor = m.Sensor.objects.create(name="Bench sensor", description="d",
                                     encoding_type="text/plain", metadata="m")
    depth = m.ObservedProperty.objects.create(name="Flood depth", definition="d",
                                              description="d")
    m.AlertRule.objects.create(name="Flood", observed_property=depth,
                               kind=m.AlertRule.Kind.ABOVE, threshold=10_000,
                               category_code="none")
    ids = []
    for number in range(datastreams):
        lng, lat = 120.25 + (number % 40) / 1000, 22.60 + (number // 40) / 1000
        geometry = {"type": "Point", "coordinates": [lng, lat]}
        thing = m.Thing.objects.create(name=f"Sensor {number}", description="d",
                                       agency=agency)
        location = m.Location.objects.create(name=f"Site {number}", description="d",
                                             location=geometry, min_x=lng, max_x=lng,
                                             min_y=lat, max_y=lat)
        thing.locations.add(location)
        m.FeatureOfInterest.objects.create(name=f"Site {number}", description="d",
                                           feature=geometry, source_location=location,
                                           min_x=lng, max_x=lng, min_y=lat, max_y=lat)
        ids.append(m.Datastream.objects.create(
            name=f"Depth {number}", description="d", observation_type=MEASUREMENT,
            unit_of_measurement={"name": "cm", "symbol": "cm", "definition": "ucum:cm"},
            thing=thing, sensor=sensor, observed_property=depth).pk)
    return ids, raw


def fill(observations: int, datastream_ids: list[int]) -> tuple[int, float]:
    """Generate the readings inside PostgreSQL, one day at a time. Returns (days, seconds)."""
    from yankao.citydata.services.storage import partitions_ensure

    per_stream = observations // len(datastream_ids)
    per_day = int(dt.timedelta(days=1) / STEP)
    days = -(-per_stream // per_day)
    first_ds = min(datastream_ids)
    count = len(datastream_ids)
    started = time.perf_counter()
    partitions_ensure([(START + dt.timedelta(days=d)).date() for d in range(days)])
    execute("ALTER TABLE citydata_observation DROP CONSTRAINT citydata_observation_pkey")
    execute("DROP INDEX citydata_obs_stream_time")
    execute("DROP INDEX citydata_obs_time_brin")
    execute("SET synchronous_commit = off")
    for day in range(days):
        slots = min(per_day, per_stream - day * per_day)
        execute(
            "INSERT INTO citydata_observation (id, datastream_id, feature_of_interest_id, "
            "phenomenon_time, result_number) "
            "SELECT (%(day)s::bigint * %(per_day)s + s) * %(count)s + (d - %(first)s) + 1, d, "
            "d - %(first)s + 1, %(start)s + (%(day)s * %(per_day)s + s) * interval '5 minutes', "
            "((d::bigint * 7919 + (%(day)s::bigint * %(per_day)s + s) * 104729) %% 600) / 10.0 "
            "FROM generate_series(%(first)s, %(last)s) d, generate_series(0, %(slots)s - 1) s",
            {"day": day, "per_day": per_day, "count": count, "first": first_ds,
             "last": first_ds + count - 1, "start": START, "slots": slots})
        if day % 30 == 0:
            say(f"  day {day + 1}/{days}, {time.perf_counter() - started:.0f} s")
    say(f"  rows in, {time.perf_counter() - started:.0f} s; building indexes")
    execute("SET maintenance_work_mem = '1GB'")
    execute("ALTER TABLE citydata_observation ADD PRIMARY KEY (id, phenomenon_time)")
    execute("CREATE INDEX citydata_obs_stream_time ON citydata_observation "
            "(datastream_id, phenomenon_time)")
    execute("CREATE INDEX citydata_obs_time_brin ON citydata_observation "
            "USING brin (phenomenon_time)")
    execute("SELECT setval('citydata_observation_id_seq', (SELECT max(id) FROM "
            "citydata_observation))")
    say(f"  indexes built, {time.perf_counter() - started:.0f} s; rollups")
    execute("INSERT INTO citydata_hourlyrollup (datastream_id, hour, count, total, minimum, "
            "maximum) SELECT datastream_id, date_trunc('hour', phenomenon_time), count(*), "
            "sum(result_number), min(result_number), max(result_number) "
            "FROM citydata_observation GROUP BY 1, 2")
    execute("INSERT INTO citydata_dailyrollup (datastream_id, day, count, total, minimum, "
            "maximum) SELECT datastream_id, (hour AT TIME ZONE 'Asia/Taipei')::date, sum(count), "
            "sum(total), min(minimum), max(maximum) FROM citydata_hourlyrollup GROUP BY 1, 2")
    execute("INSERT INTO citydata_latestobservation (datastream_id, observation_id, "
            "phenomenon_time, result_number) SELECT ds.id, o.id, o.phenomenon_time, "
            "o.result_number FROM citydata_datastream ds CROSS JOIN LATERAL (SELECT id, "
            "phenomenon_time, result_number FROM citydata_observation WHERE datastream_id = "
            "ds.id ORDER BY phenomenon_time DESC LIMIT 1) o")
    execute("UPDATE citydata_datastream ds SET phenomenon_time_start = r.first, "
            "phenomenon_time_end = r.last FROM (SELECT datastream_id, min(hour) AS first, "
            "max(hour) AS last FROM citydata_hourlyrollup GROUP BY 1) r "
            "WHERE r.datastream_id = ds.id")
    execute("VACUUM ANALYZE")
    return days, time.perf_counter() - started


def measure_ingest(datastream_ids: list[int], token: str, *, batches: int, rows: int) -> dict:
    """Observations per second through CreateObservations and through a bare COPY of the
    same rows, the two taken in turn batch by batch (so that a change in the machine's
    load falls on both), each the median over the batches."""
    client = Client()
    streams = datastream_ids[:50]
    per_stream = rows // len(streams)
    base = START + dt.timedelta(days=400)
    bodies = []
    for batch in range(batches):
        body = []
        for ds in streams:
            first = base + dt.timedelta(minutes=batch * per_stream)
            body.append({"Datastream": {"@iot.id": ds},
                         "components": ["phenomenonTime", "result"],
                         "dataArray": [[(first + dt.timedelta(minutes=i)).isoformat(),
                                        (ds * 31 + i) % 97 / 3] for i in range(per_stream)]})
        bodies.append(json.dumps(body))
    execute("CREATE UNLOGGED TABLE bench_copy (LIKE citydata_observation)")
    raw = connection.connection
    rows_out = [(i, ds, 1, base + dt.timedelta(minutes=i), float(i % 97))
                for ds in streams for i in range(per_stream)]

    def post(body):
        response = client.post("/sta/v1.1/CreateObservations", body,
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 201, response.content[:300]

    def bare_copy():
        with raw.cursor() as cursor, cursor.copy(
                "COPY bench_copy (id, datastream_id, feature_of_interest_id, "
                "phenomenon_time, result_number) FROM STDIN") as copy:
            for row in rows_out:
                copy.write_row(row)
        raw.commit()

    post(bodies[0])  # the first batch makes the day's partition; measure from the second
    api_times, copy_times = [], []
    for body in bodies[1:]:
        started = time.perf_counter()
        post(body)
        api_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare_copy()
        copy_times.append(time.perf_counter() - started)
    execute("DROP TABLE bench_copy")
    count = per_stream * len(streams)
    return {"api": count / statistics.median(api_times),
            "copy": count / statistics.median(copy_times)}


def paired_ms(baseline, functions: dict, repeats: int) -> dict:
    """Medians in milliseconds of ``baseline`` and of each function, run in turn in every
    repeat (a change in the machine's load falls on all of them)."""
    times: dict = {name: [] for name in ("baseline", *functions)}
    for _ in range(repeats):
        for name, function in (("baseline", baseline), *functions.items()):
            started = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--datastreams", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--ingest-only", action="store_true",
                        help="only the ingest measure, into an otherwise empty table")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database.")
    from yankao.core.runtime import settle_heap

    settle_heap()  # as the server process does before its first request (yankao/wsgi.py)
    call_command("migrate", verbosity=0)
    from yankao.citydata import models as m
    from yankao.citydata.selectors import hourly_series, latest_values
    from yankao.citydata.services.storage import partition_drop, partitions_ensure

    if m.Datastream.objects.exists():
        raise SystemExit("The database is not empty.")
    say(f"setting up {args.datastreams} datastreams")
    ids, token = setup_world(args.datastreams)
    if args.ingest_only:
        ingest = measure_ingest(ids, token, batches=11, rows=10_000)
        say(f"ingest through CreateObservations {ingest['api']:8.0f} obs/s; bare COPY "
            f"{ingest['copy']:8.0f} obs/s; ratio {ingest['api'] / ingest['copy']:.2f}")
        return
    say(f"filling {args.observations:,} observations")
    days, seconds = fill(args.observations, ids)
    total = m.Observation.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('citydata_observation')),"
                       " (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                       "WHERE inhparent = 'citydata_observation'::regclass)")
        _parent, size = cursor.fetchone()
    say(f"{total:,} observations in {days} day partitions, {int(size) / 2**30:.1f} GiB, "
        f"filled in {seconds / 60:.1f} min")

    one = ids[len(ids) // 2]
    end = START + dt.timedelta(days=days - 1)
    client = Client()
    assert len(client.get("/citydata/latest.json").json()["value"]) == len(ids)

    def week_from_raw():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT date_trunc('hour', phenomenon_time), avg(result_number) "
                "FROM citydata_observation WHERE datastream_id = %s AND phenomenon_time >= %s "
                "AND phenomenon_time < %s GROUP BY 1 ORDER BY 1",
                [one, end - dt.timedelta(days=7), end])
            cursor.fetchall()

    reads = paired_ms(lambda: list(m.Datastream.objects.filter(pk=one)), {
        "latest_table": lambda: list(m.LatestObservation.objects.values_list(
            "datastream_id", "phenomenon_time", "result_number")),
        "latest": latest_values,
        "latest_http": lambda: client.get("/citydata/latest.json"),
        "week": lambda: hourly_series(datastream_id=one, start=end - dt.timedelta(days=7),
                                      end=end),
        "raw_week": week_from_raw,
    }, args.repeats)
    baseline, latest_table, latest, latest_http, week, raw_week = (
        reads[name] for name in ("baseline", "latest_table", "latest", "latest_http", "week",
                                 "raw_week"))
    say("measuring ingest")
    ingest = measure_ingest(ids, token, batches=11, rows=10_000)

    far = START + dt.timedelta(days=5000)
    create_times, drop_times = [], []
    for offset in range(5):
        day = (far + dt.timedelta(days=offset)).date()
        started = time.perf_counter()
        partitions_ensure([day])
        create_times.append((time.perf_counter() - started) * 1000)
    for offset in range(5):
        day = (START + dt.timedelta(days=offset)).date()
        started = time.perf_counter()
        partition_drop(actor=None, day=day)
        drop_times.append((time.perf_counter() - started) * 1000)
    create_ms, drop_ms = statistics.median(create_times), statistics.median(drop_times)

    say("")
    say(f"observations: {total:,} ({args.datastreams} datastreams, {days} day partitions)")
    say(f"baseline: one datastream by primary key           {baseline:8.2f} ms")
    say(f"latest value of every datastream: the bare table  {latest_table:8.2f} ms  "
        f"x{latest_table / baseline:.1f}")
    say(f"  the selector (scoped to the public tier)        {latest:8.2f} ms  "
        f"x{latest / baseline:.1f}")
    say(f"  GET /citydata/latest.json                       {latest_http:8.2f} ms  "
        f"x{latest_http / baseline:.1f}")
    say(f"hourly means of one datastream, a week (rollups)  {week:8.2f} ms  "
        f"x{week / baseline:.1f}")
    say(f"  the same from raw observations                  {raw_week:8.2f} ms  "
        f"x{raw_week / baseline:.1f}")
    say(f"ingest through CreateObservations                 {ingest['api']:8.0f} obs/s")
    say(f"  bare COPY of the same rows (baseline)           {ingest['copy']:8.0f} obs/s  "
        f"ratio {ingest['api'] / ingest['copy']:.2f}")
    say(f"drop a day's partition                            {drop_ms:8.1f} ms  "
        f"x{drop_ms / create_ms:.1f} of creating an empty one ({create_ms:.1f} ms)")


if __name__ == "__main__":
    main()
