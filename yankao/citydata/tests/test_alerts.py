"""Alerts that become dispatch cases: a simulated flood, sent through CreateObservations,
opens exactly one service-desk case per episode, and the episode closes once the readings
have stayed normal for the rule's recovery time."""

from __future__ import annotations

import datetime as dt

import pytest

from yankao.citydata.models import AlertEpisode, AlertRule, Datastream, ObservedProperty
from yankao.citydata.services.alerts import episode_cases_open
from yankao.citydata.tests.test_conformance import depth_stream, lux_stream
from yankao.servicedesk.catalogue import catalogue_seed
from yankao.servicedesk.models import Case

pytestmark = pytest.mark.django_db
START = dt.datetime(2018, 8, 23, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def category(name_zh: str) -> str:
    from yankao.servicedesk.models import Category

    return Category.objects.filter(name_zh__contains=name_zh, parent__isnull=False,
                                   active=True).order_by("code").first().code


@pytest.fixture
def desk(city):
    catalogue_seed(actor=None)


@pytest.fixture
def flood_rule(desk, lights, staff):
    prop = Datastream.objects.get(pk=depth_stream(staff, lights[0])).observed_property
    return AlertRule.objects.create(
        name="Road flooding 10 cm", observed_property=prop, kind=AlertRule.Kind.ABOVE,
        threshold=10, recovery_minutes=60, category_code=category("暴雨積水"))


def send(staff, datastream: int, depths: list[float], start=START, step=10):
    rows = [[(start + dt.timedelta(minutes=step * i)).isoformat(), depth]
            for i, depth in enumerate(depths)]
    status, body = staff.post("/CreateObservations", [{
        "Datastream": {"@iot.id": datastream}, "components": ["phenomenonTime", "result"],
        "dataArray": rows}])
    assert status == 201, body


def sensor_cases():
    return list(Case.objects.filter(channel="sensor").order_by("registered_at"))


def test_flood_opens_one_case_and_closes_after_recovery(
        staff, lights, flood_rule, django_capture_on_commit_callbacks):
    ds = depth_stream(staff, lights[0])
    with django_capture_on_commit_callbacks(execute=True):
        send(staff, ds, [0, 4, 12, 18, 25, 31])  # 14:00 – 14:50, breaches from 14:20
    with django_capture_on_commit_callbacks(execute=True):
        # Still flooded in later batches: the same episode, no new case.
        send(staff, ds, [33, 28, 9, 12, 8], start=START + dt.timedelta(hours=1))
    (case,) = sensor_cases()
    episode = AlertEpisode.objects.get()
    assert episode.closed_at is None and episode.peak == 33
    assert episode.case_number == case.number
    assert case.category.code == flood_rule.category_code
    assert case.kind == "dispatch" and case.agency is not None  # routed at once (派工)
    assert (float(case.latitude), float(case.longitude)) == (22.6218, 120.2695)
    assert case.attributes["datastream"] == ds
    assert f"Datastreams({ds})" in case.description and f"Datastreams({ds})" in case.media_url
    assert case.registered_at == START + dt.timedelta(minutes=20)
    with django_capture_on_commit_callbacks(execute=True):
        # Normal from 15:40: the episode closes an hour after the last breach (15:30).
        send(staff, ds, [6, 4, 2, 1, 0, 0, 0], start=START + dt.timedelta(minutes=100))
    episode.refresh_from_db()
    assert episode.closed_at == START + dt.timedelta(minutes=150)
    assert len(sensor_cases()) == 1


def test_a_second_flood_is_a_second_episode_and_case(
        staff, lights, flood_rule, django_capture_on_commit_callbacks):
    ds = depth_stream(staff, lights[0])
    with django_capture_on_commit_callbacks(execute=True):
        send(staff, ds, [15, 20, 5, 5, 5, 5, 5, 5, 5, 22, 24])
    episodes = list(AlertEpisode.objects.order_by("opened_at"))
    assert len(episodes) == 2
    assert episodes[0].closed_at == START + dt.timedelta(minutes=70)
    assert episodes[1].closed_at is None
    assert [c.number for c in sensor_cases()] == [e.case_number for e in episodes]


def test_case_opening_is_idempotent(staff, lights, flood_rule,
                                    django_capture_on_commit_callbacks):
    ds = depth_stream(staff, lights[0])
    send(staff, ds, [30])  # the after-commit step never ran (a crash, say)
    episode = AlertEpisode.objects.get()
    assert episode.case_number == "" and not sensor_cases()
    assert episode_cases_open() == 1
    AlertEpisode.objects.filter(pk=episode.pk).update(case_number="")  # lost the link
    assert episode_cases_open() == 1  # the service desk returns the same case
    assert len(sensor_cases()) == 1


def test_refused_readings_open_nothing(staff, lights, flood_rule):
    ds = depth_stream(staff, lights[0])
    status, _ = staff.post("/CreateObservations", [{
        "Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"],
        "dataArray": [["2018-08-23T14:00:00+08:00", 40], ["2018-08-23T14:10:00", 41]]}])
    assert status == 400
    assert not AlertEpisode.objects.exists() and not sensor_cases()


def test_rise_rule(staff, lights, desk, django_capture_on_commit_callbacks):
    ds = depth_stream(staff, lights[1])
    prop = Datastream.objects.get(pk=ds).observed_property
    AlertRule.objects.create(name="Water rising fast", observed_property=prop,
                             kind=AlertRule.Kind.RISE, threshold=8, window_minutes=20,
                             recovery_minutes=30, category_code=category("暴雨積水"))
    with django_capture_on_commit_callbacks(execute=True):
        send(staff, ds, [0, 1, 2, 3])  # slow: no alert
        send(staff, ds, [6, 11], start=START + dt.timedelta(minutes=40))  # +8 in 20 min
    episode = AlertEpisode.objects.get()
    assert episode.opened_at == START + dt.timedelta(minutes=50)
    assert len(sensor_cases()) == 1


def test_light_out_at_night(staff, lights, desk, django_capture_on_commit_callbacks):
    ds = lux_stream(staff, lights[2])
    prop = ObservedProperty.objects.get(datastreams=ds)
    AlertRule.objects.create(name="Street light out", observed_property=prop,
                             kind=AlertRule.Kind.BELOW_AT_NIGHT, threshold=5,
                             recovery_minutes=120, category_code=category("路燈故障"))
    noon = dt.datetime(2018, 8, 23, 12, 0, tzinfo=START.tzinfo)
    evening = dt.datetime(2018, 8, 23, 19, 0, tzinfo=START.tzinfo)
    with django_capture_on_commit_callbacks(execute=True):
        send(staff, ds, [0, 0, 0], start=noon, step=60)  # dark at noon: lamps are off
        assert not AlertEpisode.objects.exists()
        send(staff, ds, [30, 0, 1, 0], start=evening, step=60)  # out from 20:00
    episode = AlertEpisode.objects.get()
    assert episode.opened_at == evening + dt.timedelta(hours=1)
    (case,) = sensor_cases()
    assert "路燈" in case.category.name_zh
