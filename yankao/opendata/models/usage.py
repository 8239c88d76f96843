"""Use of the catalogue: views and downloads per month, and what the public asks for:
data requests (我想要更多) and comments on datasets, moderated and answered by the owning
agency within a deadline on the working calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.opendata.models.catalogue import Dataset


class DatasetUsage(models.Model):
    """Views of a dataset's page and downloads of its resources in one month."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="usage")
    month = models.DateField(_("month"))
    views = models.PositiveIntegerField(_("views"), default=0)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("monthly use")
        verbose_name_plural = _("monthly use")
        ordering = ["-month", "dataset"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "month"], name="opendata_usage_month"),
            models.CheckConstraint(condition=models.Q(month__day=1),
                                   name="opendata_usage_first_of_month"),
        ]
        indexes = [models.Index(fields=["month", "dataset"], name="opendata_usage_by_month")]

    def __str__(self) -> str:
        return f"{self.dataset.identifier} {self.month:%Y-%m}"


class RequestPolicy(models.Model):
    """How long an agency has to answer a request or a comment, from the day it was
    published (working days on the city's calendar). Dated, so a change applies from then."""

    effective_from = models.DateField(_("in force from"), unique=True)
    answer_working_days = models.PositiveSmallIntegerField(_("working days to answer"))

    class Meta:
        verbose_name = _("answer deadline")
        verbose_name_plural = _("answer deadlines")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(answer_working_days__gte=1),
                                   name="opendata_policy_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.answer_working_days}"


class PublicFeedback(models.Model):
    """What both a data request and a comment share: moderation, routing, the answer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting moderation")
        REJECTED = "rejected", _("Not published")
        OPEN = "open", _("Published, awaiting the agency's answer")
        ANSWERED = "answered", _("Answered")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    body = models.TextField(_("text"))
    display_name = models.CharField(_("name shown"), max_length=60, blank=True)
    contact = models.OneToOneField("core.PersonalContact", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    agency = models.ForeignKey("core.Agency", verbose_name=_("answering agency"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    rejection_reason = models.CharField(_("why not published"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None or self.due_at is None:
            return None
        return self.answered_at <= self.due_at


class DataRequest(PublicFeedback):
    """我想要更多: a request for data the city does not yet publish."""

    title = models.CharField(_("what data"), max_length=200)
    dataset = models.ForeignKey(Dataset, verbose_name=_("dataset that answers it"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="requests")

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="opendata_request_due")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DatasetComment(PublicFeedback):
    """我有話要說: a comment on a published dataset, answered by its agency."""

    dataset = models.ForeignKey(Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT,
                                related_name="comments")

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="opendata_comment_due")]

    def __str__(self) -> str:
        return self.number
