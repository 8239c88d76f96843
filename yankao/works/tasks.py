"""Periodic jobs of public works, run by the huey worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="8", minute="30"))
def progress_reminders() -> int:
    """催報: every morning, remind agencies of last month's missing tender updates once the
    update day (the 6th by default) has passed. Each reminder is sent once."""
    from yankao.works.services.common import today_taipei
    from yankao.works.services.tenders import progress_reminders_send

    return progress_reminders_send(today=today_taipei())
