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
) -> list[Notification]:
    """Record one email per recipient and send them after the transaction commits.

    A recipient who already has a notification with this ``dedupe_key`` gets nothing new,
    so a periodic job may run twice without sending twice. Returns the new notifications.
    """
    from yankao.core.tasks import notification_deliver

    created = []
    object_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    for recipient in dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    kind=kind, recipient=recipient, subject=subject[:200], body=body,
                    dedupe_key=f"{dedupe_key}:{recipient}"[:200], object_type=object_type,
                    object_id=str(obj.pk) if obj is not None else "", agency=agency,
                )
        except IntegrityError:
            continue
        created.append(notification)
        transaction.on_commit(lambda pk=notification.pk: notification_deliver(pk))
    return created
