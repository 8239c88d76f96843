"""The log of pushes to the national portal (政府資料開放平臺), one row per attempt group."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.opendata.models.catalogue import Dataset


class NationalPush(models.Model):
    """One create, update or delete of a dataset's metadata on the national portal."""

    class Operation(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        REFUSED = "refused", _("Refused by the portal")
        FAILED = "failed", _("Failed (network or server), retried")
        DRY_RUN = "dry_run", _("Dry run: checked, not sent")

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="pushes")
    operation = models.CharField(_("operation"), max_length=8, choices=Operation.choices)
    version = models.PositiveIntegerField(_("metadata version"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error_type = models.CharField(_("error type"), max_length=120, blank=True)
    message = models.TextField(_("message"), blank=True)
    payload = models.JSONField(_("metadata sent"), default=dict, blank=True)
    endpoint = models.CharField(_("address"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("national push")
        verbose_name_plural = _("national pushes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dataset", "created_at"], name="opendata_push_dataset")]

    def __str__(self) -> str:
        return f"{self.dataset.identifier} {self.operation} {self.outcome}"
