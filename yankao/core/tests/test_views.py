"""The UI shell: home pages in both languages, htmx fragments, tokens, audit log."""

import pytest

from yankao.core.models import ApiToken, AuditEvent


def test_public_home_is_in_traditional_chinese_by_default(client, city):
    # Even when the browser prefers English: the city's pages open in its own language.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hant-TW">' in html
    assert "1999" in html and "88" in html and "38" in html
    assert 'lang="en">English</button>' in html


def test_language_switch_to_english_and_back(client, city):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "For citizens" in html
    assert 'lang="zh-Hant-TW">中文</button>' in html
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert '<html lang="zh-Hant-TW">' in client.get("/").content.decode()


def test_staff_home_lists_modules_for_the_users_roles(client, officer, administrator):
    client.force_login(officer)
    html = client.get("/staff/").content.decode()
    assert "養工處" in html or "養護工程處" in html
    assert "/staff/calendar/" in html and "/staff/tokens/" in html
    assert "/admin/" not in html  # administration is for administrators
    client.force_login(administrator)
    assert "/admin/" in client.get("/staff/").content.decode()


def test_agency_search_returns_an_htmx_fragment(client, officer):
    client.force_login(officer)
    full = client.get("/staff/agencies/", {"q": "養工"})
    assert "<html" in full.content.decode()
    fragment = client.get("/staff/agencies/", {"q": "養工"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html
    assert "pwb-maintenance" in html and "rdec" not in html
    districts = client.get("/staff/agencies/", {"kind": "district_office"}, HTTP_HX_REQUEST="true")
    assert districts.content.decode().count("<tr>") == 38 + 1


def test_calendar_page_and_deadline_calculator(client, officer):
    client.force_login(officer)
    page = client.get("/staff/calendar/", {"year": 2025, "month": 2})
    html = page.content.decode()
    assert page.status_code == 200 and "2025-02" in html and "補班" in html
    result = client.get(
        "/staff/calendar/deadline/",
        {"start": "2025-01-24T09:00", "amount": 6, "unit": "working_days"},
        HTTP_HX_REQUEST="true",
    )
    assert "2025-02-08 23:59" in result.content.decode()
    bad = client.get("/staff/calendar/deadline/", {"start": "nonsense", "amount": -1,
                                                   "unit": "hours"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and 'role="alert"' in bad.content.decode()
    # A month that does not exist falls back to this month instead of failing.
    assert client.get("/staff/calendar/", {"year": "x", "month": 13}).status_code == 200


def test_token_page_shows_the_key_once_and_revokes(client, officer):
    client.force_login(officer)
    response = client.post("/staff/tokens/", {"name": "report script"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=officer)
    key = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert key.startswith("yk_") and key[:12] == token.prefix
    assert key not in client.get("/staff/tokens/").content.decode()
    revoke = client.post(f"/staff/tokens/{token.pk}/revoke/")
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.post("/staff/tokens/", {"name": ""}).status_code == 422


def test_token_revoke_of_someone_elses_token_is_404(client, officer, epb_officer):
    from yankao.core.services.tokens import api_token_create

    token, _raw = api_token_create(actor=officer, user=officer, name="mine")
    client.force_login(epb_officer)
    assert client.post(f"/staff/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_audit_log_page_filters(client, evaluator, officer):
    client.force_login(officer)  # an event: auth via force_login writes none, so make one
    from yankao.core.audit import CoreAction
    from yankao.core.services.audit import audit_record
    from yankao.core.services.tokens import api_token_create

    api_token_create(actor=officer, user=officer, name="x")
    audit_record(actor=None, action=CoreAction.CITY_SETUP)  # an event the filter must hide
    client.force_login(evaluator)
    html = client.get("/staff/audit/", {"action": "api_token"}).content.decode()
    assert "api_token.create" in html and "city.setup" not in html
    assert AuditEvent.objects.filter(action="city.setup").count() == 1


def test_unknown_page_is_404_in_the_site_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "skip-link" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_public_endpoints_answer(client, db, path):
    assert client.get(path).status_code == 200
