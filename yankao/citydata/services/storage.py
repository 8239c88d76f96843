"""Writing observations at city scale (decision 0700): day partitions on PostgreSQL, COPY for
batches, and in the same transaction the latest-value table, the hourly and daily rollups
and each datastream's time extent. SQLite runs the same steps with plain INSERTs."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yankao.citydata.audit import CitydataAction
from yankao.citydata.models import Observation
from yankao.core.services.audit import audit_record

CITY_TZ = ZoneInfo(settings.TIME_ZONE)
COLUMNS = ("id", "datastream_id", "feature_of_interest_id", "phenomenon_time",
           "phenomenon_time_end", "result_time", "result_number", "result_value",
           "result_quality", "valid_time_start", "valid_time_end", "parameters")
JSON_COLUMNS = {"result_value", "result_quality", "parameters"}
TIME_COLUMNS = {"phenomenon_time", "phenomenon_time_end", "result_time", "valid_time_start",
                "valid_time_end"}


class Reading(NamedTuple):
    """One checked observation, ready to store (times aware, result split by type). A
    tuple in the order of :data:`COLUMNS` after the id, so a batch goes to COPY as is."""

    datastream_id: int
    feature_of_interest_id: int
    phenomenon_time: dt.datetime
    phenomenon_time_end: dt.datetime | None = None
    result_time: dt.datetime | None = None
    result_number: float | None = None
    result_value: object = None
    result_quality: object = None
    valid_time_start: dt.datetime | None = None
    valid_time_end: dt.datetime | None = None
    parameters: object = None


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def city_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CITY_TZ).date()


def partition_name(day: dt.date) -> str:
    return f"citydata_observation_d{day:%Y%m%d}"


_known_partitions: set[dt.date] = set()
_partition_lock = threading.Lock()


def partitions_ensure(days: Iterable[dt.date]) -> None:
    """Create the day partitions that do not exist yet (PostgreSQL; nothing on SQLite).

    A transaction-level advisory lock makes concurrent writers create each one once.
    """
    if not _postgres():
        return
    missing = sorted(set(days) - _known_partitions)
    if not missing:
        return
    with _partition_lock, connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('citydata_observation_partitions'))")
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'citydata_observation'::regclass")
        existing = {row[0] for row in cursor.fetchall()}
        for day in missing:
            name = partition_name(day)
            if name not in existing:
                start = dt.datetime.combine(day, dt.time(), CITY_TZ)
                end = start + dt.timedelta(days=1)
                cursor.execute(
                    f'CREATE TABLE "{name}" PARTITION OF citydata_observation '
                    "FOR VALUES FROM (%s) TO (%s)", [start, end])
    transaction.on_commit(lambda: _known_partitions.update(missing))


def partition_days() -> list[dt.date]:
    """The days that have a partition (PostgreSQL) or observations (SQLite)."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'citydata_observation'::regclass ORDER BY 1")
            return [dt.date(int(row[0][-8:-4]), int(row[0][-4:-2]), int(row[0][-2:]))
                    for row in cursor.fetchall()]
    times = Observation.objects.dates("phenomenon_time", "day", tzinfo=CITY_TZ)
    return list(times)


def partition_drop(*, actor, day: dt.date) -> int:
    """Retention: drop one day's raw observations. Rollups and latest values stay.

    On PostgreSQL this drops the day's partition (instant, whatever its size); on SQLite it
    deletes the day's rows. Returns the number of rows that were there when known.
    """
    start = dt.datetime.combine(day, dt.time(), CITY_TZ)
    end = start + dt.timedelta(days=1)
    with transaction.atomic():
        if _postgres():
            name = partition_name(day)
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s)", [name])
                if cursor.fetchone()[0] is None:
                    return 0
                cursor.execute('SELECT reltuples::bigint FROM pg_class WHERE relname = %s',
                               [name])
                rows = max(int(cursor.fetchone()[0]), 0)
                cursor.execute(f'ALTER TABLE citydata_observation DETACH PARTITION "{name}"')
                cursor.execute(f'DROP TABLE "{name}"')
            _known_partitions.discard(day)
        else:
            rows, _ = Observation.objects.filter(phenomenon_time__gte=start,
                                                 phenomenon_time__lt=end).delete()
        audit_record(actor=actor, action=CitydataAction.PARTITION_DROP,
                     data={"day": day.isoformat(), "rows": rows})
    return rows


# --- writing a batch --------------------------------------------------------------------


def _db_time(value: dt.datetime | None):
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def _json_text(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


STAGING = "citydata_observation_batch"


def _copy(readings: Sequence[Reading]) -> list[int]:
    """COPY the batch into this session's staging table (temporary, emptied at commit),
    whose ids come from the observation sequence as each row arrives, so they rise in the
    order given. Returns the ids in that order."""
    from psycopg.types.json import Jsonb

    raw = connection.connection  # the psycopg connection Django holds
    with raw.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
                       "(LIKE citydata_observation INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        with cursor.copy(f"COPY {STAGING} ({', '.join(COLUMNS[1:])}) FROM STDIN") as copy:
            write_row = copy.write_row
            for r in readings:
                if r.result_value is None and r.result_quality is None \
                        and r.parameters is None:
                    write_row(r)
                    continue
                write_row((
                    *r[:6],
                    None if r.result_value is None else Jsonb(r.result_value),
                    None if r.result_quality is None else Jsonb(r.result_quality),
                    r.valid_time_start, r.valid_time_end,
                    None if r.parameters is None else Jsonb(r.parameters),
                ))
        cursor.execute(f"SELECT min(id), max(id), count(*) FROM {STAGING}")  # noqa: S608
        first, last, count = cursor.fetchone()
        if last - first + 1 == count:  # one unbroken run: no need to read them
            return list(range(first, last + 1))
        cursor.execute(f"SELECT id FROM {STAGING} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _staged_days() -> set[dt.date]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT timezone(%s, phenomenon_time)::date "  # noqa: S608
                       f"FROM {STAGING}", [settings.TIME_ZONE])
        return {row[0] for row in cursor.fetchall()}


def _move_into_partitions(days: set[dt.date]) -> None:
    """Move the staged batch into the observation table; if a day's partition this process
    believed in is gone (dropped by another process, or created in a transaction that was
    rolled back after all), forget what it believed, create the partitions and move once
    more. The savepoint keeps the caller's transaction usable after the failed attempt."""
    from psycopg.errors import CheckViolation

    columns = ", ".join(COLUMNS)
    sql = f"INSERT INTO citydata_observation ({columns}) SELECT {columns} FROM {STAGING}"  # noqa: S608
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except IntegrityError as error:
        if not isinstance(error.__cause__, CheckViolation):
            raise
        _known_partitions.difference_update(days)
        partitions_ensure(days)
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _derive_from_staging() -> None:
    """The latest values, hourly and daily rollups and time extents of a staged batch,
    one set-based statement each. The batch's datastreams are locked first, in id order,
    so concurrent writers of one datastream take turns instead of deadlocking."""
    tz = settings.TIME_ZONE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM citydata_datastream WHERE id IN "  # noqa: S608
            f"(SELECT DISTINCT datastream_id FROM {STAGING}) ORDER BY id FOR UPDATE")
        cursor.execute(
            "INSERT INTO citydata_latestobservation AS l (datastream_id, observation_id, "  # noqa: S608
            "phenomenon_time, result_number, result_value) "
            "SELECT DISTINCT ON (datastream_id) datastream_id, id, phenomenon_time, "
            f"result_number, result_value FROM {STAGING} "
            "ORDER BY datastream_id, phenomenon_time DESC, id DESC "
            "ON CONFLICT (datastream_id) DO UPDATE SET observation_id = excluded.observation_id, "
            "phenomenon_time = excluded.phenomenon_time, "
            "result_number = excluded.result_number, result_value = excluded.result_value "
            "WHERE excluded.phenomenon_time >= l.phenomenon_time")
        for table, column, bucket in (
            ("citydata_hourlyrollup", "hour", "date_trunc('hour', phenomenon_time, 'UTC')"),
            ("citydata_dailyrollup", "day", "timezone(%s, phenomenon_time)::date"),
        ):
            cursor.execute(
                f"INSERT INTO {table} AS r (datastream_id, {column}, count, total, minimum, "  # noqa: S608
                f"maximum) SELECT datastream_id, {bucket}, count(*), sum(result_number), "
                f"min(result_number), max(result_number) FROM {STAGING} "
                "WHERE result_number IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2 "
                f"ON CONFLICT (datastream_id, {column}) DO UPDATE SET "
                "count = r.count + excluded.count, total = r.total + excluded.total, "
                "minimum = LEAST(r.minimum, excluded.minimum), "
                "maximum = GREATEST(r.maximum, excluded.maximum)",
                [tz] if column == "day" else None)
        cursor.execute(
            "UPDATE citydata_datastream AS d SET "  # noqa: S608
            "phenomenon_time_start = LEAST(d.phenomenon_time_start, v.s), "
            "phenomenon_time_end = GREATEST(d.phenomenon_time_end, v.e), "
            "result_time_start = LEAST(d.result_time_start, v.rs), "
            "result_time_end = GREATEST(d.result_time_end, v.re) "
            "FROM (SELECT datastream_id, min(phenomenon_time) AS s, "
            "max(COALESCE(phenomenon_time_end, phenomenon_time)) AS e, "
            f"min(result_time) AS rs, max(result_time) AS re FROM {STAGING} "
            "GROUP BY datastream_id) AS v WHERE d.id = v.datastream_id")
        # Commit empties the table; a later batch in the same transaction starts clean too.
        cursor.execute(f"DELETE FROM {STAGING}")  # noqa: S608


def _insert_sqlite(readings: Sequence[Reading]) -> list[int]:
    """Plain INSERTs with ids taken after the highest one. Transactions on SQLite begin
    IMMEDIATE (yankao.config), so this writer holds the write lock from its first
    statement and no other can take the same ids."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(COALESCE((SELECT MAX(id) FROM citydata_observation), 0), "
                       "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = "
                       "'citydata_observation'), 0))")
        first = cursor.fetchone()[0] + 1
        ids = list(range(first, first + len(readings)))
        cursor.executemany(
            f"INSERT INTO citydata_observation ({', '.join(COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(COLUMNS))})",
            [(pk, r.datastream_id, r.feature_of_interest_id, _db_time(r.phenomenon_time),
              _db_time(r.phenomenon_time_end), _db_time(r.result_time), r.result_number,
              _json_text(r.result_value), _json_text(r.result_quality),
              _db_time(r.valid_time_start), _db_time(r.valid_time_end),
              _json_text(r.parameters)) for pk, r in zip(ids, readings, strict=True)])
    return ids


def observations_write(readings: Sequence[Reading]) -> list[int]:
    """Store checked readings and everything derived from them. Call inside the caller's
    transaction (the service that checked the input and the actor). Returns the new ids
    in the order of ``readings``.

    PostgreSQL: the batch is COPied into a temporary staging table, moved from there into
    the day partitions, and the derived tables are updated from it with one set-based
    statement each (no Python pass over the rows). SQLite (the demo): plain INSERTs and
    the derived tables from a pass in Python."""
    if not readings:
        return []
    if _postgres():
        ids = _copy(readings)
        days = _staged_days()
        partitions_ensure(days)
        _move_into_partitions(days)
        _derive_from_staging()
        return ids
    ids = _insert_sqlite(readings)
    _derived(readings, ids)
    return ids


def _upsert(table: str, columns: Sequence[str], conflict: str, updates: str,
            rows: list[tuple], casts: dict[str, str] | None = None) -> None:
    if not rows:
        return
    casts = casts or {}
    one = "(" + ", ".join("%s" + casts.get(c, "") for c in columns) + ")"
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
               + ", ".join([one] * len(chunk))
               + f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


def _least_greatest() -> tuple[str, str]:
    return ("LEAST", "GREATEST") if _postgres() else ("MIN", "MAX")


def _latest_update(readings: Sequence[Reading], ids: list[int]) -> None:
    newest: dict[int, tuple[Reading, int]] = {}
    for pk, reading in zip(ids, readings, strict=True):
        held = newest.get(reading.datastream_id)
        if held is None or (reading.phenomenon_time, pk) >= (held[0].phenomenon_time, held[1]):
            newest[reading.datastream_id] = (reading, pk)
    table = "citydata_latestobservation"
    rows = [(ds, pk, _db_time(r.phenomenon_time), r.result_number, _json_text(r.result_value))
            for ds, (r, pk) in sorted(newest.items())]
    _upsert(
        table, ("datastream_id", "observation_id", "phenomenon_time", "result_number",
                "result_value"), "datastream_id",
        "observation_id = excluded.observation_id, phenomenon_time = excluded.phenomenon_time, "
        "result_number = excluded.result_number, result_value = excluded.result_value "
        f"WHERE excluded.phenomenon_time >= {table}.phenomenon_time",
        rows, casts={"result_value": "::jsonb"} if _postgres() else None)


def _hour_and_day(moment: dt.datetime, offsets: dict[int, int]) -> tuple[int, int]:
    """(hours since the epoch, days since the epoch in the city's calendar), without
    calendar arithmetic per reading: the city's UTC offset is looked up once an hour."""
    seconds = int(moment.timestamp())
    hour = seconds // 3600
    offset = offsets.get(hour)
    if offset is None:
        offset = offsets[hour] = int(moment.astimezone(CITY_TZ).utcoffset().total_seconds())
    return hour, (seconds + offset) // 86400


def _rollups_add(readings: Sequence[Reading]) -> None:
    hourly: dict[tuple[int, int], list] = {}
    daily: dict[tuple[int, int], list] = {}
    offsets: dict[int, int] = {}
    for r in readings:
        value = r.result_number
        if value is None:
            continue
        hour, day = _hour_and_day(r.phenomenon_time, offsets)
        for key, bucket in (((r.datastream_id, hour), hourly),
                            ((r.datastream_id, day), daily)):
            held = bucket.get(key)
            if held is None:
                bucket[key] = [1, value, value, value]
            else:
                held[0] += 1
                held[1] += value
                if value < held[2]:
                    held[2] = value
                if value > held[3]:
                    held[3] = value
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    hourly = {(ds, epoch + dt.timedelta(hours=h)): v for (ds, h), v in hourly.items()}
    daily = {(ds, dt.date(1970, 1, 1) + dt.timedelta(days=d)): v
             for (ds, d), v in daily.items()}
    least, greatest = _least_greatest()
    for table, column, bucket, convert in (
        ("citydata_hourlyrollup", "hour", hourly, _db_time),
        ("citydata_dailyrollup", "day", daily, lambda day: day),
    ):
        _upsert(
            table, ("datastream_id", column, "count", "total", "minimum", "maximum"),
            f"datastream_id, {column}",
            f"count = {table}.count + excluded.count, total = {table}.total + excluded.total, "
            f"minimum = {least}({table}.minimum, excluded.minimum), "
            f"maximum = {greatest}({table}.maximum, excluded.maximum)",
            [(ds, convert(when), *values) for (ds, when), values in sorted(bucket.items())],
        )


def _extents_update(readings: Sequence[Reading]) -> None:
    spans: dict[int, list] = {}
    for r in readings:
        end = r.phenomenon_time_end or r.phenomenon_time
        held = spans.get(r.datastream_id)
        result_time = r.result_time
        if held is None:
            spans[r.datastream_id] = [r.phenomenon_time, end, result_time, result_time]
            continue
        held[0] = min(held[0], r.phenomenon_time)
        held[1] = max(held[1], end)
        if result_time is not None:
            held[2] = result_time if held[2] is None else min(held[2], result_time)
            held[3] = result_time if held[3] is None else max(held[3], result_time)
    least, greatest = _least_greatest()
    # The only interpolation is LEAST/GREATEST or MIN/MAX.
    sql = (
        "UPDATE citydata_datastream SET "  # noqa: S608
        f"phenomenon_time_start = {least}(COALESCE(phenomenon_time_start, %s), %s), "
        f"phenomenon_time_end = {greatest}(COALESCE(phenomenon_time_end, %s), %s), "
        f"result_time_start = COALESCE({least}(result_time_start, %s), result_time_start, %s), "
        f"result_time_end = COALESCE({greatest}(result_time_end, %s), result_time_end, %s) "
        "WHERE id = %s"
    )
    rows = [(ds, *map(_db_time, values)) for ds, values in sorted(spans.items())]
    with connection.cursor() as cursor:
        if _postgres():
            # One statement for every datastream of the batch.
            values = ", ".join(["(%s, %s::timestamptz, %s::timestamptz, %s::timestamptz, "
                                "%s::timestamptz)"] * len(rows))
            cursor.execute(
                "UPDATE citydata_datastream AS d SET "  # noqa: S608
                "phenomenon_time_start = LEAST(COALESCE(d.phenomenon_time_start, v.s), v.s), "
                "phenomenon_time_end = GREATEST(COALESCE(d.phenomenon_time_end, v.e), v.e), "
                "result_time_start = LEAST(d.result_time_start, v.rs), "
                "result_time_end = GREATEST(d.result_time_end, v.re) "
                f"FROM (VALUES {values}) AS v(id, s, e, rs, re) WHERE d.id = v.id",
                [value for row in rows for value in row])
            return
        for ds, start, end, first, last in rows:
            cursor.execute(sql, [start, start, end, end, first, first, last, last, ds])


def rollups_rebuild(*, datastream_ids: Iterable[int] | None = None) -> None:
    """Recompute the derived tables from the raw observations (after a bulk load that
    bypassed :func:`observations_write`, such as the demo's year or a restore)."""
    from yankao.citydata.models import DailyRollup, HourlyRollup, LatestObservation

    observations = Observation.objects.all()
    if datastream_ids is not None:
        ids = list(datastream_ids)
        observations = observations.filter(datastream_id__in=ids)
        HourlyRollup.objects.filter(datastream_id__in=ids).delete()
        DailyRollup.objects.filter(datastream_id__in=ids).delete()
        LatestObservation.objects.filter(datastream_id__in=ids).delete()
    batch: list[Reading] = []
    pks: list[int] = []
    for o in observations.order_by("datastream_id", "phenomenon_time").iterator(5000):
        batch.append(Reading(o.datastream_id, o.feature_of_interest_id, o.phenomenon_time,
                             o.phenomenon_time_end, o.result_time, o.result_number,
                             o.result_value))
        pks.append(o.pk)
        if len(batch) >= 5000:
            _derived(batch, pks)
            batch, pks = [], []
    _derived(batch, pks)


def _derived(batch: list[Reading], pks: list[int]) -> None:
    if batch:
        _latest_update(batch, pks)
        _rollups_add(batch)
        _extents_update(batch)


def by_datastream(readings: Iterable[Reading]) -> dict[int, list[Reading]]:
    grouped: dict[int, list[Reading]] = defaultdict(list)
    for r in readings:
        grouped[r.datastream_id].append(r)
    return grouped


def now() -> dt.datetime:
    return timezone.now()
