"""Every read of the city data platform that pages, dashboards and reports show. Sensor
readings are scoped by :mod:`yankao.citydata.access`; dashboards read the rollup and
latest-value tables, never the raw observations."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, Sum
from django.db.models.functions import ExtractMonth

from yankao.citydata import models as m
from yankao.citydata.access import PUBLIC, Caller, readable_datastreams
from yankao.citydata.services.storage import CITY_TZ
from yankao.core.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Reading:
    datastream_id: int
    property: str
    value: object
    unit: str
    time: dt.datetime | None


@dataclass(frozen=True)
class SensorPoint:
    thing_id: int
    name: str
    address: str
    lat: float
    lng: float
    readings: tuple[Reading, ...]


def _centre(location: m.Location) -> tuple[float, float] | None:
    if location.min_x is None:
        return None
    return ((location.min_y + location.max_y) / 2, (location.min_x + location.max_x) / 2)


def sensor_map(*, caller: Caller = PUBLIC) -> list[SensorPoint]:
    """Every thing with a location and the latest value of each datastream the caller
    may read (one query for the values, from the latest-value table)."""
    streams = (readable_datastreams(caller)
               .select_related("observed_property", "latest")
               .order_by("thing_id", "observed_property__name", "pk"))
    by_thing: dict[int, list[Reading]] = {}
    for ds in streams:
        latest = getattr(ds, "latest", None)
        value = None if latest is None else (
            latest.result_value if latest.result_number is None else latest.result_number)
        by_thing.setdefault(ds.thing_id, []).append(Reading(
            ds.pk, ds.observed_property.name, value,
            (ds.unit_of_measurement or {}).get("symbol", ""),
            None if latest is None else latest.phenomenon_time))
    points = []
    things = m.Thing.objects.filter(pk__in=by_thing).prefetch_related("locations") \
        .order_by("name", "pk")
    for thing in things:
        location = next(iter(thing.locations.all()), None)
        centre = _centre(location) if location else None
        if centre is None:
            continue
        points.append(SensorPoint(thing.pk, thing.name,
                                  (thing.properties or {}).get("address", ""),
                                  round(centre[0], 6), round(centre[1], 6),
                                  tuple(by_thing[thing.pk])))
    return points


def _moment(field: str):
    """A timestamp column as read in bulk. On PostgreSQL, as seconds since 1970 (a float):
    Django's loader of ``timestamptz`` values runs in Python, about 8 µs a value, which is
    most of the time of a thousand-row read; a float loads in C. :func:`_aware` turns it
    back into the same instant. SQLite reads the column itself."""
    if connection.vendor != "postgresql":
        return F(field)
    return Func(F(field), template="date_part('epoch', %(expressions)s)",
                output_field=FloatField())


def _aware(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(value, dt.UTC)


def latest_values(*, caller: Caller = PUBLIC) -> list[tuple[int, dt.datetime, object]]:
    """(datastream id, time, value) of the latest reading of every datastream the caller
    may read: one query on the latest-value table (its primary key is the datastream),
    scoped by a semi-join on the datastreams' tier, returned as plain tuples.

    On PostgreSQL the rows are read as the driver gives them (times as seconds, see
    :func:`_moment`; JSON results as text), without Django's converter per value."""
    rows = (m.LatestObservation.objects
            .filter(datastream_id__in=readable_datastreams(caller).values("pk"))
            .annotate(moment=_moment("phenomenon_time"))
            .order_by("datastream_id")
            .values_list("datastream_id", "moment", "result_number", "result_value"))
    if connection.vendor != "postgresql":
        return [(pk, moment, m.result_json(number, value))
                for pk, moment, number, value in rows]
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        plain = cursor.fetchall()
    utc, at = dt.UTC, dt.datetime.fromtimestamp
    return [(pk, at(moment, utc), m.result_json(number, None if value is None
                                                else json.loads(value)))
            for pk, moment, number, value in plain]


def datastream_get(*, caller: Caller = PUBLIC, pk: int) -> m.Datastream:
    datastream = readable_datastreams(caller).select_related(
        "thing", "observed_property", "sensor").filter(pk=pk).first()
    if datastream is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return datastream


@dataclass(frozen=True)
class HourPoint:
    hour: dt.datetime
    mean: float
    minimum: float
    maximum: float
    count: int


def hourly_series(*, caller: Caller = PUBLIC, datastream_id: int, start: dt.datetime,
                  end: dt.datetime) -> list[HourPoint]:
    """Hourly means of one datastream from the rollups (the week chart): the access check
    and the rollup rows in one query, on the rollups' (datastream, hour) unique index."""
    readable = readable_datastreams(caller).filter(pk=datastream_id)
    rows = (m.HourlyRollup.objects.filter(datastream_id=datastream_id, hour__gte=start,
                                          hour__lt=end, datastream__in=readable.values("pk"))
            .annotate(moment=_moment("hour"))
            .order_by("hour").values_list("moment", "count", "total", "minimum", "maximum"))
    points = [HourPoint(_aware(hour), total / count, low, high, count)
              for hour, count, total, low, high in rows]
    if not points:
        datastream_get(caller=caller, pk=datastream_id)  # unreadable, or no hours yet
    return points


def latest_week_end(*, datastream_id: int) -> dt.datetime | None:
    """The end of the last hour with a rollup (a week chart ends there)."""
    last = (m.HourlyRollup.objects.filter(datastream_id=datastream_id)
            .order_by("-hour").values_list("hour", flat=True).first())
    return None if last is None else last + dt.timedelta(hours=1)


def key_list(*, actor) -> list[m.AccessKey]:
    from yankao.citydata.services.keys import may_issue

    if not may_issue(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    return list(m.AccessKey.objects.select_related("agency", "thing", "created_by")
                .order_by("revoked_at", "-created_at"))


def key_get(*, actor, pk: int) -> m.AccessKey:
    keys = [k for k in key_list(actor=actor) if k.pk == pk]
    if not keys:
        raise DomainError(ErrorCode.NOT_FOUND)
    return keys[0]


def thing_choices() -> list[m.Thing]:
    return list(m.Thing.objects.order_by("name", "pk"))


def episode_list(*, caller: Caller, year: int | None = None,
                 limit: int = 200) -> list[m.AlertEpisode]:
    episodes = (m.AlertEpisode.objects.filter(
        datastream__in=readable_datastreams(caller).values("pk"))
        .select_related("rule", "datastream__thing", "datastream__observed_property")
        .order_by("-opened_at"))
    if year is not None:
        episodes = episodes.filter(opened_at__year=year)
    return list(episodes[:limit])


# --- figures (the annual report's 陸 section and the dashboards) -------------------------


@dataclass(frozen=True)
class SensorSummary:
    year: int
    things: int
    datastreams: int
    public_datastreams: int
    observations: int  # readings received in the year (from the daily rollups)


def sensor_summary(*, year: int) -> SensorSummary:
    """Sensors on the platform and readings received in ``year`` (published aggregates)."""
    streams = m.Datastream.objects.aggregate(
        total=Count("pk"), public=Count("pk", filter=Q(access=m.Access.PUBLIC)))
    observations = m.DailyRollup.objects.filter(day__year=year).aggregate(
        total=Sum("count"))["total"] or 0
    return SensorSummary(year, m.Thing.objects.count(), streams["total"], streams["public"],
                         observations)


@dataclass(frozen=True)
class AlertSummary:
    year: int
    episodes: int
    with_case: int
    closed: int
    by_rule: tuple[tuple[str, int], ...]


def alert_summary(*, year: int) -> AlertSummary:
    episodes = m.AlertEpisode.objects.filter(opened_at__year=year)
    counts = episodes.aggregate(total=Count("pk"), cases=Count("pk", filter=~Q(case_number="")),
                                closed=Count("pk", filter=Q(closed_at__isnull=False)))
    by_rule = tuple((row["rule__name"], row["n"]) for row in
                    episodes.values("rule__name").annotate(n=Count("pk")).order_by("rule__name"))
    return AlertSummary(year, counts["total"], counts["cases"], counts["closed"], by_rule)


def alert_episodes_by_month(*, year: int) -> dict[int, int]:
    rows = (m.AlertEpisode.objects.filter(opened_at__year=year)
            .annotate(month=ExtractMonth("opened_at", tzinfo=CITY_TZ))
            .values("month").annotate(n=Count("pk")))
    counts = dict.fromkeys(range(1, 13), 0)
    for row in rows:
        counts[row["month"]] = row["n"]
    return counts


def daily_means(*, datastream_id: int, year: int) -> list[tuple[dt.date, float]]:
    """Daily means of one public datastream through a year (from the daily rollups)."""
    rows = (m.DailyRollup.objects.filter(datastream_id=datastream_id, day__year=year,
                                         datastream__access=m.Access.PUBLIC)
            .order_by("day").values_list("day", "total", "count"))
    return [(day, total / count) for day, total, count in rows]
