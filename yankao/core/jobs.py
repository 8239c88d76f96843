"""Background jobs: long work (imports, exports, tallies, checks) off the web worker.

An app registers the kinds of job it runs on its AppConfig::

    yankao_jobs = [
        JobKind(key="programs.import", title=_("Import programs"),
                run="yankao.programs.jobs:import_run", roles=frozenset({Role.OFFICER}),
                result_template="programs/_import_result.html"),
    ]

A view (or an API endpoint) starts one with :func:`job_start` and sends the user to the
job's page, ``/staff/jobs/<id>/``, which follows the progress with htmx and shows the
result at the end. The worker calls the kind's ``run(context)`` as the user who started
it; ``run`` reports real steps with ``context.progress(done, total, step_label)`` and
returns a :class:`JobOutcome` (a summary, data for the result template, a file, a link).
A :class:`~yankao.core.errors.DomainError` raised by ``run`` fails the job with its
message; nothing else is caught silently.

Only the user who started a job and RDEC evaluators see it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from yankao.core.audit import CoreAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Job
from yankao.core.permissions import actor_scope
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

# The page polls about once a second; writing progress more often only loads the database.
PROGRESS_INTERVAL_SECONDS = 0.5
# A running job whose progress has not moved for this long lost its worker (kill -9, a
# restart): jobs_recover marks it failed so its page stops waiting.
STALE_AFTER_SECONDS = 30 * 60
UNEXPECTED = "The job stopped on an unexpected error; the worker's log has the details."


@dataclass(frozen=True)
class JobKind:
    """A kind of background job an app offers."""

    key: str
    title: str | Promise
    run: str  # "module.path:function" or "module.path.function"
    roles: frozenset[str] | None = None  # who may start it; None: anyone holding a role
    result_template: str = ""  # renders ``result`` (the outcome's data) on the job page

    def runner(self) -> Callable[[JobContext], JobOutcome]:
        return import_string(self.run.replace(":", "."))


@dataclass
class JobOutcome:
    """What a finished job leaves: a one-line summary, data for the kind's result template,
    and optionally a file to download or a link to the record it made."""

    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""
    file_content: bytes | None = None
    file_path: Path | None = None  # a file written on disk; moved into storage, then deleted
    url: str = ""


class JobContext:
    """What ``run`` receives: the job, who started it, its parameters, its input file and
    the progress callback."""

    def __init__(self, job: Job, actor) -> None:
        self.job = job
        self.actor = actor
        self.params: dict[str, Any] = dict(job.params)
        self._last_write = 0.0
        self._last_step = job.step

    @property
    def input_path(self) -> Path | None:
        if not self.job.input_file:
            return None
        return Path(self.job.input_file.path)

    @property
    def input_name(self) -> str:
        return self.job.input_name

    def progress(self, done: int, total: int | None = None, step_label: str = "") -> None:
        """Record ``done`` of ``total`` units of the current step (rows, sections, ballots).

        Written at most twice a second, and always when the step changes or ends."""
        now = time.monotonic()
        step = str(step_label)[:200]
        changed = step != self._last_step or (total is not None and done >= total)
        if not changed and now - self._last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_write, self._last_step = now, step
        Job.objects.filter(pk=self.job.pk).update(
            done=max(0, int(done)), total=None if total is None else max(0, int(total)),
            step=step, updated_at=timezone.now())


def job_kinds() -> dict[str, JobKind]:
    """Every registered kind, by key, from the installed apps' ``yankao_jobs``."""
    found: dict[str, JobKind] = {}
    for config in apps.get_app_configs():
        for kind in getattr(config, "yankao_jobs", ()):
            found[kind.key] = kind
    return found


def job_kind_get(key: str) -> JobKind:
    kind = job_kinds().get(key)
    if kind is None:
        raise DomainError(ErrorCode.INVALID, f"No kind of job named {key!r}.", field="kind")
    return kind


def job_start(
    *, actor, kind: str, params: dict[str, Any] | None = None, title: str = "",
    upload: File | None = None, upload_name: str = "", agency: Agency | None = None,
) -> Job:
    """Queue a job of a registered ``kind`` for ``actor``; the worker runs it after commit.

    ``upload`` (a file the user sent) is stored with the job and given to ``run`` as
    ``context.input_path``; it is deleted when the job ends.
    """
    from yankao.core.tasks import job_task

    job_kind = job_kind_get(kind)
    if actor is not None:  # None: the system itself (a periodic check), as in services
        scope = actor_scope(actor)
        if not scope.authenticated:
            raise DomainError(ErrorCode.UNAUTHENTICATED)
        allowed = scope.has_role(*job_kind.roles) if job_kind.roles else bool(scope.roles)
        if not (allowed or scope.is_superuser):
            raise DomainError(ErrorCode.FORBIDDEN)
    job = Job(kind=kind, title=(title or str(job_kind.title))[:200], params=params or {},
              requested_by=actor, agency=agency,
              language=translation.get_language() or settings.LANGUAGE_CODE)
    with transaction.atomic():
        if upload is not None:
            name = upload_name or getattr(upload, "name", "") or "upload"
            job.input_name = Path(name).name[:200]
            job.input_file.save(f"{job.uuid}{Path(name).suffix.lower()[:10]}", upload,
                                save=False)
        full_clean(job)
        job.save()
        audit_record(actor=actor, action=CoreAction.JOB_START, obj=job, agency=agency,
                     to_state=job.status, data={"kind": kind, "input": job.input_name})
        transaction.on_commit(lambda: job_task(job.pk))
    return job


def _finish(job: Job, *, status: str, message: str = "", outcome: JobOutcome | None = None):
    fields = {"status": status, "message": message[:5000], "finished_at": timezone.now(),
              "updated_at": timezone.now()}
    if outcome is not None:
        fields.update(result=outcome.data, result_url=outcome.url[:500])
        name = Path(outcome.file_name or "result").name
        if outcome.file_content is not None:
            job.result_file.save(f"{job.uuid}-{name}", ContentFile(outcome.file_content),
                                 save=False)
            fields.update(result_file=job.result_file.name, result_name=name[:200])
        elif outcome.file_path is not None:
            with Path(outcome.file_path).open("rb") as handle:
                job.result_file.save(f"{job.uuid}-{name}", File(handle), save=False)
            Path(outcome.file_path).unlink(missing_ok=True)
            fields.update(result_file=job.result_file.name, result_name=name[:200])
        if status == Job.Status.DONE and job.total is None:
            fields["total"] = job.done
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(**fields)
        job.refresh_from_db()
        audit_record(actor=job.requested_by,
                     action=CoreAction.JOB_FINISH if status == Job.Status.DONE
                     else CoreAction.JOB_FAIL,
                     obj=job, agency=job.agency, from_state=Job.Status.RUNNING, to_state=status,
                     reason=message[:500])
    _drop_input(job)


def _drop_input(job: Job) -> None:
    if job.input_file:
        job.input_file.storage.delete(job.input_file.name)


def job_run(job_id: int) -> None:
    """Run one queued job to its end (the huey task ``core.tasks.job_task`` calls this)."""
    updated = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now())
    if not updated:
        return  # already run, or gone
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    actor = job.requested_by
    if actor is not None and not actor.is_active:
        _finish(job, status=Job.Status.FAILED, message="The account that started it is closed.")
        return
    context = JobContext(job, actor)
    try:
        with translation.override(job.language):
            outcome = job_kind_get(job.kind).runner()(context)
    except DomainError as error:
        job.refresh_from_db()
        _finish(job, status=Job.Status.FAILED, message=error.message)
        return
    except Exception:
        # Not swallowed: the page says the job failed, and huey logs the traceback.
        job.refresh_from_db()
        _finish(job, status=Job.Status.FAILED, message=UNEXPECTED)
        raise
    job.refresh_from_db()
    _finish(job, status=Job.Status.DONE, message=outcome.summary, outcome=outcome)


def jobs_recover(*, now=None) -> int:
    """Fail the running jobs whose worker died (no progress for STALE_AFTER_SECONDS).

    Returns how many were marked. Their pages then say so instead of waiting forever."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=STALE_AFTER_SECONDS)
    stale = list(Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=cutoff)
                 .select_related("requested_by"))
    for job in stale:
        _finish(job, status=Job.Status.FAILED,
                message="The worker stopped while running this job; start it again.")
    return len(stale)
