"""The job queue on Redis, which loses no job while Redis is out of reach (decision 0149).

A service queues its job once its transaction has committed (``transaction.on_commit``):
the reporter's acknowledgement, the officers' notice, an export. With Redis restarting at
that moment, huey raised redis-py's ``ConnectionError`` into the request — a 500 for a
case that was stored — and the job was gone. :class:`HoldingRedisHuey` keeps such a job
in the database instead (:class:`~yankao.core.models.HeldTask`, the message huey would
have queued), and the worker's minute job :func:`held_tasks_release` queues what was held
once Redis answers, oldest first. A periodic job is not held: the worker's scheduler runs
it again at its next time.

A job may run twice if the worker stops between queueing a held job and deleting its row;
the jobs queued after a commit are safe to run twice (the notices are deduplicated, a
background job runs once by its state)."""

from __future__ import annotations

import logging

from django.db import transaction
from huey import RedisHuey
from huey.api import PeriodicTask, Result
from redis import ConnectionPool

from yankao.core.cache import REDIS_OUT_OF_REACH

logger = logging.getLogger("yankao.queue")

RELEASE_BATCH = 500


class HoldingRedisHuey(RedisHuey):
    """huey on Redis; a job that cannot be queued is held in the database (module doc).
    ``url`` with redis-py's connection options (its timeouts) builds the connections."""

    def __init__(self, name: str = "huey", *, url: str | None = None,
                 connection_options: dict | None = None, **options) -> None:
        if url is not None:
            options["connection_pool"] = ConnectionPool.from_url(
                url, **(connection_options or {}))
        super().__init__(name, **options)

    # Jobs this process held since the queue was last reached (0: it is reached). Told in
    # the log when the first is held and when the queue answers again, not for each job.
    held = 0

    def enqueue(self, task):
        try:
            result = super().enqueue(task)
        except REDIS_OUT_OF_REACH as error:
            if isinstance(task, PeriodicTask):
                raise
            task_hold(self, task)
            if not self.held:
                logger.warning("the job queue is out of reach (%s): jobs are held in the "
                               "database until it answers", error)
            self.held += 1
            return Result(self, task) if self.results else None
        if self.held:
            logger.warning("the job queue answers again; this process held %d jobs meanwhile",
                           self.held)
            self.held = 0
        return result


def task_hold(huey, task) -> None:
    """Keep ``task`` in the database until :func:`held_tasks_release` queues it."""
    from yankao.core.models import HeldTask

    HeldTask.objects.create(name=task.name[:200], message=huey.serialize_task(task),
                            priority=task.priority)


def held_tasks_release(huey=None) -> int:
    """Queue the held jobs, oldest first, and delete each once queued. Stops (and the
    rest wait for the next run) if Redis is still out of reach. Returns how many were
    queued."""
    from yankao.core.models import HeldTask

    if huey is None:
        from huey.contrib.djhuey import HUEY as huey
    released = 0
    while True:
        with transaction.atomic():
            # Two workers never queue the same row: each takes the rows no one holds.
            rows = list(HeldTask.objects.select_for_update(skip_locked=True)
                        .order_by("pk")[:RELEASE_BATCH])
            if not rows:
                return released
            done = []
            try:
                for row in rows:
                    huey.storage.enqueue(bytes(row.message), row.priority)
                    done.append(row.pk)
            except REDIS_OUT_OF_REACH as error:
                logger.warning("held jobs wait: the queue is still out of reach (%s)", error)
                return released + _forget(done)
            released += _forget(done)


def _forget(keys: list[int]) -> int:
    from yankao.core.models import HeldTask

    HeldTask.objects.filter(pk__in=keys).delete()
    return len(keys)
