# ruff: noqa: S314 - these tests parse the XML our own server wrote
"""Open311 GeoReport v2: every endpoint in XML and JSON, the spec's JSON Schemas, errors,
api_key in body, query and Bearer, the extensions, no reporter data, and the real client."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from yankao.core.models import AuditEvent, PersonalContact
from yankao.servicedesk import services
from yankao.servicedesk.demo import DEMO_OPEN311_KEY
from yankao.servicedesk.models import Case
from yankao.servicedesk.tests.conftest import LINGYA, REPORTER_VALUES
from yankao.servicedesk.tests.test_services import by_name, dispatch

pytestmark = pytest.mark.django_db

# The Open311 JSON Schemas, vendored with their origin (specs/open311-georeport-v2/README.md).
SCHEMAS = Path(__file__).resolve().parent / "specs" / "open311-georeport-v2"
BASE = "/open311/v2"


def validate(document, schema_name: str) -> None:
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    registry = Registry()
    for path in SCHEMAS.glob("*.json"):
        if path.name != "swagger.json":
            registry = registry.with_resource(
                path.name, Resource.from_contents(json.loads(path.read_text()),
                                                  default_specification=DRAFT7))
    schema = json.loads((SCHEMAS / schema_name).read_text())
    Draft7Validator(schema, registry=registry,
                    format_checker=Draft7Validator.FORMAT_CHECKER).validate(document)


def post_body(pothole, **extra):
    return {"service_code": pothole.code, "lat": LINGYA[0], "long": LINGYA[1],
            "description": "機車道上有大坑洞", "email": "leak.check@example.org",
            "first_name": "測試員", "last_name": "洩漏", "phone": "0912-345-678",
            "attribute[immediate_danger]": "yes", **extra}


def test_discovery_in_both_formats(client):
    data = client.get(f"{BASE}/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert {"changeset", "contact", "key_service"} <= set(data)
    xml = client.get(f"{BASE}/discovery.xml")
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(xml.content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") \
        is not None


def test_services_and_definition_validate_against_the_schemas(client, pothole):
    services_json = client.get(f"{BASE}/services.json").json()
    validate(services_json, "services.json")
    codes = [service["service_code"] for service in services_json]
    assert pothole.code in codes and all(isinstance(code, str) for code in codes)
    xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert [s.findtext("service_code") for s in xml.findall("service")] == codes
    definition = client.get(f"{BASE}/services/{pothole.code}.json").json()
    validate(definition, "service-definition.json")
    assert definition["attributes"][0]["code"] == "immediate_danger"
    xml_def = ET.fromstring(client.get(f"{BASE}/services/{pothole.code}.xml").content)
    assert xml_def.findtext("attributes/attribute/values/value/key") == "yes"
    missing = client.get(f"{BASE}/services/NOPE.xml")
    assert missing.status_code == 404 and ET.fromstring(missing.content).tag == "errors"


@pytest.mark.parametrize("where", ["body", "query", "bearer"])
def test_post_accepts_the_api_key_from_body_query_or_bearer(client, pothole, api_key, where):
    body = post_body(pothole)
    url, headers = f"{BASE}/requests.json", {}
    if where == "body":
        body["api_key"] = api_key
    elif where == "query":
        url += f"?api_key={api_key}"
    else:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
    response = client.post(url, body, **headers)
    assert response.status_code == 200, response.content
    created = response.json()[0]
    assert isinstance(created["service_request_id"], str)
    case = Case.objects.get(number=created["service_request_id"])
    assert case.channel == "open311" and case.attributes == {"immediate_danger": "yes"}
    assert case.contact.email == "leak.check@example.org"
    assert case.status == "assigned"  # a dispatch service is routed at once


def test_post_in_xml(client, pothole, api_key):
    response = client.post(f"{BASE}/requests.xml", post_body(pothole, api_key=api_key))
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == Case.objects.get().number


@pytest.mark.parametrize("change, status", [
    ({"api_key": "wrong"}, 403),
    ({"api_key": None}, 403),
    ({"service_code": "NOPE"}, 404),
    ({"service_code": ""}, 400),
    ({"lat": "91", "long": "120.3"}, 400),
    ({"lat": "abc", "long": "120.3"}, 400),
    ({"lat": "", "long": ""}, 400),
    ({"description": "坑" * 4001}, 400),
    ({"attribute[immediate_danger]": "maybe"}, 400),
    ({"media_url": "javascript:alert(1)"}, 400),
    ({"jurisdiction_id": "taipei.gov.tw"}, 404),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_errors_in_the_spec_format_and_nothing_written(client, pothole, api_key, change,
                                                            status, fmt):
    body = post_body(pothole, api_key=api_key)
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    response = client.post(f"{BASE}/requests.{fmt}", body)
    assert response.status_code == status
    if fmt == "json":
        errors = response.json()
        assert errors[0]["code"] == status and errors[0]["description"]
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and root.findtext("error/code") == str(status)
    assert Case.objects.count() == 0 and PersonalContact.objects.count() == 0


def test_token_makes_a_retried_post_safe(client, pothole, api_key):
    first = client.post(f"{BASE}/requests.json", post_body(pothole, api_key=api_key,
                                                           token="retry-1")).json()
    again = client.post(f"{BASE}/requests.json", post_body(pothole, api_key=api_key,
                                                           token="retry-1")).json()
    assert first == again and Case.objects.count() == 1
    found = client.get(f"{BASE}/tokens/retry-1.json", {"api_key": api_key}).json()
    assert found == [{"service_request_id": first[0]["service_request_id"], "token": "retry-1"}]
    assert client.get(f"{BASE}/tokens/unknown.xml", {"api_key": api_key}).status_code == 404


def test_a_token_is_found_only_by_the_application_that_sent_it(client, pothole, api_key):
    """Finding 8 of issue #11: the token lookup was public and not tied to its client."""
    client.post(f"{BASE}/requests.json", post_body(pothole, api_key=api_key, token="mine"))
    assert client.get(f"{BASE}/tokens/mine.json").status_code == 403  # no key: refused
    other = services.open311_client_create(actor=None, name="another app")[1]
    assert client.get(f"{BASE}/tokens/mine.json", {"api_key": other}).status_code == 404
    assert client.get(f"{BASE}/tokens/mine.json",
                      HTTP_AUTHORIZATION=f"Bearer {api_key}").status_code == 200


def test_get_requests_filters_extensions_and_schema(client, catalogue, people, pothole):
    import datetime as dt

    from django.utils import timezone

    old = dispatch(catalogue, people, registered_at=timezone.now() - dt.timedelta(days=120))
    recent = dispatch(catalogue, people)
    light = dispatch(catalogue, people, category=by_name(catalogue, "路燈故障(一)"))
    secret = dispatch(catalogue, people, confidential=True)
    services.assignment_reply(actor=people["officer"], assignment=light.assignments.get(),
                              reply="已更換燈泡")
    light = services.case_close(actor=people["officer"], case=light)
    listed = client.get(f"{BASE}/requests.json").json()
    validate(listed, "requests.json")
    numbers = [r["service_request_id"] for r in listed]
    assert recent.number in numbers and light.number in numbers
    assert old.number not in numbers and secret.number not in numbers  # 90 days; confidential
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [light.number]
    coded = client.get(f"{BASE}/requests.json", {"service_code": pothole.code}).json()
    assert {r["service_request_id"] for r in coded} == {recent.number}
    by_id = client.get(f"{BASE}/requests.json",
                       {"service_request_id": f"{old.number},{recent.number}"}).json()
    assert {r["service_request_id"] for r in by_id} == {old.number, recent.number}
    start = (timezone.now() - dt.timedelta(days=130)).isoformat()
    end = (timezone.now() - dt.timedelta(days=100)).isoformat()
    ranged = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in ranged] == [old.number]
    paged = client.get(f"{BASE}/requests.json", {"page_size": 1, "page": 2}).json()
    assert len(paged) == 1 and paged[0]["service_request_id"] == numbers[1]
    after = (light.updated_at - dt.timedelta(microseconds=1)).isoformat()
    updated = client.get(f"{BASE}/requests.json", {"updated_after": after}).json()
    assert [r["service_request_id"] for r in updated] == [light.number]
    one = client.get(f"{BASE}/requests/{light.number}.json", {"extensions": "true"}).json()
    validate(one, "requests.json")
    assert one[0]["status"] == "closed" and one[0]["status_notes"] == "已更換燈泡"
    assert [note["type"] for note in one[0]["notes"]] == ["submitted", "assigned", "answered",
                                                         "closed"]
    xml = ET.fromstring(client.get(f"{BASE}/requests/{light.number}.xml",
                                   {"extensions": "true"}).content)
    assert xml.findtext("request/service_code") == light.category.code
    assert xml.find("request/notes/note/type").text == "submitted"
    for query, status in (({"start_date": "yesterday"}, 400), ({"status": "pending"}, 400),
                          ({"page_size": "0"}, 400),
                          ({"start_date": start, "end_date": timezone.now().isoformat()}, 400)):
        assert client.get(f"{BASE}/requests.xml", query).status_code == status, query
    assert client.get(f"{BASE}/requests/{secret.number}.json").status_code == 404
    assert client.get(f"{BASE}/requests/nope.json").status_code == 404
    assert client.get(f"{BASE}/nothing-here").status_code == 404


def test_no_reporter_data_in_any_open311_output(client, catalogue, people, pothole, api_key):
    dispatch(catalogue, people)
    client.post(f"{BASE}/requests.json", post_body(pothole, api_key=api_key, token="t"))
    bodies = [client.get(f"{BASE}/{path}").content.decode() for path in (
        "requests.json", "requests.xml", "requests.json?extensions=true",
        "requests.xml?extensions=true", f"tokens/t.json?api_key={api_key}", "discovery.json",
        "services.xml")]
    for body in bodies:
        for value in [*REPORTER_VALUES, "測試員"]:
            assert value not in body
    assert not AuditEvent.objects.filter(action="personal_contact.reveal").exists()


def test_the_demo_key_is_the_documented_one(catalogue):
    services.open311_client_create(actor=None, name="demo", raw_key=DEMO_OPEN311_KEY)
    assert services.open311_client_for_key(DEMO_OPEN311_KEY) is not None
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert DEMO_OPEN311_KEY in readme


def test_the_georeport_client_reads_a_live_server(live_server, catalogue, people, pothole):
    from georeport import GeoReport

    case = dispatch(catalogue, people)
    for fmt in ("json", "xml"):
        client = GeoReport(f"{live_server.url}{BASE}", output_format=fmt)
        listed = client.get_service_list()
        assert pothole.code in [s["service_code"] for s in listed]
        definition = client.get_service_definition(pothole.code)
        assert "immediate_danger" in json.dumps(definition, ensure_ascii=False)
        requests = client.get_service_requests(service_code=pothole.code, status="open")
        requests = requests if isinstance(requests, list) else [requests]
        assert [r["service_request_id"] for r in requests] == [case.number]
        one = client.get_service_request(case.number)
        assert one["service_request_id"] == case.number and one["status"] == "open"
    assert reverse("open311:discovery", kwargs={"fmt": "json"}) == f"{BASE}/discovery.json"


def test_a_key_made_by_the_command_posts(client, pothole):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("open311_key", "Citizen app", "--email", "dev@example.org", stdout=out)
    key = out.getvalue().strip()
    response = client.post(f"{BASE}/requests.json", post_body(pothole, api_key=key))
    assert response.status_code == 200
