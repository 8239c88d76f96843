"""Background work of open data, run by the huey worker (``yankao worker``)."""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)

QUALITY_EVERY = dt.timedelta(days=7)


@db_task()
def quality_check_dataset(dataset_id: str) -> str | None:
    """Check one dataset's resources after a change (or when someone asks)."""
    from yankao.opendata.models import Dataset
    from yankao.opendata.services.quality import quality_assess

    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None:
        return None
    return quality_assess(actor=None, dataset=dataset).level


@db_periodic_task(crontab(hour="2", minute="30"))
def quality_check_due() -> int:
    """Every night, check the published datasets not checked for a week (at most 500)."""
    from yankao.opendata.services.quality import quality_assess_many, quality_due

    datasets = quality_due(QUALITY_EVERY)
    quality_assess_many(datasets)
    return len(datasets)


@db_task()
def national_push_dataset(dataset_id: str) -> str | None:
    """Send one dataset to the national portal (when its address and key are set)."""
    from yankao.opendata.models import Dataset
    from yankao.opendata.national import portal_configured
    from yankao.opendata.services.national import national_push

    if not portal_configured():
        return None
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None:
        return None
    push = national_push(actor=None, dataset=dataset)
    return push.outcome if push else None


@db_periodic_task(crontab(minute="*/10"))
def national_push_due() -> int:
    """Every ten minutes: what is pending, and failures whose pause has ended."""
    from yankao.opendata.national import portal_configured
    from yankao.opendata.services.national import national_due, national_push

    if not portal_configured():
        return 0
    sent = 0
    for dataset in national_due():
        national_push(actor=None, dataset=dataset)
        sent += 1
    return sent


@db_periodic_task(crontab(hour="8", minute="20"))
def answer_reminders() -> int:
    """Every morning, remind agencies of requests and comments due within two working
    days, or overdue."""
    from yankao.opendata.services.feedback import answer_reminders_send

    return answer_reminders_send()
