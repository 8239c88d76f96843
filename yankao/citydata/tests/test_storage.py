"""What a data-array batch leaves behind: the latest values, the hourly and daily rollups
and the time extents equal those computed from the raw rows; one bad row anywhere stores
nothing at all; the public latest-value read shows public datastreams only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from yankao.citydata.models import (
    Access,
    DailyRollup,
    Datastream,
    HourlyRollup,
    LatestObservation,
    Observation,
)
from yankao.citydata.services.storage import CITY_TZ
from yankao.citydata.tests.conftest import Sta
from yankao.citydata.tests.test_conformance import depth_stream, lux_stream

pytestmark = pytest.mark.django_db

START = dt.datetime(2018, 6, 14, 15, 0, tzinfo=dt.UTC)  # 23:00 in the city: a day ends


def block(ds: int, minutes: list[int], value) -> dict:
    """Readings at START + minutes, with the Taipei offset on every other one."""
    rows = []
    for i, minute in enumerate(minutes):
        moment = START + dt.timedelta(minutes=minute)
        text = moment.astimezone(CITY_TZ).isoformat() if i % 2 else \
            moment.isoformat().replace("+00:00", "Z")
        rows.append([text, value(i, minute)])
    return {"Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"],
            "dataArray": rows}


def from_raw():
    """Latest values, hourly and daily rollups and extents computed from the raw rows."""
    hourly, daily = defaultdict(list), defaultdict(list)
    latest, extents = {}, {}
    for o in Observation.objects.order_by("pk"):
        t, v = o.phenomenon_time, o.result_number
        hourly[(o.datastream_id, t.astimezone(dt.UTC).replace(minute=0, second=0,
                                                               microsecond=0))].append(v)
        daily[(o.datastream_id, t.astimezone(CITY_TZ).date())].append(v)
        if o.datastream_id not in latest or (t, o.pk) >= latest[o.datastream_id][:2]:
            latest[o.datastream_id] = (t, o.pk, v)
        low, high = extents.get(o.datastream_id, (t, t))
        extents[o.datastream_id] = (min(low, t), max(high, t))
    summary = {key: (len(vs), sum(vs), min(vs), max(vs)) for key, vs in hourly.items()}
    days = {key: (len(vs), sum(vs), min(vs), max(vs)) for key, vs in daily.items()}
    return summary, days, latest, extents


def stored():
    hourly = {(r.datastream_id, r.hour): (r.count, r.total, r.minimum, r.maximum)
              for r in HourlyRollup.objects.all()}
    daily = {(r.datastream_id, r.day): (r.count, r.total, r.minimum, r.maximum)
             for r in DailyRollup.objects.all()}
    latest = {r.datastream_id: (r.phenomenon_time, r.observation_id, r.result_number)
              for r in LatestObservation.objects.all()}
    extents = {d.pk: (d.phenomenon_time_start, d.phenomenon_time_end)
               for d in Datastream.objects.filter(phenomenon_time_start__isnull=False)}
    return hourly, daily, latest, extents


def same_sums(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for key, (count, total, low, high) in left.items():
        assert right[key][0] == count and right[key][2:] == (low, high), key
        assert right[key][1] == pytest.approx(total), key


def test_derived_tables_equal_the_raw_rows(staff, lights):
    depth, lux = depth_stream(staff, lights[0]), lux_stream(staff, lights[1])
    first = [
        # Out of order, across the city's midnight and three UTC hours.
        block(depth, [50, 5, 70, 130, 65, 10], lambda i, m: [3, 2.5, 0, 7.25, 1, 4][i]),
        block(lux, list(range(0, 180, 15)), lambda i, m: 100 + i * 3),
    ]
    status, body = staff.post("/CreateObservations", first)
    assert status == 201, body
    second = [
        # Older readings (the latest value stays), readings in hours already rolled up, a
        # new maximum, one at the moment of the latest one and one just after it.
        block(depth, [-30, 5, 130, 131], lambda i, m: [9, 1.5, 12.5, 0.5][i]),
        block(lux, [165, 170], lambda i, m: [50, 999][i]),
    ]
    status, body = staff.post("/CreateObservations", second)
    assert status == 201, body
    assert Observation.objects.count() == 6 + 12 + 4 + 2

    hourly, daily, latest, extents = from_raw()
    got_hourly, got_daily, got_latest, got_extents = stored()
    same_sums(hourly, got_hourly)
    same_sums(daily, got_daily)
    assert len(got_daily) == 4  # each datastream has readings on both sides of midnight
    assert got_latest == latest
    assert got_latest[depth][2] == 0.5  # 131 minutes: sent last, newest
    assert got_extents == extents


def test_one_bad_row_in_a_large_batch_stores_nothing(staff, lights):
    depth, lux = depth_stream(staff, lights[0]), lux_stream(staff, lights[1])
    good = block(depth, list(range(300)), lambda i, m: i % 7)
    bad = block(lux, list(range(300)), lambda i, m: 40.0)
    bad["dataArray"][217][0] = bad["dataArray"][217][0][:19]  # no zone
    status, body = staff.post("/CreateObservations", [good, bad])
    assert status == 400 and body["type"] == "error"
    assert f"Datastreams({lux}) row 217" in body["message"]
    assert not Observation.objects.exists()
    assert not HourlyRollup.objects.exists() and not DailyRollup.objects.exists()
    assert not LatestObservation.objects.exists()
    assert not Datastream.objects.filter(phenomenon_time_start__isnull=False).exists()
    # The same rows, corrected, go in whole.
    bad["dataArray"][217][0] += "Z"
    status, body = staff.post("/CreateObservations", [good, bad])
    assert status == 201 and len(body) == 600
    assert Observation.objects.count() == 600


def test_latest_values_read_shows_public_datastreams_only(staff, lights):
    depth, lux = depth_stream(staff, lights[0]), lux_stream(staff, lights[1])
    status, _ = staff.post("/CreateObservations", [
        block(depth, [0, 10], lambda i, m: [4, 6][i]),
        block(lux, [0, 5], lambda i, m: [120.5, 80][i]),
    ])
    assert status == 201
    Datastream.objects.filter(pk=lux).update(access=Access.RESTRICTED)
    response = Sta().client.get("/citydata/latest.json")
    assert response.status_code == 200
    assert response.json() == {"value": [
        {"datastream": depth, "phenomenonTime": "2018-06-14T15:10:00+00:00", "result": 6}]}
