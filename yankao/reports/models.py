"""Narrative blocks with their versions and review, and report-generation jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NarrativeBlock(models.Model):
    """The text of one report section for one period, written by the responsible unit.

    Its figures are never typed: the text names them as ``[[figure.key]]`` and the report
    puts in the computed value.
    """

    structure = models.CharField(_("kind of report"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    section_key = models.CharField(_("section"), max_length=20)
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("responsible unit"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("narrative block")
        verbose_name_plural = _("narrative blocks")
        ordering = ["structure", "year", "month", "section_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "year", "section_key"],
                condition=models.Q(month__isnull=True),
                name="reports_block_unique_yearly",
            ),
            models.UniqueConstraint(
                fields=["structure", "year", "month", "section_key"],
                condition=models.Q(month__isnull=False),
                name="reports_block_unique_monthly",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        return f"{self.structure} {period} §{self.section_key}"


class NarrativeVersion(models.Model):
    """One saved version of a block's text. Versions are kept; none is edited after saving."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    block = models.ForeignKey(NarrativeBlock, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"),
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"),
                                 null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("narrative version")
        verbose_name_plural = _("narrative versions")
        ordering = ["block", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="reports_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.block} v{self.number} ({self.state})"

    @property
    def agency(self):
        return self.block.agency


class ReportJob(models.Model):
    """A report being generated in the background, with its progress and its file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Generation failed")

    structure = models.CharField(_("kind of report"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    fmt = models.CharField(_("format"), max_length=8)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Progress in real steps: one per section of the report, then the file's layout.
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steps in all"), default=0)
    step = models.CharField(_("last step"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.structure} {self.year} {self.fmt} ({self.status})"
