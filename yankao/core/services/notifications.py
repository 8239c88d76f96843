"""Emails the platform sends, recorded before they go and marked when they went."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from yankao.core.models import Agency, Notification


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


# Modules that want to hear of bounces: callables (notification) → None, by kind prefix.
bounce_handlers: dict[str, object] = {}


def notification_bounced(*, notification: Notification, error: str) -> None:
    """The mail server refused the address for good: record it, never retry, and let the
    module whose kind it is stop writing to the address (e.g. end a subscription)."""
    from django.utils import timezone

    Notification.objects.filter(pk=notification.pk).update(
        last_error=f"bounced: {error}"[:2000], bounced_at=timezone.now())
    for prefix, handler in bounce_handlers.items():
        if notification.kind.startswith(prefix):
            handler(notification)
