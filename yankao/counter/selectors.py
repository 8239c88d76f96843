"""Every read of the counter services: open sessions for citizens, the sites' own lists
for their staff, and the counts per site and month for the annual report (伍2, 伍3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.counter.access import site_agency_ids
from yankao.counter.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingStatus,
    ConsultationSession,
    CounterService,
    Site,
    Visit,
)

LEGAL = "legal"
# Active bookings, counted from a session.
BOOKED = ~Q(bookings__status=BookingStatus.CANCELLED)


def _sites(actor) -> QuerySet[Site]:
    if actor is None:
        return Site.objects.all()
    ids = site_agency_ids(actor)
    return Site.objects.all() if ids is None else Site.objects.filter(agency_id__in=ids)


def site_list(*, actor=None, active: bool = True) -> QuerySet[Site]:
    """Sites the actor works at (staff), or every active site (``actor=None``: public)."""
    queryset = _sites(actor)
    return queryset.filter(active=True) if active else queryset


def service_list(*, bookable: bool | None = None) -> QuerySet[CounterService]:
    queryset = CounterService.objects.all()
    return queryset if bookable is None else queryset.filter(bookable=bookable)


def service_get(*, code: str) -> CounterService:
    service = CounterService.objects.filter(code=code).first()
    if service is None:
        raise DomainError(ErrorCode.NOT_FOUND, field="service")
    return service


def open_sessions(*, service: str = LEGAL, site: str = "", days: int = 28,
                  now: dt.datetime | None = None) -> QuerySet[ConsultationSession]:
    """Sessions citizens may still book, with ``booked`` (active bookings) annotated."""
    now = now or timezone.now()
    queryset = (ConsultationSession.objects.filter(
        service__code=service, cancelled=False, starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=days), site__active=True)
        .select_related("site").annotate(booked=Count("bookings", filter=BOOKED))
        .order_by("starts_at", "site__sort_order"))
    return queryset.filter(site__code=site) if site else queryset


def session_public_get(*, session_id: int) -> ConsultationSession:
    session = (ConsultationSession.objects.select_related("site", "service")
               .filter(pk=session_id, cancelled=False).first())
    if session is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return session


def staff_sessions(*, actor, start: dt.date, days: int = 14) -> QuerySet[ConsultationSession]:
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return (ConsultationSession.objects.filter(
        site__in=_sites(actor), starts_at__gte=begin,
        starts_at__lt=begin + dt.timedelta(days=days))
        .select_related("site", "service")
        .annotate(booked=Count("bookings", filter=BOOKED),
                  attended=Count("bookings", filter=Q(bookings__status="attended")))
        .order_by("starts_at", "site__sort_order"))


def session_get(*, actor, session_id: int) -> ConsultationSession:
    session = (ConsultationSession.objects.select_related("site__agency", "service")
               .filter(pk=session_id, site__in=_sites(actor)).first())
    if session is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return session


def session_bookings(*, session: ConsultationSession) -> QuerySet[Booking]:
    """A session's bookings (for a caller that checked the session): no contact joined."""
    return session.bookings.order_by("id")


def booking_get(*, actor, number: str) -> Booking:
    booking = (Booking.objects.select_related("session__site__agency")
               .filter(number=number, session__site__in=_sites(actor)).first())
    if booking is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return booking


def booking_public_get(*, number: str) -> Booking:
    """A booking by its number, for the citizen who proves it with their phone."""
    booking = Booking.objects.select_related("session__site").filter(number=number).first()
    if booking is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return booking


def call_list(*, actor, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """Bookings of the next 30 hours that no e-mail reminded: to be phoned."""
    now = now or timezone.now()
    return (Booking.objects.filter(session__site__in=_sites(actor),
                                   status=BookingStatus.BOOKED, reminded_at__isnull=True,
                                   session__starts_at__gt=now,
                                   session__starts_at__lte=now + dt.timedelta(hours=30))
            .select_related("session__site").order_by("session__starts_at"))


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz))


@dataclass(frozen=True)
class SiteMonths:
    site_code: str
    site_name: str
    months: tuple[int, ...]  # January … December

    @property
    def total(self) -> int:
        return sum(self.months)


def _by_site_month(rows, sites) -> list[SiteMonths]:
    counts: dict[tuple[int, int], int] = {(r["site"], r["month"]): r["n"] or 0 for r in rows}
    return [SiteMonths(site.code, site.name,
                       tuple(counts.get((site.pk, m), 0) for m in range(1, 13)))
            for site in sites]


def consultations_by_site_month(*, actor, year: int, service: str = LEGAL
                                ) -> list[SiteMonths]:
    """法律諮詢人次: people who attended a session, per site and month of the session."""
    start, end = _year_range(year)
    rows = (Booking.objects.filter(status=BookingStatus.ATTENDED, session__service__code=service,
                                   session__starts_at__gte=start, session__starts_at__lt=end,
                                   session__site__in=_sites(actor))
            .annotate(month=ExtractMonth("session__starts_at"))
            .values("month", site=F("session__site_id")).annotate(n=Count("id")))
    return _by_site_month(rows, site_list(actor=actor, active=False))


def visits_by_site_month(*, actor, year: int, service: str) -> list[SiteMonths]:
    """Walk-in services (e.g. 量血壓人次) per site and month."""
    start, end = _year_range(year)
    rows = (Visit.objects.filter(service__code=service, served_at__gte=start, served_at__lt=end,
                                 site__in=_sites(actor))
            .annotate(month=ExtractMonth("served_at")).values("month", "site")
            .annotate(n=Sum("people")))
    return _by_site_month(rows, site_list(actor=actor, active=False))


@dataclass(frozen=True)
class BookingFigures:
    booked: int
    attended: int
    no_show: int
    cancelled: int
    by_channel: dict[str, int]


def booking_figures(*, actor, year: int, service: str = LEGAL) -> BookingFigures:
    start, end = _year_range(year)
    queryset = Booking.objects.filter(session__service__code=service,
                                      session__starts_at__gte=start, session__starts_at__lt=end,
                                      session__site__in=_sites(actor))
    totals = queryset.aggregate(
        booked=Count("id", filter=ACTIVE_BOOKING),
        attended=Count("id", filter=Q(status=BookingStatus.ATTENDED)),
        no_show=Count("id", filter=Q(status=BookingStatus.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=BookingStatus.CANCELLED)))
    channels = dict(queryset.filter(ACTIVE_BOOKING).values_list("channel").annotate(
        n=Count("id")).values_list("channel", "n"))
    return BookingFigures(**totals, by_channel=channels)
