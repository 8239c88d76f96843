"""Citizen works reports (全民督工) and training sessions (工程教育訓練)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenReport(models.Model):
    """全民督工通報: a citizen's report about a public-works site.

    The reporter's name and contact live in the vault (``contact``); only officers of the
    implementing agency read them, and nothing public, exported or counted joins them.
    ``service_desk_case_number`` links a report that came in as a service-desk case.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("Reporting line")
        HOTLINE_1999 = "1999", _("1999 hotline")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ROUTED = "routed", _("Routed to the agency")
        HANDLING = "handling", _("Being handled")
        IMPROVED = "improved", _("Improvement reported")
        CLOSED = "closed", _("Closed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    class Dissatisfaction(models.TextChoices):
        AGENCY_REVIEW = "agency_review", _("Agency re-examines and explains")
        TEAM_REVIEW = "team_review", _("Inspection team reviews")
        RESOLVED = "resolved", _("Procedure completed")

    number = models.CharField(_("number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    service_desk_case_number = models.CharField(
        _("service-desk case number"), max_length=40, blank=True,
        help_text=_("The 1999 or petition case this report came from, if any."),
    )
    tender = models.ForeignKey("works.Tender", verbose_name=_("tender"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="citizen_reports")
    agency = models.ForeignKey("core.Agency", verbose_name=_("implementing agency"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    referred_agencies = models.ManyToManyField(
        "core.Agency", verbose_name=_("also referred to"), blank=True, related_name="+",
        help_text=_("Agencies responsible for traffic, safety or environmental matters."),
    )
    subject = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=200)
    district = models.ForeignKey("core.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    handling_note = models.TextField(_("handling"), blank=True)
    improvement_note = models.TextField(_("improvement"), blank=True)
    improved_at = models.DateTimeField(_("improvement reported"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified by the inspection team"), null=True,
                                       blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("verified by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=14,
                                    choices=Satisfaction.choices, blank=True)
    surveyed_at = models.DateTimeField(_("surveyed"), null=True, blank=True)
    dissatisfaction_stage = models.CharField(
        _("dissatisfied-case procedure"), max_length=14, choices=Dissatisfaction.choices,
        blank=True,
    )
    dissatisfaction_response = models.TextField(_("agency's explanation"), blank=True)
    dissatisfaction_outcome = models.TextField(_("inspection team's conclusion"), blank=True)
    contact = models.OneToOneField("core.PersonalContact", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("reporter's contact"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("taken by"))

    class Meta:
        verbose_name = _("citizen works report")
        verbose_name_plural = _("citizen works reports")
        ordering = ["-received_at", "-number"]
        indexes = [
            models.Index(fields=["agency", "received_at"], name="works_report_agency_idx"),
            models.Index(fields=["received_at"], name="works_report_received_idx"),
        ]

    def __str__(self) -> str:
        # Never personal data: str() ends up in logs and audit events.
        return self.number


class ReportExtension(models.Model):
    """An extension of a citizen report's deadline, with its reason (展延)."""

    report = models.ForeignKey(CitizenReport, on_delete=models.CASCADE,
                               related_name="extensions", verbose_name=_("report"))
    reason = models.TextField(_("reason"))
    previous_due_at = models.DateTimeField(_("was due"))
    new_due_at = models.DateTimeField(_("now due"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["report", "created_at"]

    def __str__(self) -> str:
        return f"{self.report.number} → {self.new_due_at:%Y-%m-%d}"


class TrainingSession(models.Model):
    """工程教育訓練: one course for engineering staff and contractors, with its attendance."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    co_organiser = models.CharField(_("co-organiser"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True,
                                blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "title"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"
