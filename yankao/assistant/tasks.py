"""Periodic job of the FAQ assistant, run by the huey worker."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(day_of_week="1", hour="8", minute="0"))
def misses_digest() -> int:
    """Every Monday morning, e-mail the FAQ's editors last week's most-asked misses."""
    from django.utils import timezone

    from yankao.assistant.services import misses_digest_send

    today = timezone.localdate()
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    return misses_digest_send(week_start=last_monday)
