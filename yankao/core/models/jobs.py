from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Job(models.Model):
    """Long work run by the huey worker instead of a web worker: an import, an export, a
    tally, a quality check. Its page (``/staff/jobs/<id>/``) shows the progress in real steps
    (``done`` of ``total``, the current step's label) and, at the end, the result.

    Started only through :func:`yankao.core.jobs.job_start`; run by
    :func:`yankao.core.jobs.job_run`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job status", "Waiting to start")
        RUNNING = "running", pgettext_lazy("job status", "Running")
        DONE = "done", pgettext_lazy("job status", "Finished")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    done = models.PositiveBigIntegerField(_("units done"), default=0)
    total = models.PositiveBigIntegerField(_("units in all"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_url = models.CharField(_("result link"), max_length=500, blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/input/%Y/%m/", blank=True,
                                  max_length=300)
    input_name = models.CharField(_("input file name"), max_length=200, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/result/%Y/%m/",
                                   blank=True, max_length=300)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="core_job_owner_idx"),
            models.Index(fields=["status", "updated_at"], name="core_job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        """For the bar only: whole per cent of the steps done (no figure is computed from it)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
