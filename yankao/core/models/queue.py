from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HeldTask(models.Model):
    """A background job that could not be queued because Redis was out of reach, kept
    here until the worker queues it (``yankao.core.queue``, decision 0149)."""

    name = models.CharField(_("job"), max_length=200)
    message = models.BinaryField(_("message"))  # huey's serialized task, as it would queue
    priority = models.IntegerField(_("priority"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), default=timezone.now)

    class Meta:
        verbose_name = _("held job")
        verbose_name_plural = _("held jobs")

    def __str__(self) -> str:
        return f"{self.name} ({self.held_at:%Y-%m-%d %H:%M:%S})"
