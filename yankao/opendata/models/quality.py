"""Quality assessments (品質標章): each run of the machine checks on a dataset, kept, so a
year's labels can be counted as they stood at its end."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.opendata.models.catalogue import Dataset


class QualityAssessment(models.Model):
    """The label a dataset earned in one run of the checks, and the checks that failed."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="assessments")
    assessed_at = models.DateTimeField(_("assessed at"))
    level = models.CharField(_("label"), max_length=8, choices=Dataset.Quality.choices)
    # {"resources": N, "failed": [{"resource": identifier, "check": name}, ...]}
    findings = models.JSONField(_("findings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("quality assessment")
        verbose_name_plural = _("quality assessments")
        ordering = ["dataset", "-assessed_at"]
        indexes = [models.Index(fields=["dataset", "assessed_at"], name="opendata_qa_when")]

    def __str__(self) -> str:
        return f"{self.dataset.identifier} {self.assessed_at:%Y-%m-%d} {self.level}"
