"""Background generation of reports, with progress the report page polls."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.utils import timezone
from huey.contrib.djhuey import db_task

from yankao.reports.models import ReportJob


@db_task()
def report_job_run(job_id: int) -> None:
    from yankao.reports.generate import generate

    job = ReportJob.objects.get(pk=job_id)
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, progress=0)

    def progress(done: int, total: int, step: str) -> None:
        # One short update per real step (a section, the file's layout): the page shows
        # "step 3 of 14" and the step's name; 100 % is said only once the file is saved.
        ReportJob.objects.filter(pk=job.pk).update(
            steps_done=done, steps_total=total, step=step[:200],
            progress=min(99, 100 * done // total))

    try:
        content = generate(structure=job.structure, year=job.year, month=job.month,
                           fmt=job.fmt, language=job.language, progress=progress)
    except (DatabaseError, OSError, ValueError) as error:
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.FAILED, message=str(error)[:200], finished_at=timezone.now())
        raise
    name = f"{job.structure}-{job.year}{f'-{job.month:02d}' if job.month else ''}.{job.fmt}"
    job.file.save(name, ContentFile(content), save=False)
    ReportJob.objects.filter(pk=job.pk).update(
        file=job.file.name, status=ReportJob.Status.DONE, progress=100,
        finished_at=timezone.now())
