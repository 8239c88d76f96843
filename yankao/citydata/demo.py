"""The demo city's smart street lights (陸2.4 of the 2018 report): 49 lights along roads of
哈瑪星 in 鼓山區, each measuring light, PM2.5, road flooding, vehicles and pedestrians,
through 2018.

Raw readings are kept for the retention window at the end of the year (and the day of the
23 August flood); earlier days exist as hourly and daily rollups, as they would after the
city's retention drops old partitions. The flood readings go through the same ingest and
alert rules as any sensor's, so the case they opened is a real one. ``--scale 1`` keeps
hourly rollups for the whole year and a month of raw readings every 10 minutes.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.db import connection, transaction

from yankao.citydata import models as m
from yankao.citydata.services import alerts, storage
from yankao.citydata.services.keys import key_issue
from yankao.citydata.services.storage import CITY_TZ, Reading
from yankao.core.models import Agency

DEMO_ORDER = 50
YEAR = 2018
# The 23 August 2018 flood opens one dispatch case through the service desk, which leaves
# room for it in its own demo (core.demo.demo_declared_cases): the year keeps 82,934.
DEMO_CASES = {("dispatch", YEAR): 1}
DEMO_SENSOR_KEY = "sta_demo_hamasen_light_01"
DEMO_READER_KEY = "sta_demo_reader"

# Roads of 哈瑪星 with approximate ends (longitude, latitude) and the lights along each.
ROADS = [
    ("臨海二路", (120.2722, 22.6198), (120.2745, 22.6247), 10),
    ("鼓山一路", (120.2760, 22.6215), (120.2770, 22.6262), 10),
    ("哨船街", (120.2668, 22.6192), (120.2712, 22.6200), 9),
    ("濱海一路", (120.2685, 22.6205), (120.2700, 22.6250), 10),
    ("捷興二街", (120.2700, 22.6220), (120.2740, 22.6225), 10),
]
MEASUREMENT = m.ObservationType.MEASUREMENT
COUNT = m.ObservationType.COUNT
# key, name, definition, unit (name, symbol), type, access
PROPERTIES = [
    ("lux", "照度 Illuminance", "http://qudt.org/vocab/quantitykind/Illuminance",
     ("lux", "lx"), MEASUREMENT, m.Access.PUBLIC),
    ("pm25", "PM2.5", "http://vocabs.lter-europe.net/EnvThes/22514",
     ("microgram per cubic metre", "µg/m³"), MEASUREMENT, m.Access.PUBLIC),
    ("depth", "淹水深度 Flood depth", "https://example.kaohsiung.gov.tw/def/flood-depth",
     ("centimetre", "cm"), MEASUREMENT, m.Access.PUBLIC),
    ("vehicles", "車流量 Vehicles", "https://example.kaohsiung.gov.tw/def/vehicle-count",
     ("vehicles per 10 minutes", "veh"), COUNT, m.Access.RESTRICTED),
    ("people", "人流量 Pedestrians", "https://example.kaohsiung.gov.tw/def/pedestrian-count",
     ("people per 10 minutes", "ppl"), COUNT, m.Access.KEYED),
]
FLOOD_DAY = dt.date(YEAR, 8, 23)  # 0823 水災: heavy rain over southern Taiwan


def light_positions() -> list[tuple[str, int, float, float]]:
    """(road, number on the road, longitude, latitude) of the 49 lights."""
    out = []
    for road, (x1, y1), (x2, y2), count in ROADS:
        for i in range(count):
            share = (i + 0.5) / count
            out.append((road, i + 1, round(x1 + (x2 - x1) * share, 6),
                        round(y1 + (y2 - y1) * share, 6)))
    return out


def value_at(key: str, moment: dt.datetime, light: int, rng: random.Random) -> float:
    """A plausible reading: lamps on at night, PM2.5 worse in winter and at rush hours,
    dry roads, traffic that follows the day."""
    local = moment.astimezone(CITY_TZ)
    hour = local.hour + local.minute / 60
    day = local.timetuple().tm_yday
    if key == "lux":
        night = hour >= 18 or hour < 6
        broken = light == 17 and local.month == 11 and 3 <= local.day <= 5
        return round(0.0 if broken else (28 + rng.gauss(0, 1.5) if night else
                                          rng.uniform(0, 2)), 1)
    if key == "pm25":
        season = 22 + 14 * math.cos(2 * math.pi * (day - 15) / 365)
        rush = 6 if hour in (8, 9, 17, 18) else 0
        return round(max(2.0, season + rush + rng.gauss(0, 4)), 1)
    if key == "depth":
        return 0.0
    base = 40 if key == "vehicles" else 25
    shape = max(0.05, math.sin(math.pi * max(0.0, hour - 5) / 18))
    return float(max(0, round(base * shape + rng.gauss(0, 4))))


def day_stats(key: str, day: dt.date, light: int, rng: random.Random):
    """(mean, lowest, highest) of a day of :func:`value_at`'s pattern, for the days kept
    only as daily rollups."""
    if key == "lux":
        if light == 17 and day.month == 11 and 3 <= day.day <= 5:
            return 0.0, 0.0, 0.0
        return (round(14.5 + rng.gauss(0, 0.5), 2), round(rng.uniform(0, 0.3), 1),
                round(30 + abs(rng.gauss(0, 1.5)), 1))
    if key == "pm25":
        season = 22 + 14 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
        mean = max(3.0, season + 1 + rng.gauss(0, 3))
        return (round(mean, 2), round(max(2.0, mean - 8 - 4 * rng.random()), 1),
                round(mean + 10 + 6 * rng.random(), 1))
    if key == "depth":
        return 0.0, 0.0, 0.0
    base = 40 if key == "vehicles" else 25
    return (round(base * 0.45 + rng.gauss(0, 1), 2), 0.0,
            float(round(base + 6 * rng.random())))


def build(ctx) -> None:
    rng = ctx.rng_for("citydata")
    with transaction.atomic():
        streams, features = _network()
        rules = _rules()
        raw_days = 30 if ctx.scale >= 1 else (3 if ctx.scale >= 0.01 else 1)
        hourly_days = 366 if ctx.scale >= 1 else 8
        step = dt.timedelta(minutes=10 if ctx.scale >= 1 else 60)
        year_end = dt.datetime(YEAR + 1, 1, 1, tzinfo=CITY_TZ)
        raw_from = year_end - dt.timedelta(days=raw_days)
        _rollups(rng, streams, year_end - dt.timedelta(days=hourly_days), raw_from)
        readings = _raw(rng, streams, features, raw_from, year_end, step)
        flood = _flood(streams, features)
        storage.observations_write(flood)
        opened = alerts.readings_check(flood)
        storage.observations_write(readings)
    alerts.episode_cases_open()
    ctx.say(f"  citydata: {len(streams) // len(PROPERTIES)} street lights, {len(streams)} "
            f"datastreams, {len(readings) + len(flood)} raw readings, {len(rules)} alert "
            f"rules, {len(opened)} flood episode(s) with a dispatch case")


def _network() -> tuple[list[tuple[m.Datastream, str, int]], dict[int, int]]:
    """The lights with their datastreams; returns them and each thing's feature id."""
    features_of_things: dict[int, int] = {}
    maintenance = Agency.objects.filter(code="pwb-maintenance").first()
    traffic = Agency.objects.filter(code="transportation").first()
    sensors = {key: m.Sensor.objects.create(
        name=f"{name} sensor", description=f"The street light's {name} sensor",
        encoding_type="text/html", metadata="https://example.kaohsiung.gov.tw/smart-lights")
        for key, name, *_rest in PROPERTIES}
    properties = {key: m.ObservedProperty.objects.create(
        name=name, definition=definition, description=name)
        for key, name, definition, *_rest in PROPERTIES}
    streams = []
    for number, (road, on_road, lng, lat) in enumerate(light_positions(), start=1):
        geometry = {"type": "Point", "coordinates": [lng, lat]}
        name = f"哈瑪星智慧路燈 {number:02d}（{road}）"
        thing = m.Thing.objects.create(
            name=name, description=f"Smart street light {number} on {road}",
            agency=maintenance,
            properties={"road": road, "pole": f"HMX-{number:02d}",
                        "address": f"高雄市鼓山區{road}（第{on_road}盞）"})
        location = m.Location.objects.create(
            name=f"HMX-{number:02d}", description=f"{road} lamp post {on_road}",
            location=geometry, min_x=lng, max_x=lng, min_y=lat, max_y=lat)
        thing.locations.add(location)
        history = m.HistoricalLocation.objects.create(
            thing=thing, time=dt.datetime(YEAR, 1, 1, tzinfo=CITY_TZ))
        history.locations.add(location)
        feature = m.FeatureOfInterest.objects.create(
            name=location.name, description=location.description, feature=geometry,
            source_location=location, min_x=lng, max_x=lng, min_y=lat, max_y=lat)
        for key, pname, _definition, (unit, symbol), kind, access in PROPERTIES:
            ds = m.Datastream.objects.create(
                name=f"HMX-{number:02d} {pname}", description=f"{pname} at {name}",
                unit_of_measurement={"name": unit, "symbol": symbol,
                                     "definition": f"ucum:{symbol}"},
                observation_type=kind, thing=thing, sensor=sensors[key],
                observed_property=properties[key], access=access, observed_area=geometry)
            if access == m.Access.RESTRICTED and traffic is not None:
                ds.reader_agencies.add(traffic)
            streams.append((ds, key, number))
        if number == 1:
            key_issue(actor=None, name="HMX-01 gateway", kind=m.AccessKey.Kind.SENSOR,
                      thing=thing, rate_per_minute=600, raw_key=DEMO_SENSOR_KEY)
        features_of_things[thing.pk] = feature.pk
    key_issue(actor=None, name="Open-data portal", kind=m.AccessKey.Kind.READER,
              rate_per_minute=1200, raw_key=DEMO_READER_KEY)
    return streams, features_of_things


def _rules() -> list[m.AlertRule]:
    from yankao.servicedesk import selectors as desk

    def code(name_zh: str) -> str:
        category = desk.category_choices().filter(name_zh__contains=name_zh).first()
        return category.code if category else ""

    properties = {p.definition: p for p in m.ObservedProperty.objects.all()}
    by_key = {key: properties[definition] for key, _n, definition, *_r in PROPERTIES}
    rules = [
        m.AlertRule(name="路面積水 10 公分以上 Road flooding", observed_property=by_key["depth"],
                    kind=m.AlertRule.Kind.ABOVE, threshold=10, recovery_minutes=60,
                    category_code=code("暴雨積水")),
        m.AlertRule(name="PM2.5 快速上升 PM2.5 rising fast", observed_property=by_key["pm25"],
                    kind=m.AlertRule.Kind.RISE, threshold=35, window_minutes=60,
                    recovery_minutes=180, category_code=code("空氣污染")),
        m.AlertRule(name="PM2.5 紅色警戒 PM2.5 red", observed_property=by_key["pm25"],
                    kind=m.AlertRule.Kind.ABOVE, threshold=54, recovery_minutes=180,
                    category_code=code("空氣污染")),
        m.AlertRule(name="夜間路燈不亮 Light out at night", observed_property=by_key["lux"],
                    kind=m.AlertRule.Kind.BELOW_AT_NIGHT, threshold=5, recovery_minutes=120,
                    category_code=code("路燈故障")),
    ]
    return m.AlertRule.objects.bulk_create([r for r in rules if r.category_code])


def _rollups(rng, streams, hourly_from: dt.datetime, raw_from: dt.datetime) -> None:
    """Rollups of the days before the raw window, as retention leaves them: hourly ones
    from ``hourly_from`` (the charts' weeks), daily ones for the whole year, each from a few
    samples of the day's pattern (the readings themselves are long dropped)."""
    first = dt.datetime(YEAR, 1, 1, tzinfo=CITY_TZ)
    adapt_time = connection.ops.adapt_datetimefield_value
    adapt_day = connection.ops.adapt_datefield_value
    hourly, daily = [], []
    day = first
    while day < raw_from:
        keep_hours = day >= hourly_from
        for ds, key, light in streams:
            if day.date() == FLOOD_DAY and key == "depth" and light in (3, 4, 5):
                continue  # the flood day of these lights comes from raw readings
            if keep_hours:
                values = []
                for hour in range(24):
                    moment = day + dt.timedelta(hours=hour)
                    value = value_at(key, moment, light, rng)
                    values.append(value)
                    hourly.append((ds.pk, adapt_time(moment), 6, value * 6, value, value))
                mean, low, high = sum(values) / 24, min(values), max(values)
            else:
                mean, low, high = day_stats(key, day.date(), light, rng)
            daily.append((ds.pk, adapt_day(day.date()), 144, round(mean * 144, 3), low, high))
        day += dt.timedelta(days=1)
    columns = "(datastream_id, {}, count, total, minimum, maximum)"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO citydata_hourlyrollup {columns.format('hour')} "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)", hourly)
        cursor.executemany(
            f"INSERT INTO citydata_dailyrollup {columns.format('day')} "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)", daily)


def _raw(rng, streams, features_of_things, start: dt.datetime, end: dt.datetime,
         step: dt.timedelta):
    readings = []
    moment = start
    while moment < end:
        for ds, key, light in streams:
            readings.append(Reading(ds.pk, features_of_things[ds.thing_id], moment,
                                    result_number=value_at(key, moment, light, rng)))
        moment += step
    return readings


def _flood(streams, features_of_things) -> list[Reading]:
    """23 August 2018: water rises at the low point of 臨海二路 from 05:00, peaks at 38 cm at
    light 4 around 08:00 and drains by noon; lights 3 and 5 see a few centimetres."""
    readings = []
    start = dt.datetime.combine(FLOOD_DAY, dt.time(0, 0), CITY_TZ)
    for ds, key, light in streams:
        if key != "depth" or light not in (3, 4, 5):
            continue
        feature = features_of_things[ds.thing_id]
        scale = 1.0 if light == 4 else 0.2
        for slot in range(24 * 6):
            moment = start + dt.timedelta(minutes=10 * slot)
            hours = slot / 6
            depth = 38 * scale * math.exp(-((hours - 8) / 2.2) ** 2) if 4 <= hours <= 13 else 0
            readings.append(Reading(ds.pk, feature, moment, result_number=round(depth, 1)))
    return readings
