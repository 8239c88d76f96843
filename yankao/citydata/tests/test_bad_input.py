"""Hostile and wrong input: a 400 (or 401/403/413/429) with the error body, and nothing
stored. Also the access tiers and the rate limit per key."""

from __future__ import annotations

import pytest
from django.test import override_settings

from yankao.citydata.models import (
    Access,
    AccessKey,
    Datastream,
    HourlyRollup,
    LatestObservation,
    Observation,
    Thing,
)
from yankao.citydata.services.keys import key_issue, key_revoke
from yankao.citydata.tests.conftest import Sta
from yankao.citydata.tests.test_conformance import depth_stream, lux_stream
from yankao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def nothing_stored():
    return (Observation.objects.count(), HourlyRollup.objects.count(),
            LatestObservation.objects.count()) == (0, 0, 0)


def error(status_body, status=400):
    code, body = status_body
    assert code == status, body
    assert body["code"] == status and body["type"] == "error" and body["message"]
    return body["message"]


@pytest.mark.parametrize("block,needle", [
    ({"Datastream": {"@iot.id": 99999}, "components": ["result"], "dataArray": [[1]]},
     "Datastreams(99999) does not exist"),
    ({"Datastream": {"@iot.id": "DS"}, "components": ["result"], "dataArray": [[1]]},
     "integer"),
    ({"components": ["phenomenonTime", "result"],
      "dataArray": [["2018-06-01T00:00:00Z", "deep"]]}, "Datastream is required"),
    ({"components": ["phenomenonTime", "result"],
      "dataArray": [["2018-06-01T00:00:00Z", "deep"]]}, "not one"),
    ({"components": ["phenomenonTime", "result"],
      "dataArray": [["2018-06-01T00:00:00Z", True]]}, "not one"),
    ({"components": ["phenomenonTime", "result"],
      "dataArray": [["2018-06-01T10:00:00", 3]]}, "no time zone"),
    ({"components": ["phenomenonTime", "result"], "dataArray": [["yesterday", 3]]},
     "Not a valid time"),
    ({"components": ["phenomenonTime", "result", "colour"], "dataArray": [["x", 1, 2]]},
     "unknown component colour"),
    ({"components": ["phenomenonTime", "result"], "dataArray": [["2018-06-01T00:00:00Z"]]},
     "expected 2 values"),
    ({"components": ["phenomenonTime", "result"],
      "dataArray": [["2018-06-01T00:00:00Z", 1], ["2018-06-01T00:10:00Z", None]]},
     "result is required"),
])
def test_bad_data_array_stores_nothing(staff, lights, block, needle):
    if "Datastream" not in block and needle != "Datastream is required":
        block = {"Datastream": {"@iot.id": depth_stream(staff, lights[0])}, **block}
    message = error(staff.post("/CreateObservations", [block]))
    assert needle in message
    assert nothing_stored()


def test_a_good_block_is_not_stored_with_a_bad_one(staff, lights):
    good = {"Datastream": {"@iot.id": depth_stream(staff, lights[0])},
            "components": ["phenomenonTime", "result"],
            "dataArray": [["2018-06-01T00:00:00Z", 1]]}
    bad = {**good, "dataArray": [["2018-06-01T00:00:00", 1]]}
    error(staff.post("/CreateObservations", [good, bad]))
    assert nothing_stored()


@pytest.mark.parametrize("body", [
    {"result": 1, "phenomenonTime": "2018-06-01T00:00:00"},
    {"result": "high"},
    {"result": 1, "Datastream": {"@iot.id": 424242}},
    {"result": 1, "colour": "red"},
    {"phenomenonTime": "2018-06-01T00:00:00Z"},
    {"result": 1, "phenomenonTime": "2018-06-02T00:00:00Z/2018-06-01T00:00:00Z"},
])
def test_bad_observation_stores_nothing(staff, lights, body):
    ds = depth_stream(staff, lights[0])
    body = {"Datastream": {"@iot.id": ds}, **body}
    error(staff.post("/Observations", body))
    assert nothing_stored()


def test_not_json_and_wrong_shapes(staff, lights):
    error(staff.raw("post", "/Things", "{not json"))
    error(staff.post("/Things", [1, 2]))
    error(staff.post("/CreateObservations", {"not": "a list"}))
    error(staff.post("/Things", {"name": "x"}))  # description missing
    assert Thing.objects.count() == 3


@pytest.mark.parametrize("params", [
    {"$filter": "name eq"},
    {"$filter": "name eq 'unclosed"},
    {"$filter": "frobnicate(name) eq 1"},
    {"$filter": "nosuch eq 1"},
    {"$filter": "phenomenonTime gt 2018-06-01T00:00:00"},
    {"$filter": "(" * 60 + "id eq 1" + ")" * 60},
    {"$filter": "name eq 1"},
    {"$orderby": "name sideways"},
    {"$top": "-1"},
    {"$top": "many"},
    {"$count": "yes"},
    {"$select": "colour"},
    {"$expand": "Nowhere"},
    {"$expand": "Datastreams/Observations/FeatureOfInterest/Observations"},
    {"$expand": "Datastreams($expand=Observations($expand=Datastream($expand=Thing)))"},
    {"$bogus": "1"},
    {"$resultFormat": "csv"},
])
def test_bad_query_options(public, lights, params):
    path = "/Things"
    if "phenomenonTime" in params.get("$filter", ""):
        path = "/Observations"
    error(public.get(path, **params))


def test_expand_depth_is_a_setting(public, lights):
    deep = {"$expand": "Datastreams/Observations/FeatureOfInterest"}
    assert public.get("/Things", **deep)[0] == 200
    with override_settings(CITYDATA_MAX_EXPAND_DEPTH=2):
        error(public.get("/Things", **deep))


# --- who may write ------------------------------------------------------------------


def test_anonymous_cannot_write(public, lights):
    status, body = public.post("/Things", {"name": "x", "description": "y"})
    assert status == 401 and body["type"] == "error"
    status, _ = public.post("/CreateObservations", [])
    assert status == 401
    assert Thing.objects.count() == 3


def test_sensor_key_writes_only_its_own_thing(lights, sensor_key, staff):
    sensor = Sta(sensor_key)
    own = depth_stream(staff, lights[0])
    other = depth_stream(staff, lights[1])
    assert sensor.post("/Observations", {"Datastream": {"@iot.id": own}, "result": 5})[0] == 201
    rows = [["2018-06-01T00:00:00Z", 1]]
    status, body = sensor.post("/CreateObservations", [
        {"Datastream": {"@iot.id": own}, "components": ["phenomenonTime", "result"],
         "dataArray": rows},
        {"Datastream": {"@iot.id": other}, "components": ["phenomenonTime", "result"],
         "dataArray": rows}])
    assert status == 403 and body["type"] == "error"
    assert Observation.objects.count() == 1
    assert sensor.post("/Things", {"name": "x", "description": "y"})[0] == 403
    assert sensor.delete(f"/Things({lights[0]})")[0] == 403


def test_http_basic_carries_the_key(lights, sensor_key, staff):
    sensor = Sta(sensor_key, basic=True)
    own = depth_stream(staff, lights[0])
    assert sensor.post("/Observations", {"Datastream": {"@iot.id": own}, "result": 5})[0] == 201


def test_revoked_and_unknown_keys_are_refused(lights, sensor_key, staff):
    key = AccessKey.objects.get()
    key_revoke(actor=None, key=key, reason="stolen")
    status, body = Sta(sensor_key).get("/Things")
    assert status == 401 and "revoked" in body["message"]
    assert Sta("sta_nonsense").get("/Things")[0] == 401
    actions = list(AuditEvent.objects.filter(object_id=str(key.pk),
                                             action__startswith="citydata.key")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["citydata.key.issue", "citydata.key.revoke"]


def test_rate_limit_per_key(lights, staff):
    thing = Thing.objects.get(pk=lights[0])
    _key, raw = key_issue(actor=None, name="tiny", kind=AccessKey.Kind.SENSOR, thing=thing,
                          rate_per_minute=3)
    sensor = Sta(raw)
    own = depth_stream(staff, lights[0])
    with override_settings(RATELIMIT_ENABLE=True):
        codes = [sensor.post("/Observations", {"Datastream": {"@iot.id": own},
                                                "result": i})[0] for i in range(5)]
        assert codes == [201, 201, 201, 429, 429]
        assert staff.get("/Things")[0] == 200  # others are not slowed down
    assert Observation.objects.count() == 3


# --- who may read -------------------------------------------------------------------


@pytest.fixture
def tiers(lights, staff, city):
    keyed = depth_stream(staff, lights[0])
    restricted = depth_stream(staff, lights[1])
    Datastream.objects.filter(pk=keyed).update(access=Access.KEYED)
    Datastream.objects.filter(pk=restricted).update(access=Access.RESTRICTED)
    Datastream.objects.get(pk=restricted).reader_agencies.add(city["water-resources"])
    for ds in (keyed, restricted):
        staff.post("/Observations", {"Datastream": {"@iot.id": ds}, "result": 7,
                                     "phenomenonTime": "2018-06-01T00:00:00Z"})
    return keyed, restricted


def visible(client, path="/Datastreams"):
    return {e["@iot.id"] for e in client.get(path)[1]["value"]}


def test_tiers(tiers, public, staff, lights, city):
    keyed, restricted = tiers
    everything = visible(staff)
    assert {keyed, restricted} <= everything
    assert visible(public) == everything - {keyed, restricted}
    assert public.get(f"/Datastreams({keyed})")[0] == 404
    assert public.get(f"/Datastreams({restricted})/Observations")[0] == 404
    assert not visible(public, "/Observations")
    _k, reader = key_issue(actor=None, name="reader", kind=AccessKey.Kind.READER)
    assert visible(Sta(reader)) == everything - {restricted}
    _k, water = key_issue(actor=None, name="water", kind=AccessKey.Kind.READER,
                          agency=city["water-resources"])
    assert visible(Sta(water)) == everything
    assert len(visible(Sta(water), "/Observations")) == 2
    assert public.get(f"/Things({lights[1]})",
                      **{"$expand": "Datastreams"})[1]["Datastreams"] == [
        {**d} for d in public.get(f"/Things({lights[1]})/Datastreams")[1]["value"]]
    assert lux_stream(public, lights[1]) in visible(public)


def test_oversized_body_is_413(staff, lights):
    ds = depth_stream(staff, lights[0])
    rows = [[f"2018-06-01T00:{i % 60:02d}:00Z", i] for i in range(400)]
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000):
        message = error(staff.post("/CreateObservations", [
            {"Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"],
             "dataArray": rows}]), status=413)
    assert "too large" in message
    assert nothing_stored()


def test_response_size_is_bounded(public, lights):
    with override_settings(CITYDATA_MAX_ENTITIES=5):
        assert public.get("/Things")[0] == 200
        message = error(public.get("/Things", **{"$expand": "Datastreams,Locations"}))
    assert "more than 5 entities" in message
