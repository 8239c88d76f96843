"""/api/v1/counter: open legal-consultation sessions and web bookings (public, rate-limited)
and the counts per site and month (staff token)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from yankao.core.api.params import INT_MAX
from yankao.core.ratelimit import rate_limit
from yankao.counter import selectors, services
from yankao.counter.models import Channel

router = Router(tags=["counter"])


class SessionOut(Schema):
    id: int
    site: str
    site_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    places: int
    free: int


class BookingIn(Schema):
    session: int = Field(..., ge=1, le=INT_MAX)
    name: str = Field(..., max_length=100)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    matter: str = Field("", max_length=200)


class BookingOut(Schema):
    number: str
    session: int
    starts_at: dt.datetime
    site: str


class SiteMonthsOut(Schema):
    site: str
    months: list[int]
    total: int


class StatisticsOut(Schema):
    year: int
    legal_consultations: list[SiteMonthsOut]
    blood_pressure_checks: list[SiteMonthsOut]
    booked: int
    attended: int
    no_show: int
    cancelled: int


@router.get("/counter/sessions", auth=None, response=list[SessionOut])
def sessions(request: HttpRequest, site: str = Query("", max_length=32)):
    """Legal-consultation sessions of the next four weeks, with free places."""
    return [SessionOut(id=s.pk, site=s.site.code, site_name=s.site.name,
                       starts_at=s.starts_at, ends_at=s.ends_at, places=s.capacity,
                       free=max(0, s.capacity - s.booked))
            for s in selectors.open_sessions(site=site)]


@router.post("/counter/bookings", auth=None, response={201: BookingOut})
def book(request: HttpRequest, payload: BookingIn):
    """Book a place on the web: 409 when the session is full or the person has a place."""
    rate_limit(request, group="counter-book", rate="10/h")
    session = selectors.session_public_get(session_id=payload.session)
    booking = services.booking_create(actor=None, session=session, channel=Channel.WEB,
                                      name=payload.name, phone=payload.phone,
                                      email=payload.email, matter=payload.matter)
    return Status(201, BookingOut(number=booking.number, session=session.pk,
                                  starts_at=session.starts_at, site=session.site.code))


@router.get("/counter/statistics", response=StatisticsOut, url_name="counter_statistics")
def statistics(request: HttpRequest, year: int = Query(..., ge=2000, le=2100)):
    """Legal consultations and blood-pressure checks per site and month (staff token)."""
    def rows(items):
        return [SiteMonthsOut(site=r.site_code, months=list(r.months), total=r.total)
                for r in items]

    figures = selectors.booking_figures(actor=request.user, year=year)
    return StatisticsOut(
        year=year,
        legal_consultations=rows(selectors.consultations_by_site_month(actor=request.user,
                                                                       year=year)),
        blood_pressure_checks=rows(selectors.visits_by_site_month(
            actor=request.user, year=year, service="blood-pressure")),
        booked=figures.booked, attended=figures.attended, no_show=figures.no_show,
        cancelled=figures.cancelled)
