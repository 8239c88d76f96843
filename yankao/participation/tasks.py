"""Background jobs of participation: tallies, with progress the tally page follows."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_task

from yankao.participation.models import Tally


@db_task()
def tally_run(tally_id: int) -> None:
    from yankao.participation.services.budgets import tally_compute

    last = {"value": 1}

    def progress(done: int, total: int) -> None:
        value = max(1, min(99, done * 100 // max(total, 1)))
        if value - last["value"] >= 2:
            last["value"] = value
            Tally.objects.filter(pk=tally_id).update(progress=value)

    tally = Tally.objects.get(pk=tally_id)
    try:
        tally_compute(tally=tally, progress=progress)
    except (ValueError, ArithmeticError, MemoryError) as error:
        Tally.objects.filter(pk=tally_id).update(
            status=Tally.Status.FAILED, message=str(error)[:300], finished_at=timezone.now())
        raise
