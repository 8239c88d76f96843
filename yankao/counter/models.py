"""Counter services of the joint service centre (聯合服務中心, report 伍2–3): free legal
consultations by volunteer lawyers at four sites, booked into sessions with a capacity,
and walk-in services such as blood-pressure checks, counted per site and month."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized


class Site(models.Model):
    """服務據點: 四維行政中心, or a district office that hosts sessions."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=100)
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    address_zh = models.CharField(_("address"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class CounterService(models.Model):
    """A service of the counter: legal consultation (booked), blood pressure (walk-in)…"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=100)
    bookable = models.BooleanField(
        _("booked into sessions"), default=False,
        help_text=_("Booked into sessions with a capacity; otherwise counted as walk-ins."))

    class Meta:
        verbose_name = _("counter service")
        verbose_name_plural = _("counter services")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class ConsultationSession(models.Model):
    """諮詢時段: one volunteer lawyer's sitting at a site, with places for so many people."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="sessions")
    service = models.ForeignKey(CounterService, verbose_name=_("service"),
                                on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    lawyer = models.CharField(_("volunteer lawyer"), max_length=100, blank=True,
                              help_text=_("Shown to staff only."))
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        ordering = ["starts_at", "site__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["site", "service", "starts_at"],
                                    name="counter_session_unique_start"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="counter_session_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1, capacity__lte=200),
                                   name="counter_session_capacity_range"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="counter_session_start_idx")]

    def __str__(self) -> str:
        return f"{self.site} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def agency(self):
        return self.site.agency


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    WEB = "web", _("Web")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_BOOKING = ~models.Q(status=BookingStatus.CANCELLED)


class Booking(models.Model):
    """預約: one person's place in a session. Their name and contact are in the vault;
    ``person_key`` (a keyed hash of the phone or e-mail) finds a second booking by the
    same person without keeping the number here."""

    number = models.CharField(_("booking number"), max_length=20, unique=True)
    session = models.ForeignKey(ConsultationSession, verbose_name=_("session"),
                                on_delete=models.PROTECT, related_name="bookings")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices,
                              default=BookingStatus.BOOKED)
    person_key = models.CharField(max_length=64, editable=False)
    contact = models.ForeignKey("core.PersonalContact", verbose_name=_("contact"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    matter = models.CharField(_("matter"), max_length=200, blank=True,
                              help_text=_("What the consultation is about, in a few words."))
    created_at = models.DateTimeField(_("booked at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("booked by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person_key"], condition=ACTIVE_BOOKING,
                                    name="counter_booking_once_per_session"),
        ]
        indexes = [models.Index(fields=["session", "status"], name="counter_booking_state_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def agency(self):
        return self.session.site.agency


class Visit(models.Model):
    """A walk-in service given at a counter (one blood-pressure check is one visit)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="visits")
    service = models.ForeignKey(CounterService, verbose_name=_("service"),
                                on_delete=models.PROTECT, related_name="visits")
    served_at = models.DateTimeField(_("served at"))
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-served_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(people__gte=1, people__lte=500),
                                   name="counter_visit_people_range"),
        ]
        indexes = [models.Index(fields=["service", "served_at"], name="counter_visit_idx")]

    def __str__(self) -> str:
        return f"{self.site} {self.service} {self.served_at:%Y-%m-%d}"

    @property
    def agency(self):
        return self.site.agency
