"""Bookings into sessions with a capacity; refusals audited; attendance, reminders,
no-shows and walk-in visits."""

import datetime as dt

import pytest
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent, Notification
from yankao.counter import selectors, services
from yankao.counter.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db


def book(session, actor=None, channel="web", **person):
    person = {"name": "王小明", "phone": "0912-345-678", **person}
    return services.booking_create(actor=actor, session=session, channel=channel, **person)


def refusals():
    return AuditEvent.objects.filter(action="counter.booking_refused")


def test_a_session_takes_as_many_people_as_it_has_places(counter):
    session = counter["session"]
    book(session, phone="0911-111-111")
    book(session, phone="0922-222-222", email="b@example.org")
    with pytest.raises(DomainError) as error:
        book(session, phone="0933-333-333")
    assert error.value.code == ErrorCode.CONFLICT and error.value.field == "session"
    assert session.bookings.count() == 2
    assert refusals().get().reason == "full"


def test_the_same_person_cannot_book_one_session_twice(counter):
    session = counter["session"]
    book(session, phone="0912-345-678")
    with pytest.raises(DomainError) as error:
        book(session, phone="+886 912 345 678", name="另一個名字")
    assert error.value.code == ErrorCode.CONFLICT
    assert session.bookings.count() == 1 and refusals().get().reason == "twice"


def test_a_cancelled_place_is_free_again(counter, clerk):
    session = counter["session"]
    first = book(session, phone="0911-111-111")
    book(session, phone="0922-222-222")
    services.booking_cancel(actor=None, booking=first, phone="0911111111")
    assert book(session, phone="0933-333-333").status == BookingStatus.BOOKED
    with pytest.raises(DomainError):
        services.booking_cancel(actor=None, booking=first, phone="0911111111")


def test_cancelling_needs_the_phone_it_was_booked_with(counter):
    booking = book(counter["session"])
    with pytest.raises(DomainError) as error:
        services.booking_cancel(actor=None, booking=booking, phone="0999-999-999")
    assert error.value.code == ErrorCode.NOT_FOUND
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_staff_book_by_phone_only_at_their_own_sites(counter, clerk, fongshan_clerk):
    booking = book(counter["session"], actor=clerk, channel="phone")
    assert booking.channel == "phone" and booking.created_by == clerk
    with pytest.raises(DomainError) as error:
        book(counter["session"], actor=fongshan_clerk, channel="counter", phone="0900111222")
    assert error.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError):
        book(counter["session"], channel="phone", phone="0900111333")  # citizens: web only


def test_a_past_session_cannot_be_booked(counter):
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(DomainError) as error:
        book(counter["session"], now=later)
    assert error.value.code == ErrorCode.INVALID_STATE and Booking.objects.count() == 0


def test_attendance_reminders_and_no_shows(counter, clerk):
    session = counter["session"]
    came = book(session, phone="0911-111-111", email="came@example.org")
    away = book(session, phone="0922-222-222")
    now = session.starts_at - dt.timedelta(hours=20)
    assert services.reminders_send(now=now) == 1  # the one with an e-mail
    assert services.reminders_send(now=now) == 0
    assert Notification.objects.get(kind="counter.reminder").recipient == "came@example.org"
    assert list(selectors.call_list(actor=clerk, now=now)) == [away]
    with pytest.raises(DomainError):
        services.booking_attendance(actor=clerk, booking=came, attended=True, now=now)
    services.booking_attendance(actor=clerk, booking=came, attended=True,
                                now=session.starts_at + dt.timedelta(minutes=5))
    assert services.no_shows_mark(now=session.ends_at + dt.timedelta(days=2)) == 1
    away.refresh_from_db()
    assert away.status == BookingStatus.NO_SHOW
    year = timezone.localtime(session.starts_at).year
    figures = selectors.booking_figures(actor=clerk, year=year)
    assert (figures.attended, figures.no_show) == (1, 1)
    month = timezone.localtime(session.starts_at).month
    rows = {r.site_code: r for r in selectors.consultations_by_site_month(actor=clerk,
                                                                          year=year)}
    assert rows["siwei"].months[month - 1] == 1 and rows["siwei"].total == 1


def test_walk_in_visits_are_counted_per_site_and_month(counter, clerk, fongshan_clerk):
    services.visit_record(actor=clerk, site=counter["siwei"], service=counter["pressure"],
                          people=3)
    with pytest.raises(DomainError):
        services.visit_record(actor=fongshan_clerk, site=counter["siwei"],
                              service=counter["pressure"])
    with pytest.raises(DomainError):
        services.visit_record(actor=clerk, site=counter["siwei"], service=counter["legal"])
    year = timezone.localdate().year
    rows = selectors.visits_by_site_month(actor=clerk, year=year, service="blood-pressure")
    assert [r.total for r in rows] == [3]  # the clerk sees only their own site


def test_the_demo_reproduces_the_reports_figures():
    """At scale 1 the records give 9,671 legal consultations and 757 blood-pressure checks
    (伍2, 伍3 of the 2018 report), whatever the seed."""
    from yankao.counter.demo import BLOOD_PRESSURE_2018, LEGAL_2018, SITES, exact_split

    split = exact_split(LEGAL_2018, [site[5] for site in SITES])
    assert sum(split) == 9671 and BLOOD_PRESSURE_2018 == 757


@pytest.mark.django_db(transaction=False)
def test_the_demo_records_give_the_figures(city):
    import io

    from yankao.core.demo import DemoContext
    from yankao.core.permissions import CITY_WIDE
    from yankao.counter import demo

    ctx = DemoContext(scale=0.1, seed=7, out=io.StringIO(), show_progress=False)
    demo.build(ctx)
    legal = selectors.consultations_by_site_month(actor=CITY_WIDE, year=2018)
    pressure = selectors.visits_by_site_month(actor=CITY_WIDE, year=2018,
                                              service="blood-pressure")
    assert sum(r.total for r in legal) == ctx.scaled(9671) == 967
    assert sum(r.total for r in pressure) == ctx.scaled(757) == 76
