"""The reminder job and the figures, on a few cases whose answers are known."""

import datetime as dt

import pytest
from django.utils import timezone

from yankao.core.models import Notification
from yankao.servicedesk import services
from yankao.servicedesk.models import Call, CaseKind
from yankao.servicedesk.selectors import statistics as figures
from yankao.servicedesk.tasks import deadline_reminders_send
from yankao.servicedesk.tests.conftest import taipei
from yankao.servicedesk.tests.test_services import dispatch, petition

pytestmark = pytest.mark.django_db


def test_reminders_and_escalations_are_sent_once(catalogue, people, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    people["officer"].email = "officer@example.org"
    people["officer"].save()
    people["chief"].email = "chief@example.org"
    people["chief"].save()
    now = timezone.now()
    soon = dispatch(catalogue, people, registered_at=now - dt.timedelta(hours=3, minutes=30))
    late = dispatch(catalogue, people, registered_at=now - dt.timedelta(hours=5))
    dispatch(catalogue, people, registered_at=now)  # neither
    with django_capture_on_commit_callbacks(execute=True):
        first = deadline_reminders_send(now=now)
    assert first == {"reminders": 1, "escalations": 1}
    assert Notification.objects.get(kind="servicedesk.reminder").recipient == \
        "officer@example.org"
    escalation = Notification.objects.get(kind="servicedesk.escalation")
    assert escalation.recipient == "chief@example.org" and late.number in escalation.subject
    assert escalation.sent_at is not None  # huey runs inline in tests: the mail went out
    assert {m.to[0] for m in mailoutbox} == {"officer@example.org", "chief@example.org"}
    assert soon.number in Notification.objects.get(kind="servicedesk.reminder").subject
    assert deadline_reminders_send(now=now) == {"reminders": 0, "escalations": 0}


def test_figures_count_what_happened(catalogue, people, city):
    year = 2018
    on_time = dispatch(catalogue, people, registered_at=taipei(2018, 3, 5, 9))
    services.assignment_reply(actor=people["officer"], assignment=on_time.assignments.get(),
                              reply="ok", at=taipei(2018, 3, 5, 11))
    late = dispatch(catalogue, people, registered_at=taipei(2018, 3, 6, 9))
    services.assignment_reply(actor=people["officer"], assignment=late.assignments.get(),
                              reply="ok", at=taipei(2018, 3, 6, 15))
    merged = dispatch(catalogue, people, registered_at=taipei(2018, 4, 1, 9))
    services.case_merge(actor=people["registrar"], case=merged, into=late)
    downgraded = dispatch(catalogue, people, registered_at=taipei(2018, 4, 2, 9))
    services.case_downgrade(actor=people["officer"], case=downgraded, reason="非立即危險")
    petition(catalogue, people, registered_at=taipei(2018, 4, 3, 9), kind=CaseKind.MAILBOX)
    petition(catalogue, people, registered_at=taipei(2017, 12, 31, 9))

    assert figures.counts_by_kind(year=year) == {"dispatch": 4, "mailbox": 1}
    assert figures.counts_by_month(year=year, months=(3, 4)) == {3: 2, 4: 3}
    assert figures.counts_by_agency(year=year, kind="dispatch") == {"pwb-maintenance": 4}
    assert figures.counts_by_district(year=year, kind="dispatch") == {"802": 4}
    assert figures.counts_by_channel(year=year) == {"phone": 5}
    assert sum(figures.counts_by_category(year=year, main=True).values()) == 5
    rate = figures.dispatch_four_hour(year=year, now=taipei(2018, 4, 2, 12))
    assert (rate.within, rate.late, rate.merged, rate.downgraded) == (1, 1, 1, 1)
    assert rate.rate == 50.0
    handling = figures.handling_time(year=year, kind="dispatch")
    assert (handling.count, handling.median_seconds, handling.p90_seconds) == (2, 7200, 21600)
    assert figures.on_time(year=year, months=(3, 3)).rate == 50.0
    assert figures.counts_by_kind(year=year, agency=city["health"]) == {}


def test_call_figures(people):
    for outcome, once, month in (("consultation", True, 1), ("consultation", False, 1),
                                 ("case_created", False, 2), ("other", False, 2)):
        Call.objects.create(received_at=taipei(2018, month, 3, 10), duration_seconds=60,
                            outcome=outcome, answered_at_once=once)
    rate = figures.consultation_answered(year=2018)
    assert (rate.calls, rate.consultations, rate.answered_at_once) == (4, 2, 1)
    assert rate.consultation_share == 50.0 and rate.at_once_rate == 50.0
    assert figures.calls_per_month(year=2018, months=(1, 3)) == {1: 2, 2: 2, 3: 0}
