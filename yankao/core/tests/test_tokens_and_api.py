"""API tokens and the /api/v1 contract: Bearer auth, problem JSON, OpenAPI."""

import json

import pytest

from yankao.core.models import ApiToken, AuditEvent
from yankao.core.services.tokens import api_token_create, api_token_revoke, hash_token


@pytest.fixture
def officer_token(officer):
    _token, raw = api_token_create(actor=officer, user=officer, name="script")
    return raw


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_is_stored_hashed_and_creation_is_audited(officer):
    token, raw = api_token_create(actor=officer, user=officer, name="nightly export")
    assert raw.startswith("yk_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw)
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == officer and raw not in json.dumps(event.data)


def test_me_with_bearer_token(client, officer_token):
    response = client.get("/api/v1/me", **bearer(officer_token))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "t_officer"
    assert body["name"] == "王小明"
    assert body["sees_all_agencies"] is False
    assert body["memberships"] == [
        {
            "agency_code": "pwb-maintenance",
            "agency_name_zh": "高雄市政府工務局養護工程處",
            "agency_name_en": "Maintenance Engineering Office, Public Works Bureau",
            "role": "officer",
        }
    ]


@pytest.mark.parametrize("header", [None, "Bearer yk_wrong", "Bearer ", "Basic abc", "Token x"])
def test_missing_or_wrong_token_is_401_problem_json(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthenticated"


def test_revoked_token_stops_working_and_revocation_is_audited(client, officer, officer_token):
    token = ApiToken.objects.get(user=officer)
    api_token_revoke(actor=officer, token=token, reason="laptop lost")
    assert client.get("/api/v1/me", **bearer(officer_token)).status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.from_state, event.to_state, event.reason) == ("active", "revoked", "laptop lost")


def test_demo_tokens_are_refused_in_production(client, settings, officer):
    api_token_create(actor=officer, user=officer, name="demo", raw_key="yk_demo_officer")
    assert client.get("/api/v1/me", **bearer("yk_demo_officer")).status_code == 200
    settings.YANKAO_PRODUCTION = True
    assert client.get("/api/v1/me", **bearer("yk_demo_officer")).status_code == 401


def test_token_lifecycle_over_the_api(client, officer, officer_token):
    created = client.post(
        "/api/v1/tokens", {"name": "second"}, content_type="application/json",
        **bearer(officer_token),
    )
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith("yk_")
    assert client.get("/api/v1/me", **bearer(new["key"])).status_code == 200
    listed = client.get("/api/v1/tokens", **bearer(officer_token)).json()
    assert {t["name"] for t in listed} == {"script", "second"}
    assert all("key" not in t for t in listed)
    revoked = client.delete(f"/api/v1/tokens/{new['id']}", **bearer(officer_token))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    again = client.delete(f"/api/v1/tokens/{new['id']}", **bearer(officer_token))
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_one_user_cannot_revoke_anothers_token(client, officer, epb_officer, officer_token):
    _token, epb_raw = api_token_create(actor=epb_officer, user=epb_officer, name="epb")
    mine = ApiToken.objects.get(user=officer)
    response = client.delete(f"/api/v1/tokens/{mine.pk}", **bearer(epb_raw))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_validation_errors_are_problem_json_and_change_nothing(client, officer_token):
    before = ApiToken.objects.count()
    response = client.post(
        "/api/v1/tokens", {"name": ""}, content_type="application/json", **bearer(officer_token)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][0]["field"] == "name"
    assert ApiToken.objects.count() == before


def test_agencies_and_districts(client, officer_token):
    agencies = client.get("/api/v1/agencies", **bearer(officer_token)).json()
    assert len(agencies) == 88
    districts = client.get("/api/v1/districts", **bearer(officer_token)).json()
    assert len(districts) == 38
    maintenance = client.get("/api/v1/agencies/pwb-maintenance", **bearer(officer_token)).json()
    assert maintenance["parent_code"] == "public-works"
    missing = client.get("/api/v1/agencies/nope", **bearer(officer_token))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_deadline_endpoint(client, officer_token):
    response = client.get(
        "/api/v1/calendar/deadline",
        {"start": "2025-01-24T09:00:00+08:00", "working_days": 6},
        **bearer(officer_token),
    )
    assert response.status_code == 200
    assert response.json()["due"].startswith("2025-02-08T23:59:59")
    both = client.get(
        "/api/v1/calendar/deadline",
        {"start": "2025-01-24T09:00:00+08:00", "working_days": 1, "hours": 4},
        **bearer(officer_token),
    )
    assert both.status_code == 422
    month = client.get("/api/v1/calendar/2025/2", **bearer(officer_token)).json()
    saturday = next(day for day in month if day["date"] == "2025-02-08")
    assert saturday["working"] and saturday["makeup_workday"]


def test_session_writes_need_csrf(officer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.get("/api/v1/me").status_code == 200
    response = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in {401, 403}
    assert not ApiToken.objects.filter(user=officer, name="x").exists()


def test_openapi_document_lists_the_core_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Yankao API"
    for path in ("/api/v1/me", "/api/v1/agencies", "/api/v1/tokens", "/api/v1/calendar/deadline"):
        assert path in schema["paths"]
    assert "BearerToken" in schema["components"]["securitySchemes"]
