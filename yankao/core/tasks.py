"""Background jobs of core, run by the huey worker (``yankao worker``)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup, periodic_task

HEARTBEAT_KEY = "yankao:worker:heartbeat"


def record_heartbeat() -> dt.datetime:
    now = timezone.now()
    cache.set(HEARTBEAT_KEY, now.isoformat(), timeout=None)
    return now


def worker_last_seen() -> dt.datetime | None:
    value = cache.get(HEARTBEAT_KEY)
    return dt.datetime.fromisoformat(value) if value else None


@on_startup()
def worker_started() -> None:
    record_heartbeat()


@periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Shows on /healthz that the worker runs its periodic jobs."""
    record_heartbeat()


@db_task(retries=3, retry_delay=60)
def notification_deliver(notification_id: int) -> None:
    """Send one recorded notification; mark it sent, or record the error and retry. An
    address the mail server refuses for good (5xx) is not retried: the notification is
    marked bounced and ``core.services.notifications.bounce_handlers`` are told, so the
    module that wrote it can stop writing to that address."""
    import smtplib

    from django.core.mail import EmailMessage
    from django.db.models import F

    from yankao.core.models import Notification
    from yankao.core.services.notifications import notification_bounced

    notification = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).first()
    if notification is None:
        return
    Notification.objects.filter(pk=notification.pk).update(attempts=F("attempts") + 1)
    message = EmailMessage(notification.subject, notification.body, None,
                           [notification.recipient], headers=notification.headers or None)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            notification_bounced(notification=notification, error=str(error.recipients))
            return
        Notification.objects.filter(pk=notification.pk).update(last_error=str(error)[:2000])
        raise
    except OSError as error:
        Notification.objects.filter(pk=notification.pk).update(last_error=str(error)[:2000])
        raise
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now(), last_error="")


@db_task()
def job_task(job_id: int) -> None:
    """Run one background job (``yankao.core.jobs``)."""
    from yankao.core.jobs import job_run

    job_run(job_id)


@db_periodic_task(crontab(minute="*"))
def held_tasks_release_task() -> None:
    """Queue the jobs held in the database while Redis was out of reach (decision 0149)."""
    from yankao.core.queue import held_tasks_release

    held_tasks_release()


@periodic_task(crontab(minute="*/5"))
def jobs_recover_task() -> None:
    """Fail jobs whose worker died mid-way, so their pages stop waiting."""
    from yankao.core.jobs import jobs_recover

    jobs_recover()
