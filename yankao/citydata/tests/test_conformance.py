"""Conformance of /sta/v1.1/ with OGC 18-088, one class per conformance class of Annex A:
A.1 Sensing Core (data model, resource paths), A.2 Filtering Extension (request data),
A.3 Create-Update-Delete, A.6 Data Array extension. Every test goes through HTTP."""

from __future__ import annotations

import pytest

from yankao.citydata.models import HistoricalLocation, Observation
from yankao.citydata.tests.conftest import MEASUREMENT

pytestmark = pytest.mark.django_db

ENTITY_SETS = ["Things", "Locations", "HistoricalLocations", "Datastreams", "Sensors",
               "ObservedProperties", "Observations", "FeaturesOfInterest"]
REQUIRED = {  # Tables 1-16 of §8.2: the properties every entity carries
    "Things": {"name", "description"},
    "Locations": {"name", "description", "encodingType", "location"},
    "HistoricalLocations": {"time"},
    "Datastreams": {"name", "description", "unitOfMeasurement", "observationType"},
    "Sensors": {"name", "description", "encodingType", "metadata"},
    "ObservedProperties": {"name", "definition", "description"},
    "Observations": {"phenomenonTime", "result", "resultTime"},
    "FeaturesOfInterest": {"name", "description", "encodingType", "feature"},
}
NAVIGATION = {
    "Things": {"Locations", "HistoricalLocations", "Datastreams"},
    "Locations": {"Things", "HistoricalLocations"},
    "HistoricalLocations": {"Thing", "Locations"},
    "Datastreams": {"Thing", "Sensor", "ObservedProperty", "Observations"},
    "Sensors": {"Datastreams"},
    "ObservedProperties": {"Datastreams"},
    "Observations": {"Datastream", "FeatureOfInterest"},
    "FeaturesOfInterest": {"Observations"},
}


def depth_stream(staff, thing_id: int) -> int:
    status, body = staff.get(f"/Things({thing_id})/Datastreams",
                             **{"$filter": "ObservedProperty/name eq 'Flood depth'"})
    assert status == 200, body
    return body["value"][0]["@iot.id"]


def lux_stream(staff, thing_id: int) -> int:
    _status, body = staff.get(f"/Things({thing_id})/Datastreams",
                             **{"$filter": "ObservedProperty/name eq 'Illuminance'"})
    return body["value"][0]["@iot.id"]


@pytest.fixture
def readings(staff, lights):
    """Flood depth of light 1: 0, 2, …, 22 cm every 10 minutes from 2018-06-14 15:00+08."""
    ds = depth_stream(staff, lights[0])
    rows = [[f"2018-06-14T{15 + i // 6:02d}:{i % 6 * 10:02d}:00+08:00", i * 2]
            for i in range(12)]
    status, body = staff.post("/CreateObservations", [
        {"Datastream": {"@iot.id": ds}, "components": ["phenomenonTime", "result"],
         "dataArray": rows}])
    assert status == 201, body
    return ds


# --- A.1 Sensing Core ---------------------------------------------------------------------


class TestSensingCore:
    def test_service_root_lists_entity_sets_and_conformance(self, public):
        status, body = public.get("/")
        assert status == 200
        assert [item["name"] for item in body["value"]] == ENTITY_SETS
        assert all(item["url"].endswith("/sta/v1.1/" + item["name"]) for item in body["value"])
        conformance = body["serverSettings"]["conformance"]
        assert "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data" in conformance
        assert ("http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array"
                in conformance)

    def test_every_entity_has_id_self_link_properties_and_navigation(self, public, readings):
        for entity_set in ENTITY_SETS:
            status, body = public.get(f"/{entity_set}")
            assert status == 200, (entity_set, body)
            assert body["value"], entity_set
            entity = body["value"][0]
            assert isinstance(entity["@iot.id"], int)
            assert entity["@iot.selfLink"].endswith(f"/{entity_set}({entity['@iot.id']})")
            assert REQUIRED[entity_set] <= set(entity), entity_set
            links = {k.split("@")[0] for k in entity if k.endswith("@iot.navigationLink")}
            assert links == NAVIGATION[entity_set], entity_set
            for name in links:
                status, _ = public.get(
                    entity[f"{name}@iot.navigationLink"].split("/sta/v1.1")[1])
                assert status == 200, (entity_set, name)

    def test_entity_property_and_raw_value(self, public, lights):
        status, body = public.get(f"/Things({lights[0]})")
        assert status == 200 and body["name"] == "Street light 1"
        status, body = public.get(f"/Things({lights[0]})/name")
        assert (status, body) == (200, {"name": "Street light 1"})
        status, body = public.get(f"/Things({lights[0]})/name/$value")
        assert (status, body) == (200, "Street light 1")

    def test_navigation_to_one_many_and_chained(self, public, readings):
        status, body = public.get(f"/Datastreams({readings})/Thing")
        assert status == 200 and body["name"] == "Street light 1"
        status, body = public.get(f"/Datastreams({readings})/Observations")
        assert status == 200 and len(body["value"]) == 12
        observation = body["value"][0]["@iot.id"]
        status, body = public.get(f"/Observations({observation})/Datastream/Thing/Locations")
        assert status == 200 and body["value"][0]["name"] == "Pole 1"

    def test_ref_lists_self_links(self, public, lights):
        status, body = public.get("/Things/$ref")
        assert status == 200
        assert {"@iot.selfLink"} == set(body["value"][0])
        status, body = public.get(f"/Datastreams({depth_stream(public, lights[0])})/Thing/$ref")
        assert status == 200 and body["@iot.selfLink"].endswith(f"/Things({lights[0]})")

    @pytest.mark.parametrize("path", ["/Things(999999)", "/Nothings", "/Things(1)/Nothing",
                                      "/Things(999999)/Datastreams"])
    def test_missing_is_404_with_error_body(self, public, lights, path):
        status, body = public.get(path)
        assert status == 404
        assert body["code"] == 404 and body["type"] == "error" and body["message"]

    def test_historical_location_made_with_thing(self, public, lights):
        status, body = public.get(f"/Things({lights[0]})/HistoricalLocations",
                                  **{"$expand": "Locations"})
        assert status == 200 and len(body["value"]) == 1
        assert body["value"][0]["Locations"][0]["name"] == "Pole 1"

    def test_datastream_phenomenon_time_spans_its_observations(self, public, readings):
        _status, body = public.get(f"/Datastreams({readings})/phenomenonTime")
        assert body["phenomenonTime"] == "2018-06-14T07:00:00Z/2018-06-14T08:50:00Z"


# --- A.2 Filtering extension (request data) ---------------------------------------------


def ids(body) -> list[int]:
    return [e["@iot.id"] for e in body["value"]]


def results(body) -> list:
    return [e["result"] for e in body["value"]]


class TestRequestData:
    def test_select(self, public, lights):
        status, body = public.get("/Things", **{"$select": "id,name"})
        assert status == 200
        assert set(body["value"][0]) == {"@iot.id", "name"}

    def test_expand_nested_with_options(self, public, readings, lights):
        status, body = public.get(f"/Things({lights[0]})", **{
            "$expand": "Datastreams($filter=ObservedProperty/name eq 'Flood depth';"
                       "$expand=Observations($orderby=result desc;$top=2;$select=result))"})
        assert status == 200, body
        (stream,) = body["Datastreams"]
        assert [o["result"] for o in stream["Observations"]] == [22, 20]
        assert "Observations@iot.nextLink" in stream

    def test_expand_path_form(self, public, readings):
        status, body = public.get("/Things", **{"$expand": "Datastreams/ObservedProperty"})
        assert status == 200
        assert body["value"][0]["Datastreams"][0]["ObservedProperty"]["name"]

    def test_top_skip_count_and_next_link(self, public, readings):
        status, body = public.get(f"/Datastreams({readings})/Observations",
                                  **{"$top": "5", "$skip": "5", "$count": "true",
                                     "$orderby": "phenomenonTime"})
        assert status == 200
        assert body["@iot.count"] == 12
        assert results(body) == [10, 12, 14, 16, 18]
        link = body["@iot.nextLink"].split("/sta/v1.1")[1]
        status, page = public.get(link)
        assert results(page) == [20, 22] and "@iot.nextLink" not in page

    def test_orderby_several_and_descending(self, public, lights):
        _status, body = public.get("/Datastreams", **{"$orderby": "ObservedProperty/name desc,id"})
        names = [public.get(f"/Datastreams({i})/ObservedProperty")[1]["name"] for i in ids(body)]
        assert names == sorted(names, reverse=True)

    @pytest.mark.parametrize("expression,expected", [
        ("result eq 4", [4]),
        ("result ne 0 and result lt 6", [2, 4]),
        ("result ge 20 or result le 0", [0, 20, 22]),
        ("not (result gt 2)", [0, 2]),
        ("result add 2 eq 6", [4]),
        ("result sub 2 eq 6", [8]),
        ("result mul 2 eq 8", [4]),
        ("result div 4 eq 5", [20]),
        ("result mod 10 eq 2", [2, 12, 22]),
        ("round(result div 3) eq 7", [20, 22]),
        ("floor(result div 3) eq 7", [22]),
        ("ceiling(result div 3) eq 1", [2]),
        ("-result lt -20", [22]),
        ("phenomenonTime ge 2018-06-14T08:40:00Z", [20, 22]),
        ("phenomenonTime lt 2018-06-14T15:20:00+08:00", [0, 2]),
        ("hour(phenomenonTime) eq 8 and minute(phenomenonTime) eq 50", [22]),
        ("year(phenomenonTime) eq 2018 and month(phenomenonTime) eq 6 and "
         "day(phenomenonTime) eq 14 and second(phenomenonTime) eq 0 and result eq 0", [0]),
        ("fractionalseconds(phenomenonTime) eq 0 and result eq 2", [2]),
        ("date(phenomenonTime) eq date(2018-06-14T00:00:00Z) and result lt 4", [0, 2]),
        ("mindatetime(phenomenonTime) eq maxdatetime(phenomenonTime) and result eq 6", [6]),
        ("totaloffsetminutes(phenomenonTime) eq 0 and result eq 8", [8]),
        ("phenomenonTime lt now() and result eq 10", [10]),
        ("Datastream/Thing/name eq 'Street light 1' and result eq 12", [12]),
    ])
    def test_filter_operators_and_functions(self, public, readings, expression, expected):
        status, body = public.get(f"/Datastreams({readings})/Observations",
                                  **{"$filter": expression, "$orderby": "result"})
        assert status == 200, body
        assert results(body) == expected

    @pytest.mark.parametrize("expression,expected", [
        ("substringof('light 1', name)", ["Street light 1"]),
        ("startswith(name, 'Street') and endswith(name, '2')", ["Street light 2"]),
        ("length(name) eq 14 and indexof(name, 'light') eq 7", ["Street light 1",
                                                                 "Street light 2",
                                                                 "Street light 3"]),
        ("substring(name, 13) eq '3'", ["Street light 3"]),
        ("substring(name, 0, 6) eq 'Street' and properties/number eq 2", ["Street light 2"]),
        ("tolower(name) eq 'street light 1'", ["Street light 1"]),
        ("toupper(name) eq 'STREET LIGHT 2'", ["Street light 2"]),
        ("trim(concat(' ', name)) eq 'Street light 3'", ["Street light 3"]),
        ("properties/road eq '臨海二路' and properties/number gt 2", ["Street light 3"]),
        ("startswith(name, 'Street') eq false", []),
    ])
    def test_filter_string_functions(self, public, lights, expression, expected):
        status, body = public.get("/Things", **{"$filter": expression, "$orderby": "name"})
        assert status == 200, body
        assert [t["name"] for t in body["value"]] == expected

    @pytest.mark.parametrize("expression,expected", [
        ("st_within(location, geography'POLYGON((120.26 22.62, 120.272 22.62, 120.272 22.63, "
         "120.26 22.63, 120.26 22.62))')", ["Pole 1", "Pole 2"]),
        ("st_intersects(location, geography'LINESTRING(120.2695 22.60, 120.2695 22.63)')",
         ["Pole 1"]),
        ("geo.intersects(location, geography'POLYGON((120.273 22.62, 120.275 22.62, "
         "120.275 22.63, 120.273 22.63, 120.273 22.62))')", ["Pole 3"]),
        ("st_contains(geography'POLYGON((120.26 22.62, 120.28 22.62, 120.28 22.63, "
         "120.26 22.63, 120.26 22.62))', location)", ["Pole 1", "Pole 2", "Pole 3"]),
        ("st_disjoint(location, geography'POINT(120.2695 22.6218)')", ["Pole 2", "Pole 3"]),
        ("st_equals(location, geography'POINT(120.271 22.6225)')", ["Pole 2"]),
        ("st_touches(location, geography'LINESTRING(120.271 22.6225, 120.28 22.63)')",
         ["Pole 2"]),
        ("st_overlaps(location, geography'POINT(120.271 22.6225)')", []),
        ("st_crosses(location, geography'LINESTRING(120.26 22.62, 120.28 22.63)')", []),
        ("st_relate(location, geography'POINT(120.274 22.624)', 'T********')", ["Pole 3"]),
        ("geo.distance(location, geography'POINT(120.2695 22.6218)') lt 0.002", ["Pole 1",
                                                                                 "Pole 2"]),
        ("geo.distance(location, geography'POINT(120.2695 22.6218)') gt 0.002", ["Pole 3"]),
        ("geo.length(location) eq 0 and name eq 'Pole 1'", ["Pole 1"]),
        ("not st_within(location, geography'POLYGON((120.26 22.62, 120.272 22.62, "
         "120.272 22.63, 120.26 22.63, 120.26 22.62))')", ["Pole 3"]),
    ])
    def test_filter_geospatial_functions(self, public, lights, expression, expected):
        status, body = public.get("/Locations", **{"$filter": expression, "$orderby": "name"})
        assert status == 200, body
        assert [loc["name"] for loc in body["value"]] == expected

    def test_geospatial_filter_through_navigation(self, public, readings):
        status, body = public.get("/Observations", **{
            "$filter": "st_within(FeatureOfInterest/feature, geography'POLYGON((120.26 22.62, "
                       "120.27 22.62, 120.27 22.63, 120.26 22.63, 120.26 22.62))') "
                       "and result ge 20"})
        assert status == 200, body
        assert sorted(results(body)) == [20, 22]


# --- A.3 Create-Update-Delete ------------------------------------------------------------


class TestCreateUpdateDelete:
    def test_create_each_entity_with_links(self, staff, lights):
        status, thing = staff.post("/Things", {"name": "Gauge", "description": "A gauge"})
        assert status == 201 and staff.last["Location"].endswith(f"/Things({thing['@iot.id']})")
        status, location = staff.post(f"/Things({thing['@iot.id']})/Locations", {
            "name": "Gauge site", "description": "Bridge", "encodingType":
            "application/geo+json", "location": {"type": "Point", "coordinates": [120.27, 22.62]}})
        assert status == 201, location
        status, sensor = staff.post("/Sensors", {"name": "S", "description": "d",
                                                 "encodingType": "text/html", "metadata": "m"})
        status, prop = staff.post("/ObservedProperties", {
            "name": "Water level", "definition": "http://example.org/level", "description": "d"})
        status, stream = staff.post("/Datastreams", {
            "name": "Level", "description": "d", "observationType": MEASUREMENT,
            "unitOfMeasurement": {"name": "m", "symbol": "m", "definition": "ucum:m"},
            "Thing": {"@iot.id": thing["@iot.id"]}, "Sensor": {"@iot.id": sensor["@iot.id"]},
            "ObservedProperty": {"@iot.id": prop["@iot.id"]}})
        assert status == 201, stream
        status, feature = staff.post("/FeaturesOfInterest", {
            "name": "River", "description": "d", "encodingType": "application/geo+json",
            "feature": {"type": "Point", "coordinates": [120.27, 22.62]}})
        assert status == 201, feature
        status, observation = staff.post(f"/Datastreams({stream['@iot.id']})/Observations", {
            "phenomenonTime": "2018-06-14T10:00:00Z", "result": 1.25,
            "FeatureOfInterest": {"@iot.id": feature["@iot.id"]}})
        assert status == 201, observation
        status, body = staff.get(f"/Observations({observation['@iot.id']})/FeatureOfInterest")
        assert body["name"] == "River"
        assert HistoricalLocation.objects.filter(thing_id=thing["@iot.id"]).count() == 1

    def test_observation_without_feature_gets_the_location(self, staff, lights):
        ds = depth_stream(staff, lights[1])
        status, first = staff.post("/Observations", {"Datastream": {"@iot.id": ds},
                                                     "result": 1})
        status, second = staff.post("/Observations", {"Datastream": {"@iot.id": ds},
                                                      "result": 2})
        assert status == 201
        a = staff.get(f"/Observations({first['@iot.id']})/FeatureOfInterest")[1]
        b = staff.get(f"/Observations({second['@iot.id']})/FeatureOfInterest")[1]
        assert a["@iot.id"] == b["@iot.id"] and a["feature"]["coordinates"] == [120.271, 22.6225]

    def test_patch_put_and_links(self, staff, lights):
        status, body = staff.patch(f"/Things({lights[0]})", {"description": "Renewed lamp"})
        assert status == 200 and body["description"] == "Renewed lamp"
        assert body["name"] == "Street light 1"
        status, body = staff.put(f"/Things({lights[0]})", {"name": "Light A",
                                                           "description": "Put"})
        assert status == 200 and body["properties"] is None
        status, body = staff.put(f"/Things({lights[0]})", {"name": "Only a name"})
        assert status == 400
        location = staff.get(f"/Things({lights[1]})/Locations")[1]["value"][0]["@iot.id"]
        status, _ = staff.post(f"/Things({lights[0]})/Locations/$ref", {"@iot.id": location})
        assert status == 204
        status, body = staff.get(f"/Things({lights[0]})/Locations/$ref")
        assert len(body["value"]) == 2
        status, _ = staff.delete(f"/Things({lights[0]})/Locations({location})/$ref")
        assert status == 204
        assert len(staff.get(f"/Things({lights[0]})/Locations")[1]["value"]) == 1

    def test_patch_observation_updates_rollups(self, staff, readings):
        observations = staff.get(f"/Datastreams({readings})/Observations",
                                 **{"$filter": "result eq 22"})[1]
        pk = observations["value"][0]["@iot.id"]
        status, body = staff.patch(f"/Observations({pk})", {"result": 30})
        assert status == 200 and body["result"] == 30
        from yankao.citydata.models import HourlyRollup, LatestObservation
        hour = HourlyRollup.objects.get(datastream_id=readings,
                                        hour="2018-06-14T08:00:00Z")
        assert (hour.count, hour.maximum, hour.total) == (6, 30, 12 + 14 + 16 + 18 + 20 + 30)
        assert LatestObservation.objects.get(datastream_id=readings).result_number == 30

    def test_delete_cascades(self, staff, readings, lights):
        status, _ = staff.delete(f"/Things({lights[0]})")
        assert status == 200
        assert staff.get(f"/Datastreams({readings})")[0] == 404
        assert not Observation.objects.filter(datastream_id=readings).exists()
        status, _body = staff.delete(f"/Things({lights[0]})")
        assert status == 404


# --- A.6 Data Array extension --------------------------------------------------------


class TestDataArray:
    def test_create_observations_returns_self_links(self, staff, lights):
        ds = depth_stream(staff, lights[1])
        status, body = staff.post("/CreateObservations", [{
            "Datastream": {"@iot.id": ds},
            "components": ["phenomenonTime", "result", "resultTime", "parameters"],
            "dataArray@iot.count": 2,
            "dataArray": [["2018-06-14T10:00:00Z", 3, "2018-06-14T10:00:05Z", {"batt": 98}],
                          ["2018-06-14T10:10:00Z", 4, None, None]]}])
        assert status == 201
        assert len(body) == 2 and all("/Observations(" in link for link in body)
        first = staff.get(body[0].split("/sta/v1.1")[1])[1]
        assert first["resultTime"] == "2018-06-14T10:00:05Z"
        assert first["parameters"] == {"batt": 98}

    def test_result_format_data_array(self, public, readings):
        status, body = public.get(f"/Datastreams({readings})/Observations", **{
            "$resultFormat": "dataArray", "$select": "id,phenomenonTime,result",
            "$orderby": "phenomenonTime", "$top": "3"})
        assert status == 200, body
        (block,) = body["value"]
        assert block["components"] == ["id", "phenomenonTime", "result"]
        assert block["dataArray@iot.count"] == 3
        assert [row[2] for row in block["dataArray"]] == [0, 2, 4]
        assert block["Datastream@iot.navigationLink"].endswith(f"/Datastreams({readings})")
        assert "@iot.nextLink" in body
