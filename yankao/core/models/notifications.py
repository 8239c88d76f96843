from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An email the platform sends (reminder, escalation, notice), and whether it went out.

    ``dedupe_key`` makes periodic jobs safe to re-run: the same reminder is recorded, and
    sent, once.
    """

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Extra mail headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    object_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    # A delivery holds the notification until then, so no two send it at once (0150).
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_notify_obj_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
