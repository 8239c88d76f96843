"""The mail server out of reach for longer than a notice's own three tries (a restart, a
relay's maintenance): the notice is sent again once the server is back, never twice, and
not for ever (decision 0150). The server away is a real SMTP connection refused: a port
of 127.0.0.1 where nothing listens."""

import datetime as dt
import logging

import pytest
from django.core import mail

from yankao.core.models import Notification
from yankao.core.services.notifications import (
    RESEND_AFTER,
    RESEND_ATTEMPTS,
    RESEND_WITHIN,
    notification_queue,
    notification_send,
    notifications_resend,
)
from yankao.core.tests.test_cli import free_port

LATER = RESEND_AFTER + dt.timedelta(minutes=1)


@pytest.fixture
def mail_server(settings):
    """Switch the mail server away (SMTP, connection refused) and back (Django's test
    outbox)."""

    class Switch:
        @staticmethod
        def away():
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
            settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5

        @staticmethod
        def back():
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return Switch


def notices(count, run_jobs) -> list[Notification]:
    """``count`` notices, each delivered by its job as after a commit."""
    made = []
    with run_jobs():
        for index in range(count):
            made += notification_queue(kind="core.test", recipients=[f"r{index}@example.org"],
                                       subject="案件已受理", body="您的案件已受理。",
                                       dedupe_key=f"test:{index}")
    return [Notification.objects.get(pk=notice.pk) for notice in made]


def test_a_notice_the_mail_server_could_not_take_goes_when_it_is_back(
        db, mail_server, run_jobs):
    mail_server.away()
    [notice] = notices(1, run_jobs)
    assert notice.sent_at is None and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.last_error
    assert notice.lease_until is None  # the failed delivery let go of it

    mail_server.back()
    assert notifications_resend() == 0  # its own job's tries come first
    assert notifications_resend(now=notice.created_at + LATER) == 1
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.last_error == "" and notice.attempts == 2
    assert [message.to for message in mail.outbox] == [["r0@example.org"]]
    assert notifications_resend(now=notice.created_at + LATER) == 0  # never twice
    assert len(mail.outbox) == 1


def test_while_the_server_is_still_away_the_run_stops_at_the_first(
        db, mail_server, run_jobs, caplog):
    mail_server.away()
    *_first, third = notices(3, run_jobs)
    with caplog.at_level(logging.WARNING, logger="yankao.notifications"):
        assert notifications_resend(now=third.created_at + LATER) == 0
    attempts = list(Notification.objects.order_by("pk").values_list("attempts", flat=True))
    assert attempts == [2, 1, 1]  # one more try of the oldest, the rest wait
    assert "3 wait" in caplog.records[-1].getMessage()

    mail_server.back()
    assert notifications_resend(now=third.created_at + LATER) == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "r0@example.org", "r1@example.org", "r2@example.org"]


def test_a_notice_another_delivery_holds_is_left_to_it(db, mail_server, run_jobs):
    mail_server.away()
    [notice] = notices(1, run_jobs)
    mail_server.back()
    # A delivery elsewhere (the first job, late in a long queue) holds it now.
    Notification.objects.filter(pk=notice.pk).update(
        lease_until=notice.created_at + LATER + dt.timedelta(minutes=1))
    assert notifications_resend(now=notice.created_at + LATER) == 0
    assert notification_send(notice.pk) is False
    assert mail.outbox == []


def test_what_is_not_sent_again(db, mail_server, run_jobs):
    mail_server.away()
    old, bounced, tried = notices(3, run_jobs)
    mail_server.back()
    Notification.objects.filter(pk=bounced.pk).update(bounced_at=bounced.created_at)
    Notification.objects.filter(pk=tried.pk).update(attempts=RESEND_ATTEMPTS)
    # Two days on, none is sent: too old, bounced, tried enough.
    assert notifications_resend(now=old.created_at + RESEND_WITHIN + LATER) == 0
    assert notifications_resend(now=tried.created_at + LATER) == 1  # only the first
    assert [message.to for message in mail.outbox] == [["r0@example.org"]]


def test_a_message_that_cannot_go_does_not_hold_up_the_others(db, mail_server, run_jobs,
                                                              caplog):
    mail_server.away()
    first, *_others, last = notices(3, run_jobs)
    # The oldest cannot be written at all: a header with a line break.
    Notification.objects.filter(pk=first.pk).update(headers={"X-Case": "1\nBcc: x@y.z"})
    mail_server.back()
    with caplog.at_level(logging.ERROR, logger="yankao.notifications"):
        assert notifications_resend(now=last.created_at + LATER) == 2
    first.refresh_from_db()
    assert first.sent_at is None and "BadHeaderError" in first.last_error
    assert first.lease_until is None
    assert sorted(message.to[0] for message in mail.outbox) == [
        "r1@example.org", "r2@example.org"]
