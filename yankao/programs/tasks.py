"""Periodic jobs of program control, run by the huey worker."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yankao.programs.services.reminders import report_reminders_queue


@db_periodic_task(crontab(hour="8", minute="0"))
def report_reminders() -> int:
    """Every morning: remind officers of monthly reports due soon or overdue."""
    return report_reminders_queue(today=timezone.localdate())
