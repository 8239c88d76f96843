"""Restricted datasets shared with named agencies, through time-limited signed links
(資料共享: the report's “分享限時網頁超連結”)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.opendata.models.catalogue import Dataset


class ShareGrant(models.Model):
    """The owning agency lets one named agency use a restricted dataset until a date."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="grants")
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency shared with"),
                               on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=200)
    expires_at = models.DateTimeField(_("expires at"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sharing grant")
        verbose_name_plural = _("sharing grants")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.dataset.identifier} → {self.agency}"


class ShareLink(models.Model):
    """A signed download link under a grant; it works until it expires or is revoked."""

    token_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grant = models.ForeignKey(ShareGrant, on_delete=models.PROTECT, related_name="links")
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link {self.token_id}"
