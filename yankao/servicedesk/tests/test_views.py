"""Staff pages and the citizen portal over HTTP: roles, actions, errors, no leaks."""

import json
import re

import pytest
from django.urls import reverse

from yankao.core.models import AuditEvent
from yankao.servicedesk import services
from yankao.servicedesk.models import Case, CaseStatus, Channel, Extension
from yankao.servicedesk.tests.conftest import LINGYA, REPORTER, REPORTER_VALUES, png_upload
from yankao.servicedesk.tests.test_services import by_name, dispatch, petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(client, people):
    def sign(role):
        client.force_login(people[role])
        return client
    return sign


def test_staff_pages_need_a_sign_in(client, catalogue):
    for name in ("home", "intake", "routing", "inbox", "statistics"):
        response = client.get(reverse(f"servicedesk:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["operator", "registrar", "officer", "chief", "evaluator"])
def test_staff_pages_render_for_every_role(signed, catalogue, people, role):
    case = dispatch(catalogue, people)
    client = signed(role)
    # Intake is the desk's, routing the registrars' (evaluators read both); the rest is
    # everyone's (the whole matrix is in test_permission_matrix.py).
    allowed = {"intake": {"operator", "registrar", "evaluator"},
               "routing": {"registrar", "evaluator"}}
    for name in ("home", "intake", "routing", "inbox", "statistics"):
        expected = 200 if role in allowed.get(name, {role}) else 403
        assert client.get(reverse(f"servicedesk:{name}")).status_code == expected, name
    expected = 404 if role == "epb" else 200
    assert client.get(reverse("servicedesk:case", args=[case.number])).status_code == expected


def test_other_agencies_get_404_on_a_case_and_change_nothing(signed, catalogue, people):
    case = dispatch(catalogue, people)
    client = signed("epb")
    assert client.get(reverse("servicedesk:case", args=[case.number])).status_code == 404
    assignment = case.assignments.get()
    response = client.post(reverse("servicedesk:case-action", args=[case.number, "reply"]),
                           {"assignment": assignment.pk, "reply-reply": "不是我們的"})
    assert response.status_code == 404
    response = client.post(reverse("servicedesk:reporter", args=[case.number]))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    assert not AuditEvent.objects.filter(action__startswith="personal_contact.reveal").exists()


def test_operator_intake_registers_and_logs_the_call(signed, catalogue, people):
    client = signed("operator")
    page = client.get(reverse("servicedesk:intake")).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)
    data = {"category": "KH-007 路面坑洞(一)", "latitude": LINGYA[0], "longitude": LINGYA[1],
            "description": "機車道坑洞", "channel": Channel.PHONE, "duration_seconds": "150",
            "reporter_name": "洩漏測試員", "submission_key": key}
    pothole = by_name(catalogue, "路面坑洞(一)")
    data["category"] = f"{pothole.code} {pothole.name_zh}"
    response = client.post(reverse("servicedesk:intake"), data)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.number in response.content.decode()
    assert case.status == CaseStatus.ASSIGNED and case.calls.get().duration_seconds == 150
    again = client.post(reverse("servicedesk:intake"), data)  # the same form sent twice
    assert again.status_code == 200 and Case.objects.count() == 1


def test_intake_takes_photos_and_the_handling_agency_sees_them(signed, catalogue, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed("operator")
    pothole = by_name(catalogue, "路面坑洞(一)")
    data = {"category": f"{pothole.code} {pothole.name_zh}", "latitude": LINGYA[0],
            "longitude": LINGYA[1], "description": "傳真來的照片", "channel": Channel.FAX,
            "submission_key": "a" * 32}
    refused = client.post(reverse("servicedesk:intake"), {
        **data, "attachments": [png_upload(), SimpleUploadedFile(
            "letter.png", b"%PDF-1.4 not an image", content_type="image/png")]})
    assert refused.status_code == 422 and Case.objects.count() == 0
    response = client.post(reverse("servicedesk:intake"),
                           {**data, "attachments": [png_upload("a.png"), png_upload("b.png")]})
    assert response.status_code == 200
    case = Case.objects.get()
    files = list(services_files(case))
    assert [f.original_name for f in files] == ["a.png", "b.png"]
    officer = signed("officer")  # of the agency the pothole was routed to
    page = officer.get(reverse("servicedesk:case", args=[case.number])).content.decode()
    url = reverse("servicedesk:case-file", args=[case.number, files[0].uuid])
    assert url in page
    shown = officer.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff"
    other = signed("epb")
    assert other.get(url).status_code == 404
    elsewhere = reverse("servicedesk:case-file", args=[petition(catalogue, people).number,
                                                       files[0].uuid])
    assert signed("evaluator").get(elsewhere).status_code == 404  # not that case's file


def services_files(case):
    from yankao.servicedesk.selectors import case_attachments

    return case_attachments(case=case)


def test_intake_errors_are_shown_and_nothing_is_written(signed, catalogue):
    client = signed("operator")
    response = client.post(reverse("servicedesk:intake"), {
        "category": "NOPE", "description": "x", "channel": Channel.PHONE, "latitude": "99",
        "longitude": "120"})
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_routing_queue_routes_chosen_cases_by_rule(signed, catalogue, people, city):
    first, second = petition(catalogue, people), petition(catalogue, people)
    client = signed("registrar")
    assert first.number in client.get(reverse("servicedesk:routing")).content.decode()
    client.post(reverse("servicedesk:routing"), {"cases": [first.number, second.number],
                                                 "agency": ""})
    assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.ASSIGNED}
    assert Case.objects.filter(agency=city["environmental-protection"]).count() == 2
    officer = signed("officer")
    assert officer.get(reverse("servicedesk:routing")).content.decode().count(
        first.number) == 0


def test_inbox_overdue_first_filters_and_bulk_take(signed, catalogue, people):
    import datetime as dt

    from django.utils import timezone
    late = dispatch(catalogue, people, registered_at=timezone.now() - dt.timedelta(hours=6))
    fresh = dispatch(catalogue, people, description="另一個坑洞")
    client = signed("officer")
    html = client.get(reverse("servicedesk:inbox")).content.decode()
    assert html.index(late.number) < html.index(fresh.number)
    assert "row--overdue" in html
    overdue_only = client.get(reverse("servicedesk:inbox"), {"status": "overdue"},
                              HTTP_HX_REQUEST="true").content.decode()
    assert late.number in overdue_only and fresh.number not in overdue_only
    assert "<html" not in overdue_only  # the htmx fragment only
    ids = [a.pk for a in (late.assignments.get(), fresh.assignments.get())]
    client.post(reverse("servicedesk:inbox"), {"assignments": ids})
    assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.IN_PROGRESS}
    assert signed("epb").get(reverse("servicedesk:inbox")).content.decode().count(
        late.number) == 0


def test_reply_extension_and_approval_through_the_case_page(signed, catalogue, people):
    case = dispatch(catalogue, people)
    assignment = case.assignments.get()
    officer = signed("officer")
    url = lambda action: reverse("servicedesk:case-action", args=[case.number, action])  # noqa: E731
    response = officer.post(url("extension"), {
        "assignment": assignment.pk, "ext-new_due_at": "2099-01-01T10:00",
        "ext-reason": "需封路施工", "ext-notice": "預計明日完成"})
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert officer.post(url("decide"), {"extension": extension.pk, "approve": "1"}) \
        .status_code == 302
    extension.refresh_from_db()
    assert extension.status == "pending"  # an officer may not approve
    chief = signed("chief")
    page = chief.get(reverse("servicedesk:case", args=[case.number])).content.decode()
    assert "預計明日完成" in page
    chief.post(url("decide"), {"extension": extension.pk, "approve": "1"})
    extension.refresh_from_db()
    assert extension.status == "approved"
    officer = signed("officer")
    officer.post(url("reply"), {"assignment": assignment.pk, "reply-reply": "已修復完成"})
    case.refresh_from_db()
    assert case.status == CaseStatus.FIELD_REPORTED
    empty = officer.post(url("reply"), {"assignment": assignment.pk, "reply-reply": ""})
    assert empty.status_code == 422
    again = officer.post(url("reply"), {"assignment": assignment.pk, "reply-reply": "再回一次"})
    assert again.status_code == 302  # the case is answered: refused with a message
    case.refresh_from_db()
    assert case.status_notes == "已修復完成"


def test_reporter_reveal_is_logged_and_limited(signed, catalogue, people):
    case = dispatch(catalogue, people)
    officer = signed("officer")
    page = officer.get(reverse("servicedesk:case", args=[case.number])).content.decode()
    assert "洩漏測試員" not in page
    shown = officer.post(reverse("servicedesk:reporter", args=[case.number]),
                         {"reason": "聯繫補充位置"})
    assert "0912-345-678" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]  # personal data: never cached
    registrar = signed("registrar")
    refused = registrar.post(reverse("servicedesk:reporter", args=[case.number]))
    assert refused.status_code == 403 and "0912" not in refused.content.decode()
    assert AuditEvent.objects.filter(action="personal_contact.reveal").count() == 1


def test_statistics_page_and_downloads_have_no_personal_data(signed, catalogue, people):
    case = dispatch(catalogue, people)
    services.assignment_reply(actor=people["officer"], assignment=case.assignments.get(),
                              reply="ok")
    client = signed("evaluator")
    year = case.registered_at.year
    page = client.get(reverse("servicedesk:statistics"), {"year": year, "month_from": 1,
                                                           "month_to": 12})
    assert page.status_code == 200 and "sd-monthly" in page.content.decode()
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("servicedesk:statistics"),
                              {"year": year, "month_from": 1, "month_to": 12, "format": fmt})
        body = b"".join(response.streaming_content) if response.streaming else \
            response.content
        assert response.status_code == 200
        for value in REPORTER_VALUES:
            assert value.encode() not in body
    bad = client.get(reverse("servicedesk:statistics"), {"year": year, "month_from": 5,
                                                          "month_to": 2})
    assert bad.status_code == 422
    assert REPORTER["reporter_name"] not in page.content.decode()


def test_the_year_statistics_read_as_many_statements_as_a_month(signed, catalogue, people):
    # The table's figures are read for all the months at once (figures_by_month): twelve
    # months and their total cost no more statements than one month.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = dispatch(catalogue, people)
    client = signed("evaluator")
    year = case.registered_at.year
    counted = {}
    for months in ((1, 12), (6, 6)):
        client.get(reverse("servicedesk:statistics"))  # the session and caches, warmed
        with CaptureQueriesContext(connection) as context:
            page = client.get(reverse("servicedesk:statistics"),
                              {"year": year, "month_from": months[0], "month_to": months[1]})
        assert page.status_code == 200
        counted[months] = len(context.captured_queries)
    assert counted[(1, 12)] == counted[(6, 6)] <= 16, counted
    rows = page.context["rows"]
    assert len(rows) == 1 and rows[0][0] == f"{year}-06"


def test_api_lists_only_visible_cases_and_the_figures(client, catalogue, people):
    from yankao.core.services.tokens import api_token_create

    case = dispatch(catalogue, people)
    officer = people["officer"]
    _token, officer_key = api_token_create(actor=officer, user=officer, name="t")
    _token, epb_key = api_token_create(actor=people["epb"], user=people["epb"], name="t")
    listed = client.get("/api/v1/servicedesk/cases",
                        HTTP_AUTHORIZATION=f"Bearer {officer_key}").json()
    assert [item["number"] for item in listed["items"]] == [case.number]
    assert "contact" not in listed["items"][0] and "0912" not in json.dumps(listed)
    other = client.get("/api/v1/servicedesk/cases", HTTP_AUTHORIZATION=f"Bearer {epb_key}")
    assert other.json()["items"] == []
    assert client.get(f"/api/v1/servicedesk/cases/{case.number}",
                      HTTP_AUTHORIZATION=f"Bearer {epb_key}").status_code == 404
    figures = client.get("/api/v1/servicedesk/statistics", {"year": case.registered_at.year},
                         HTTP_AUTHORIZATION=f"Bearer {officer_key}").json()
    assert figures["counts_by_kind"] == {"dispatch": 1}
    bad = client.get("/api/v1/servicedesk/statistics", {"year": 2018, "month_from": 9,
                                                         "month_to": 2},
                     HTTP_AUTHORIZATION=f"Bearer {officer_key}")
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem")


def test_the_handling_agency_sees_the_whole_case_history(signed, catalogue, people):
    case = dispatch(catalogue, people)
    page = signed("officer").get(reverse("servicedesk:case", args=[case.number]))
    html = page.content.decode()
    # Each event is a sentence in the reader's language, never its code.
    assert "case.register" not in html and "case.assign" not in html
    assert "登錄了案件。" in html and "將案件分案給" in html
    assert signed("epb").get(reverse("servicedesk:case", args=[case.number])).status_code == 404


def test_administrators_give_and_stop_open311_keys(signed, catalogue, people):
    from django.test import Client

    from yankao.servicedesk.models import Open311Client

    for role in ("operator", "officer", "evaluator"):
        client = signed(role)
        assert client.get(reverse("servicedesk:open311-clients")).status_code == 403
        assert client.post(reverse("servicedesk:open311-clients"),
                           {"name": "偷偷來"}).status_code == 403
    assert not Open311Client.objects.exists()
    admin = signed("admin")
    assert admin.post(reverse("servicedesk:open311-clients"), {"name": ""}).status_code == 422
    response = admin.post(reverse("servicedesk:open311-clients"),
                          {"name": "里長通報 App", "contact_email": "dev@example.invalid"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = re.search(r'<code class="secret">(o311_[^<]+)</code>', response.content.decode())[1]
    application = Open311Client.objects.get(name="里長通報 App")
    assert key not in admin.get(reverse("servicedesk:open311-clients")).content.decode()
    assert AuditEvent.objects.filter(action="open311_client.create",
                                     object_id=str(application.pk)).exists()
    pothole = by_name(catalogue, "路面坑洞(一)")
    post = {"api_key": key, "service_code": pothole.code, "lat": LINGYA[0], "long": LINGYA[1],
            "description": "坑洞"}
    outside = Client()
    assert outside.post("/open311/v2/requests.json", post).status_code == 200
    assert signed("officer").post(reverse("servicedesk:open311-client-revoke",
                                          args=[application.pk])).status_code == 403
    admin = signed("admin")  # the same test client, signed in again
    assert admin.post(reverse("servicedesk:open311-client-revoke",
                              args=[application.pk])).status_code == 302
    assert outside.post("/open311/v2/requests.json", post).status_code == 403
    assert AuditEvent.objects.filter(action="open311_client.revoke").count() == 1
