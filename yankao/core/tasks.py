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
    """Send one recorded notification (``notification_send``); a mail server out of reach
    is tried again three times a minute apart, then by ``notifications_resend_task``."""
    from yankao.core.services.notifications import notification_send

    notification_send(notification_id)


@db_periodic_task(crontab(minute="*/10"))
def notifications_resend_task() -> None:
    """Send again what the mail server could not take before (decision 0150)."""
    from yankao.core.services.notifications import notifications_resend

    notifications_resend()


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
