"""The counter pages and /api/v1/counter through HTTP."""

import pytest
from django.urls import reverse

from yankao.core.models import AuditEvent
from yankao.counter.models import Booking

pytestmark = pytest.mark.django_db
PERSON = {"name": "林小姐", "phone": "0912-000-111", "email": "", "matter": "租屋押金"}


def test_citizen_books_on_the_web_and_cancels(client, counter):
    session = counter["session"]
    page = client.get(reverse("counter:public-sessions")).content.decode()
    assert reverse("counter:public-book", args=[session.pk]) in page
    response = client.post(reverse("counter:public-book", args=[session.pk]), PERSON)
    booking = Booking.objects.get()
    assert response.status_code == 200 and booking.number in response.content.decode()
    assert booking.contact.name == "林小姐" and booking.channel == "web"
    again = client.post(reverse("counter:public-book", args=[session.pk]), PERSON)
    assert again.status_code == 409 and Booking.objects.count() == 1
    cancel = client.post(reverse("counter:public-cancel"),
                         {"number": booking.number, "phone": "0912000111"})
    assert cancel.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_api_books_and_refuses_a_full_session(client, counter):
    session = counter["session"]
    sessions = client.get("/api/v1/counter/sessions").json()
    assert sessions[0]["free"] == 2
    for phone in ("0911000001", "0911000002"):
        ok = client.post("/api/v1/counter/bookings", {"session": session.pk, "name": "甲",
                                                      "phone": phone},
                         content_type="application/json")
        assert ok.status_code == 201
    full = client.post("/api/v1/counter/bookings", {"session": session.pk, "name": "乙",
                                                    "phone": "0911000003"},
                       content_type="application/json")
    assert full.status_code == 409
    assert full["Content-Type"].startswith("application/problem+json")
    assert Booking.objects.count() == 2
    assert AuditEvent.objects.filter(action="counter.booking_refused").count() == 1


def test_staff_pages_and_the_year_table(client, counter, clerk, fongshan_clerk, officer):
    client.force_login(officer)  # 養工處: no counter
    assert client.get(reverse("counter:staff-home")).status_code == 403
    client.force_login(fongshan_clerk)
    response = client.get(reverse("counter:session", args=[counter["session"].pk]))
    assert response.status_code == 404  # another site's session
    client.force_login(clerk)
    assert client.get(reverse("counter:staff-home")).status_code == 200
    response = client.post(reverse("counter:session", args=[counter["session"].pk]),
                           {**PERSON, "channel": "phone"})
    assert response.status_code == 302 and Booking.objects.get().channel == "phone"
    csv = client.get(reverse("counter:staff-home"), {"format": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert csv.status_code == 200 and "四維行政中心" in body
    visit = client.post(reverse("counter:visit-new"),
                        {"site": "siwei", "service": "blood-pressure", "people": 2})
    assert visit.status_code == 302
