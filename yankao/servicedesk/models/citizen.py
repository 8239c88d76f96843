"""The citizen's side: topics in plain words, public updates, and people following a case
or a district by e-mail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yankao.core.models.agencies import localized
from yankao.servicedesk.models.cases import DESCRIPTION_MAX, Case
from yankao.servicedesk.models.policy import Category


class Topic(models.Model):
    """市民議題: what a citizen would call a problem ("A street light is out"), mapped to the
    internal 1999 category that handles it; a topic without a parent groups others
    ("Street lights and traffic lights"). Data: each city ships its own mapping."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=pgettext_lazy("topic", "group"), null=True, blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    keywords = models.CharField(_("search words"), max_length=300, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("internal category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="topics",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("citizen topic")
        verbose_name_plural = _("citizen topics")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class UpdateKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Sent to the handling agency")
    OPENED = "opened", _("The agency is handling it")
    SUPPLEMENT = "supplement", _("More information requested")
    SUPPLEMENT_PROVIDED = "supplement_provided", _("Information supplied")
    EXTENDED = "extended", _("Time limit extended")
    TRANSFERRED = "transferred", _("Transferred to the competent agency")
    NOTE = "note", _("Progress")
    ANSWERED = "answered", _("Answered")
    MERGED = "merged", _("Merged into another case")
    FILED = "filed", _("Filed without handling")
    CLOSED = "closed", _("Closed")


class CaseUpdate(models.Model):
    """公開進度: one public update of a case, in the order it happened: what the citizen,
    the followers, the public page, the Atom feed and Open311's servicerequestupdates see.

    ``text`` is what the agency wrote for the public (a reply, a notice, a note);
    ``public_text`` is set when a moderator masked part of it.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="updates")
    kind = models.CharField(_("kind"), max_length=24, choices=UpdateKind.choices)
    status = models.CharField(_("case status after it"), max_length=20)
    text = models.TextField(_("text"), blank=True, max_length=DESCRIPTION_MAX)
    public_text = models.TextField(_("text as published"), blank=True)
    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("public update")
        verbose_name_plural = _("public updates")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="sd_update_case_idx"),
            # Open311 servicerequestupdates: by time, across cases.
            models.Index(fields=["created_at"], name="sd_update_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_kind_display()}"


class Subscription(models.Model):
    """追蹤: someone who gets an e-mail for each public update of a case, or of every case in
    a district. The address is in the vault (``contact``); ``token`` is the one-click
    unsubscribe (and, while pending, the confirmation) key.

    The reporter follows their own case from the start; anyone else confirms first, so no
    one can subscribe a stranger.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Active")
        STOPPED = "stopped", _("Unsubscribed")
        BOUNCED = "bounced", _("Stopped: the e-mail bounced")

    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="subscriptions")
    district = models.ForeignKey(
        "core.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    contact = models.ForeignKey(
        "core.PersonalContact", verbose_name=_("e-mail (in the vault)"),
        on_delete=models.PROTECT, related_name="+",
    )
    # A keyed hash of the address, so a second request for the same address and target
    # finds the first without reading the vault.
    email_hash = models.CharField(max_length=64, editable=False)
    is_reporter = models.BooleanField(_("the reporter"), default=False)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    token = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["email_hash"], name="sd_sub_email_idx"),
            models.Index(fields=["case"], condition=models.Q(status="active"),
                         name="sd_sub_case_idx"),
            models.Index(fields=["district"], condition=models.Q(status="active"),
                         name="sd_sub_district_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, district__isnull=True)
                | models.Q(case__isnull=True, district__isnull=False),
                name="servicedesk_subscription_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.case.number if self.case_id else f"district {self.district_id}"
        return f"subscription {self.pk} → {target}"
