"""Emails the platform sends, recorded before they go and marked when they went."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from yankao.core.models import Agency, Notification

logger = logging.getLogger("yankao.notifications")

# One delivery at a time holds a notification this long (longer than a send may take).
DELIVERY_LEASE = dt.timedelta(minutes=5)
# What the mail server could not take is sent again by the ten-minute job: once it is
# this old (its own job has given up, three tries a minute apart), while it is younger
# than RESEND_WITHIN and has been tried fewer than RESEND_ATTEMPTS times (decision 0150).
RESEND_AFTER = dt.timedelta(minutes=10)
RESEND_WITHIN = dt.timedelta(days=2)
RESEND_ATTEMPTS = 30
RESEND_BATCH = 1000


def notification_queue(
    *,
    kind: str,
    recipients: list[str],
    subject: str,
    body: str,
    dedupe_key: str,
    obj: models.Model | None = None,
    agency: Agency | None = None,
    headers: dict[str, str] | None = None,
    per_recipient: dict[str, tuple[str, str, dict[str, str]]] | None = None,
) -> list[Notification]:
    """Record one email per recipient and send them after the transaction commits.

    A recipient who already has a notification with this ``dedupe_key`` gets nothing new,
    so a periodic job may run twice without sending twice. Returns the new notifications.
    ``headers`` go on every message; ``per_recipient`` gives a recipient its own (subject,
    body, headers), e.g. a message in their language with their own unsubscribe link.
    """
    from yankao.core.tasks import notification_deliver

    created = []
    object_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    for recipient in dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()):
        try:
            with transaction.atomic():
                own_subject, own_body, own_headers = (per_recipient or {}).get(
                    recipient, (subject, body, {}))
                notification = Notification.objects.create(
                    kind=kind, recipient=recipient, subject=own_subject[:200], body=own_body,
                    headers={**(headers or {}), **own_headers},
                    dedupe_key=f"{dedupe_key}:{recipient}"[:200], object_type=object_type,
                    object_id=str(obj.pk) if obj is not None else "", agency=agency,
                )
        except IntegrityError:
            continue
        created.append(notification)
        transaction.on_commit(lambda pk=notification.pk: notification_deliver(pk))
    return created


def _unleased(now: dt.datetime) -> Q:
    """No delivery holds the notification at ``now``."""
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def notification_send(notification_id: int) -> bool:
    """Send one recorded notification, unless it went already, bounced, or another
    delivery holds it now; mark it sent. Returns whether it went now.

    An address the mail server refuses for good (5xx) is not tried again: the
    notification is marked bounced and ``bounce_handlers`` are told, so the module that
    wrote it can stop writing to that address. Any other failure (the server out of reach,
    a 4xx, a message that cannot be written) is recorded on the notification and raised,
    to be tried again."""
    now = timezone.now()
    mine = Notification.objects.filter(_unleased(now), pk=notification_id,
                                       sent_at__isnull=True, bounced_at__isnull=True)
    if not mine.update(lease_until=now + DELIVERY_LEASE, attempts=F("attempts") + 1):
        return False
    notification = Notification.objects.get(pk=notification_id)
    this = Notification.objects.filter(pk=notification_id)
    message = EmailMessage(notification.subject, notification.body, None,
                           [notification.recipient], headers=notification.headers or None)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            this.update(lease_until=None)
            notification_bounced(notification=notification, error=str(error.recipients))
            return False
        this.update(last_error=str(error)[:2000], lease_until=None)
        raise
    except Exception as error:
        this.update(last_error=f"{type(error).__name__}: {error}"[:2000], lease_until=None)
        raise
    this.update(sent_at=timezone.now(), last_error="", lease_until=None)
    return True


# The mail server's answers about one message (a recipient's mailbox full, the message
# refused): the next message may still go. Any other OSError means the server is away.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                   smtplib.SMTPDataError)


def notifications_resend(*, now: dt.datetime | None = None) -> int:
    """Send again, oldest first, the notifications the mail server could not take (see
    ``RESEND_AFTER``). Stops when the server is still out of reach (the rest wait for the
    next run); a message the server refuses, or that cannot be written, does not stop the
    others. Returns how many went."""
    now = now or timezone.now()
    waiting = list(
        Notification.objects.filter(
            _unleased(now), sent_at__isnull=True, bounced_at__isnull=True,
            created_at__lte=now - RESEND_AFTER, created_at__gte=now - RESEND_WITHIN,
            attempts__lt=RESEND_ATTEMPTS)
        .order_by("created_at", "pk").values_list("pk", flat=True)[:RESEND_BATCH])
    sent = 0
    for index, pk in enumerate(waiting):
        try:
            sent += notification_send(pk)
        except MESSAGE_REFUSED:
            continue  # recorded on the notification; the server takes others
        except OSError as error:
            logger.warning("the mail server is still out of reach (%s): %d notifications "
                           "sent again, %d wait", error, sent, len(waiting) - index)
            break
        except Exception:
            # This message cannot be sent (recorded on it); it must not hold up the rest.
            logger.exception("notification %s could not be sent", pk)
    return sent


# Modules that want to hear of bounces: callables (notification) → None, by kind prefix.
bounce_handlers: dict[str, object] = {}


def notification_bounced(*, notification: Notification, error: str) -> None:
    """The mail server refused the address for good: record it, never retry, and let the
    module whose kind it is stop writing to the address (e.g. end a subscription)."""
    Notification.objects.filter(pk=notification.pk).update(
        last_error=f"bounced: {error}"[:2000], bounced_at=timezone.now())
    for prefix, handler in bounce_handlers.items():
        if notification.kind.startswith(prefix):
            handler(notification)
