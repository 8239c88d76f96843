from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosureDay(models.Model):
    """停班日: a day the city closed its offices (typhoon, flood), not a working day."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"
