"""Periodic jobs of the counter services, run by the huey worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="9", minute="0"))
def booking_reminders() -> int:
    """Every morning: e-mail tomorrow's bookings (once each)."""
    from yankao.counter.services import reminders_send

    return reminders_send()


@db_periodic_task(crontab(hour="2", minute="15"))
def no_shows() -> int:
    """Every night: bookings of yesterday's sessions nobody marked become no-shows."""
    from yankao.counter.services import no_shows_mark

    return no_shows_mark()
