"""The citizen's side over HTTP: reporting from the map by topic, nearby reports to follow,
e-mails to the reporter and followers, one-click unsubscribe, masking, public pages, feeds
and Open311's servicerequestupdates read as FixMyStreet's client reads them."""

import re

import pytest
from defusedxml import ElementTree
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yankao.core.masking import MASK
from yankao.core.models import AuditEvent
from yankao.servicedesk import services
from yankao.servicedesk.models import Case, CaseStatus, Subscription
from yankao.servicedesk.services import citizen
from yankao.servicedesk.tests.conftest import LINGYA, png_upload

pytestmark = pytest.mark.django_db

PLACE = {"lat": LINGYA[0], "lng": LINGYA[1]}
SECRETS = ["0912-345-678", "A123456789", "secret.person@example.org"]


def report(client, topic="lights.out", description="路燈不亮", email="me@example.org",
           photos=(), **place):
    query = {**PLACE, **place, "topic": topic}
    url = reverse("servicedesk:citizen-report")
    page = client.get(url, query)
    assert page.status_code == 200, page.content.decode()[:500]
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return client.post(f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}", {
        "description": description, "email": email, "name": "洩漏測試員",
        "phone": "0912-345-678", "submission_key": key, "photos": list(photos)})


def numbers(response):
    html = response.content.decode()
    return (re.search(r'id="case-number">([^<]+)<', html).group(1),
            re.search(r'id="case-password">([^<]+)<', html).group(1))


def test_home_leads_citizens_in(client, catalogue):
    html = client.get("/").content.decode()
    for name in ("citizen-report", "citizen-track", "my-reports", "public-list"):
        assert reverse(f"servicedesk:{name}") in html
    assert "/dashboards/" in html and 'href="tel:1999"' in html


def test_topics_are_plain_words_grouped_and_searchable(client, catalogue):
    page = client.get(reverse("servicedesk:citizen-report"), PLACE).content.decode()
    assert "路燈不亮" in page and "路燈與紅綠燈" in page
    assert "養工-" not in page and "(一)" not in page
    found = client.get(reverse("servicedesk:citizen-report"), {**PLACE, "q": "坑洞"})
    assert "路面有坑洞" in found.content.decode()
    assert "路燈不亮" not in found.content.decode()


def test_a_pin_outside_the_city_is_refused(client, catalogue):
    response = client.get(reverse("servicedesk:citizen-report"), {"lat": "25.033",
                                                                  "lng": "121.565"})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_report_by_map_confirms_with_the_due_time_and_emails_a_receipt(
        client, catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = report(client, photos=[png_upload()])
    assert done.status_code == 200
    number, _password = numbers(done)
    case = Case.objects.get(number=number)
    assert case.category.name_zh == "路燈故障(一)" and case.district.name_zh == "苓雅區"
    html = done.content.decode()
    assert 'id="answer-due"' in html and f"{case.due_at:%Y}" in html
    receipts = [m for m in mail.outbox if number in m.subject]
    assert len(receipts) == 1 and receipts[0].to == ["me@example.org"]
    assert "List-Unsubscribe" in receipts[0].extra_headers
    assert client.get(reverse("servicedesk:my-reports")).content.decode().count(number) >= 1


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(client, catalogue):
    fake = SimpleUploadedFile("a.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    response = report(client, photos=[fake])
    assert response.status_code == 422 and Case.objects.count() == 0


def test_nearby_report_is_offered_and_following_it_needs_confirmation(
        client, catalogue, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = services.case_register(
            actor=None, actor_label="test", category=catalogue["KH-001"], description="不亮",
            channel="app", latitude=LINGYA[0], longitude=LINGYA[1])
    page = client.get(reverse("servicedesk:citizen-report"), {**PLACE, "topic": "lights.out"})
    assert 'id="nearby"' in page.content.decode() and first.number in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("servicedesk:follow-case", args=[first.number]),
                    {"email": "neighbour@example.org"})
    assert Case.objects.count() == 1
    # The follower finds it in "my reports" by its public page, never the reporter's page.
    assert reverse("servicedesk:public-case", args=[first.number]) in client.get(
        reverse("servicedesk:my-reports")).content.decode()
    assert client.get(reverse("servicedesk:citizen-case", args=[first.number])
                      ).status_code == 404
    confirm = mail.outbox[-1]
    link = re.search(r"/follow/[^\s]+/", confirm.body).group(0)
    assert client.get(link).status_code == 200
    subscription = Subscription.objects.get(case=first, is_reporter=False)
    assert subscription.status == Subscription.Status.ACTIVE
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_reply(actor=people["officer"], assignment=first.assignments.get(),
                                  reply="已更換燈泡")
    assert any("neighbour@example.org" in m.to and "已更換燈泡" in m.body for m in mail.outbox)


def test_answer_and_closure_reach_the_reporter_with_the_survey_link_and_track_shows_them(
        client, catalogue, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        number, password = numbers(report(client, description="燈不亮，請打0912-345-678"))
    case = Case.objects.get(number=number)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_reply(actor=people["officer"], assignment=case.assignments.get(),
                                  reply="已修復", photos=[png_upload("after.png")])
        services.case_close(actor=people["officer"], case=case, note="結案，謝謝")
    bodies = [m.body for m in mail.outbox if "me@example.org" in m.to]
    assert any("已修復" in b for b in bodies)
    closing = next(b for b in bodies if "結案，謝謝" in b)
    survey = re.search(r"/survey/[^\s]+/", closing).group(0)
    client.post(reverse("servicedesk:citizen-track"), {"number": number, "password": password})
    page = client.get(reverse("servicedesk:citizen-case", args=[number])).content.decode()
    assert 'id="answer"' in page and "已修復" in page and 'id="closing-note"' in page
    assert "結案，謝謝" in page and 'id="description"' in page and "<img" in page
    assert client.post(survey, {"score": "5"}).status_code == 302
    assert case.survey.__class__.objects.get(case=case).score == 5


def test_unsubscribing_twice_says_so_and_changes_nothing(client, catalogue,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(client)
    token = Subscription.objects.get().token
    url = reverse("servicedesk:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 409
    assert Subscription.objects.get().status == Subscription.Status.STOPPED
    assert AuditEvent.objects.filter(action="subscription.stop").count() == 1


def test_a_bounced_address_stops_its_subscription(catalogue, client,
                                                  django_capture_on_commit_callbacks):
    import smtplib
    from unittest import mock

    with django_capture_on_commit_callbacks(execute=True):
        number, _ = numbers(report(client))
    case = Case.objects.get(number=number)
    refused = smtplib.SMTPRecipientsRefused({"me@example.org": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused), \
            django_capture_on_commit_callbacks(execute=True):
        citizen.update_record(case=case, kind="note", text="明日施工")
    assert Subscription.objects.get().status == Subscription.Status.BOUNCED


def test_public_pages_mask_personal_data_and_moderation_is_audited(
        client, catalogue, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        number, _ = numbers(report(client, description=(
            "王大明說燈壞了，電話0912-345-678，身分證A123456789，secret.person@example.org")))
    public_page = client.get(reverse("servicedesk:public-case", args=[number])).content.decode()
    for value in [*SECRETS, "洩漏測試員", "me@example.org"]:
        assert value not in public_page
    assert MASK in public_page and "王大明" in public_page
    case = Case.objects.get(number=number)
    assert citizen.public_text_mask(actor=people["officer"], case=case, phrase="王大明") == 1
    with pytest.raises(services_error()):
        citizen.public_text_mask(actor=people["officer"], case=case, phrase="王大明")
    assert AuditEvent.objects.filter(action="case.moderate").count() == 1
    assert "王大明" not in client.get(reverse("servicedesk:public-case",
                                              args=[number])).content.decode()
    listing = client.get(reverse("servicedesk:public-list")).content.decode()
    assert number in listing and "洩漏測試員" not in listing
    feed = client.get(reverse("servicedesk:case-feed", args=[number]))
    assert feed.status_code == 200 and b"<feed" in feed.content
    district = client.get(reverse("servicedesk:district-feed", args=[case.district.code]))
    assert district.status_code == 200 and number.encode() in district.content
    for value in SECRETS:
        assert value.encode() not in feed.content + district.content


def services_error():
    from yankao.core.errors import DomainError

    return DomainError


def test_open311_updates_as_fixmystreet_reads_them(client, catalogue, people,
                                                   django_capture_on_commit_callbacks):
    """FixMyStreet's Open311 client (perllib/Open311.pm, get_service_request_updates) GETs
    servicerequestupdates.xml with api_key, jurisdiction_id, start_date and end_date in
    W3C form, and reads request_update elements; we parse with ElementTree."""
    with django_capture_on_commit_callbacks(execute=True):
        number, _ = numbers(report(client, description="電話0912-345-678"))
    case = Case.objects.get(number=number)
    services.assignment_reply(actor=people["officer"], assignment=case.assignments.get(),
                              reply="已修復")
    start = (case.registered_at.replace(microsecond=0)).isoformat()
    end = (case.registered_at.replace(microsecond=0) +
           __import__("datetime").timedelta(hours=1)).isoformat()
    response = client.get("/open311/v2/servicerequestupdates.xml", {
        "api_key": "", "jurisdiction_id": "kaohsiung.gov.tw", "start_date": start,
        "end_date": end})
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert [u.findtext("service_request_id") for u in updates] == [number] * len(updates)
    assert {"update_id", "status", "updated_datetime", "description", "media_url"} <= \
        {child.tag for child in updates[0]}
    assert any(u.findtext("description").endswith("已修復") or "已修復" in
               u.findtext("description") for u in updates)
    assert b"0912-345-678" not in response.content
    assert Case.objects.get(number=number).status == CaseStatus.FIELD_REPORTED
    json_response = client.get("/open311/v2/servicerequestupdates.json",
                               {"start_date": start, "end_date": end})
    assert len(json_response.json()) == len(updates)
    only_one = client.get("/open311/v2/servicerequestupdates.xml", {"start_date": start})
    assert only_one.status_code == 400
    assert ElementTree.fromstring(only_one.content).tag == "errors"
