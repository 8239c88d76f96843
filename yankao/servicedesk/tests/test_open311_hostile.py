# ruff: noqa: S314 - these tests parse the XML our own server wrote
"""Open311 under hostile input (issue #11, findings 2 and 3): whatever a client sends, the
answer is the spec's errors document in the format asked for, never a 500, an HTML page or
an empty body, and the public XML stays parseable for every other client."""

import json
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test import Client

from yankao.core.models import AuditEvent, PersonalContact
from yankao.servicedesk.models import Case
from yankao.servicedesk.tests.test_open311 import BASE, post_body

pytestmark = pytest.mark.django_db


def assert_errors_document(response, fmt: str, status: int) -> list:
    assert response.status_code == status, response.content[:300]
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        body = json.loads(response.content)
        assert isinstance(body, list) and body and {"code", "description"} <= set(body[0])
        return body
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/description") is not None
    return [{"code": e.findtext("code"), "description": e.findtext("description")}
            for e in root.findall("error")]


@pytest.mark.parametrize("description", ["a\x0bb\x1bc", "\x00\x01\x0b\x1f壞掉的路燈\x7f"])
def test_control_characters_never_break_the_public_xml(client, pothole, api_key, description):
    response = client.post(f"{BASE}/requests.json",
                           post_body(pothole, api_key=api_key, description=description))
    assert response.status_code == 200, response.content
    feed = client.get(f"{BASE}/requests.xml")
    root = ET.fromstring(feed.content)  # parses: the finding was that it did not
    stored = Case.objects.get().description
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in stored)
    assert root.findtext("request/description") == stored


def test_the_citizen_form_cleans_control_characters_too(client, pothole):
    client.post("/report/", {"category": pothole.pk, "description": "a\x0bb\x1bc",
                             "address": "高雄市苓雅區四維三路2號"})
    for case in Case.objects.all():
        assert "\x1b" not in case.description and "\x0b" not in case.description
    ET.fromstring(client.get(f"{BASE}/requests.xml").content)


def test_text_that_reached_the_database_otherwise_is_cleaned_on_the_way_out(
        client, pothole, api_key):
    client.post(f"{BASE}/requests.json", post_body(pothole, api_key=api_key))
    # (PostgreSQL cannot hold NUL at all, so only SQLite's rows can carry one)
    nul = "\x00" if connection.vendor == "sqlite" else ""
    Case.objects.update(description=f"imported\x1b{nul} text\x0b", address="路\x08口")
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert root.findtext("request/description") == "imported text"
    assert root.findtext("request/address") == "路口"


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("email", ["not-an-email", "a" * 290 + "@example.org"])
def test_a_bad_email_is_a_400_and_nothing_is_written(client, pothole, api_key, fmt, email):
    events = AuditEvent.objects.count()
    response = client.post(f"{BASE}/requests.{fmt}",
                           post_body(pothole, api_key=api_key, email=email))
    errors = assert_errors_document(response, fmt, 400)
    assert "email" in errors[0]["description"]
    assert not Case.objects.exists() and not PersonalContact.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("value", [
    "2018-02-30T00:00:00Z", "2018-01-01T25:00:00Z", "2018-01-01T00:00:00+99:00",
    "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "1850-01-01T00:00:00Z",
    "yesterday", "2018-13-01T00:00:00Z",
])
@pytest.mark.parametrize("name", ["start_date", "end_date", "updated_after", "updated_before"])
def test_impossible_dates_are_a_400(client, catalogue, fmt, value, name):
    response = client.get(f"{BASE}/requests.{fmt}", {name: value})
    assert name in assert_errors_document(response, fmt, 400)[0]["description"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bodies_the_server_cannot_read_get_an_errors_document(client, settings, pothole,
                                                              api_key, fmt):
    url = f"{BASE}/requests.{fmt}"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    too_big = client.post(url, f"api_key={api_key}&description={'x' * 5000}",
                          content_type="application/x-www-form-urlencoded")
    assert_errors_document(too_big, fmt, 413)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
    many = client.post(url, "&".join(f"f{i}=1" for i in range(1200)),
                       content_type="application/x-www-form-urlencoded")
    assert_errors_document(many, fmt, 400)
    no_boundary = client.post(url, b"--x\r\n", content_type="multipart/form-data")
    assert_errors_document(no_boundary, fmt, 400)
    big5 = client.generic("POST", url, "description=路燈".encode() + b"\xff\xfe",
                          content_type="application/x-www-form-urlencoded; charset=big5")
    assert big5.status_code in (400, 403)
    assert_errors_document(big5, fmt, big5.status_code)
    unknown_charset = client.generic("POST", url, b"description=x",
                                     content_type="application/x-www-form-urlencoded; "
                                                  "charset=nonsense-8")
    assert_errors_document(unknown_charset, fmt, unknown_charset.status_code)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_method_the_endpoint_does_not_take_is_a_405_document(client, catalogue, fmt):
    for url in (f"{BASE}/requests.{fmt}", f"{BASE}/services.{fmt}"):
        response = client.put(url, b"")
        assert_errors_document(response, fmt, 405)
        assert "GET" in response["Allow"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_control_characters_in_the_address_are_a_400(catalogue, fmt):
    response = Client().get(f"{BASE}/requests.{fmt}?service_code=%00%1b")
    assert_errors_document(response, fmt, 400)


def test_the_demo_key_is_refused_in_production(client, settings, pothole):
    from yankao.servicedesk.demo import DEMO_OPEN311_KEY
    from yankao.servicedesk.services import open311_client_create

    open311_client_create(actor=None, name="demo", raw_key=DEMO_OPEN311_KEY)
    body = post_body(pothole, api_key=DEMO_OPEN311_KEY)
    settings.YANKAO_PRODUCTION = True
    assert_errors_document(client.post(f"{BASE}/requests.json", body), "json", 403)
    assert not Case.objects.exists()
    settings.YANKAO_PRODUCTION = False
    assert client.post(f"{BASE}/requests.json", body).status_code == 200
