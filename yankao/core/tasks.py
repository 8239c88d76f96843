"""Background jobs of core, run by the huey worker (``yankao worker``)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import on_startup, periodic_task

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
