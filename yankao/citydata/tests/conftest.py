"""Fixtures of the city data tests: an HTTP client of /sta/v1.1/ with credentials, and a
small network of street lights made through the API itself (deep insert)."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client, override_settings
from django.utils import translation

from yankao.citydata.models import AccessKey, Thing
from yankao.citydata.services.keys import key_issue
from yankao.core.services.tokens import api_token_create

BASE = "/sta/v1.1"
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


@pytest.fixture(autouse=True)
def _english_and_no_rate_limits():
    with translation.override("en"), override_settings(RATELIMIT_ENABLE=False):
        yield


class Sta:
    """``get``/``post``/``patch``/``put``/``delete`` of /sta/v1.1/ paths, returning
    (status, JSON or text)."""

    def __init__(self, credential: str | None = None, basic: bool = False):
        self.client = Client()
        self.headers = {}
        if credential and basic:
            token = base64.b64encode(f"x:{credential}".encode()).decode()
            self.headers["HTTP_AUTHORIZATION"] = f"Basic {token}"
        elif credential:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {credential}"

    def _answer(self, response):
        body = response.content.decode()
        if response.get("Content-Type", "").startswith("application/json") and body:
            return response.status_code, json.loads(body)
        return response.status_code, body

    def get(self, path: str, **params):
        return self._answer(self.client.get(BASE + path, params, **self.headers))

    def raw(self, method: str, path: str, body, content_type="application/json"):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        response = getattr(self.client, method)(BASE + path, data=data,
                                                content_type=content_type, **self.headers)
        self.last = response
        return self._answer(response)

    def post(self, path, body):
        return self.raw("post", path, body)

    def patch(self, path, body):
        return self.raw("patch", path, body)

    def put(self, path, body):
        return self.raw("put", path, body)

    def delete(self, path):
        response = self.client.delete(BASE + path, **self.headers)
        self.last = response
        return self._answer(response)


def light(number: int, lng: float, lat: float, *, depth: bool = True) -> dict:
    """A street light with illuminance and (optionally) flood-depth datastreams."""
    streams = [{
        "name": f"Light {number} illuminance", "description": "Lux under the lamp",
        "observationType": MEASUREMENT,
        "unitOfMeasurement": {"name": "lux", "symbol": "lx", "definition": "ucum:lx"},
        "Sensor": {"name": f"Lux meter {number}", "description": "Photometer",
                   "encodingType": "application/pdf", "metadata": "https://example.org/lux"},
        "ObservedProperty": {"name": "Illuminance", "definition": "http://qudt.org/illuminance",
                             "description": "Light on the road"},
    }]
    if depth:
        streams.append({
            "name": f"Light {number} flood depth", "description": "Water on the road",
            "observationType": MEASUREMENT,
            "unitOfMeasurement": {"name": "centimetre", "symbol": "cm", "definition": "ucum:cm"},
            "Sensor": {"name": f"Ultrasonic gauge {number}", "description": "Depth gauge",
                       "encodingType": "application/pdf", "metadata": "https://example.org/d"},
            "ObservedProperty": {"name": "Flood depth", "definition": "http://example.org/depth",
                                 "description": "Water depth on the road surface"},
        })
    return {
        "name": f"Street light {number}", "description": f"Smart street light no. {number}",
        "properties": {"road": "臨海二路", "number": number, "address": f"臨海二路{number}號"},
        "Locations": [{"name": f"Pole {number}", "description": "Lamp post",
                       "encodingType": "application/geo+json",
                       "location": {"type": "Point", "coordinates": [lng, lat]}}],
        "Datastreams": streams,
    }


@pytest.fixture
def staff_token(evaluator):
    _token, raw = api_token_create(actor=evaluator, user=evaluator, name="sta tests")
    return raw


@pytest.fixture
def staff(staff_token):
    return Sta(staff_token)


@pytest.fixture
def public():
    return Sta()


@pytest.fixture
def lights(staff):
    """Three lights in 哈瑪星 made by deep insert; returns their Thing ids."""
    ids = []
    for number, (lng, lat) in enumerate(
            [(120.2695, 22.6218), (120.2710, 22.6225), (120.2740, 22.6240)], start=1):
        status, body = staff.post("/Things", light(number, lng, lat, depth=number != 3))
        assert status == 201, body
        ids.append(body["@iot.id"])
    return ids


@pytest.fixture
def sensor_key(lights):
    thing = Thing.objects.get(pk=lights[0])
    _key, raw = key_issue(actor=None, name="light 1", kind=AccessKey.Kind.SENSOR, thing=thing,
                          rate_per_minute=1000)
    return raw
