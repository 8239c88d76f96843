"""A SensorThings client from PyPI (frost-sta-client, unmodified) against the live server:
deep insert, queries with filters and expansion, paging, the data array extension,
updates and deletes, over real HTTP."""

from __future__ import annotations

import datetime as dt

import frost_sta_client as fsc
import geojson
import pytest
import requests

from yankao.citydata.models import HourlyRollup, Observation
from yankao.citydata.tests.conftest import MEASUREMENT


@pytest.fixture
def service(live_server, staff_token):
    # The client only speaks HTTP Basic: the token goes as the password.
    return fsc.SensorThingsService(f"{live_server.url}/sta/v1.1",
                                   auth_handler=fsc.AuthHandler(username="staff",
                                                                password=staff_token))


def a_light(number: int) -> fsc.Thing:
    location = fsc.Location(name=f"Pole {number}", description="Lamp post",
                            encoding_type="application/geo+json",
                            location=geojson.Point((120.269 + number / 1000, 22.622)))
    datastream = fsc.Datastream(
        name=f"Light {number} PM2.5", description="Fine particles at the lamp",
        observation_type=MEASUREMENT,
        unit_of_measurement=fsc.UnitOfMeasurement(name="microgram per cubic metre",
                                                  symbol="µg/m³", definition="ucum:ug/m3"),
        sensor=fsc.Sensor(name=f"PM sensor {number}", description="Optical counter",
                          encoding_type="application/pdf", metadata="https://example.org/pm"),
        observed_property=fsc.ObservedProperty(name="PM2.5",
                                               definition="http://example.org/pm25",
                                               description="Fine particulate matter"))
    return fsc.Thing(name=f"Street light {number}", description="Smart street light",
                     properties={"road": "鼓山一路"}, locations=[location],
                     datastreams=[datastream])


@pytest.mark.django_db(transaction=True)
def test_client_round_trip(service, live_server, settings):
    settings.RATELIMIT_ENABLE = False
    for number in (1, 2):
        service.create(a_light(number))
    things = service.things().query().filter("startswith(name, 'Street')").expand(
        "Datastreams($expand=ObservedProperty),Locations").orderby("name", "ASC").list()
    names = [thing.name for thing in things]
    assert names == ["Street light 1", "Street light 2"]
    first = things.entities[0]
    datastream = first.datastreams.entities[0]
    assert datastream.observed_property.name == "PM2.5"

    start = dt.datetime(2018, 3, 1, tzinfo=dt.UTC)
    document = fsc.DataArrayDocument()
    value = fsc.DataArrayValue()
    value.datastream = datastream
    value.components = {fsc.DataArrayValue.Property.PHENOMENON_TIME,
                        fsc.DataArrayValue.Property.RESULT}
    for minute in range(0, 150, 10):
        value.add_observation(fsc.Observation(
            phenomenon_time=(start + dt.timedelta(minutes=minute)).isoformat(),
            result=float(minute), datastream=datastream))
    document.add_data_array_value(value)
    created = service.observations().create(document)
    assert len(created) == 15
    assert Observation.objects.count() == 15
    assert HourlyRollup.objects.filter(datastream_id=datastream.id).count() == 3

    observations = service.observations().query().filter(
        f"Datastream/id eq {datastream.id} and result ge 100").orderby(
        "phenomenonTime", "ASC").list()
    assert [o.result for o in observations] == [100, 110, 120, 130, 140]

    single = fsc.Observation(phenomenon_time="2018-03-01T03:00:00Z", result=7.5,
                             datastream=datastream)
    service.create(single)
    fetched = service.observations().find(single.id)
    assert fetched.result == 7.5

    first.description = "Renewed"
    service.update(first)
    assert service.things().find(first.id).description == "Renewed"

    service.delete(first)
    assert [t.name for t in service.things().query().list()] == ["Street light 2"]
    assert not Observation.objects.filter(datastream_id=datastream.id).exists()


@pytest.mark.django_db(transaction=True)
def test_client_sees_errors_as_http_errors(service, settings):
    settings.RATELIMIT_ENABLE = False
    with pytest.raises(requests.HTTPError) as raised:
        service.things().query().filter("name eq").list()
    assert raised.value.response.status_code == 400
    assert raised.value.response.json()["type"] == "error"
