"""Thin HTML views of the counter services: citizens book a legal consultation on the web
or cancel it; the sites' staff open sessions, book callers and visitors, record who came
and count walk-in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import table_response
from yankao.core.ratelimit import rate_limit
from yankao.counter import forms, selectors, services
from yankao.counter.models import Channel


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- citizens ---------------------------------------------------------------------------------


@require_GET
def public_sessions(request: HttpRequest) -> HttpResponse:
    site = request.GET.get("site", "")[:32]
    return render(request, "counter/public_sessions.html", {
        "sessions": selectors.open_sessions(site=site), "sites": selectors.site_list(),
        "site": site})


@require_http_methods(["GET", "POST"])
def public_book(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = selectors.session_public_get(session_id=session_id)
    except DomainError as error:
        raise Http404(error.message) from None
    form = forms.BookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        try:
            rate_limit(request, group="counter-book", rate="10/h")
            if form.is_valid():
                booking = services.booking_create(actor=None, session=session,
                                                  channel=Channel.WEB, **form.cleaned_data)
                return render(request, "counter/public_booked.html",
                              {"booking": booking, "session": session})
        except DomainError as error:
            _form_error(form, error)
            status = error.status
    return render(request, "counter/public_book.html", {"form": form, "session": session},
                  status=status)


@require_http_methods(["GET", "POST"])
def public_cancel(request: HttpRequest) -> HttpResponse:
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST":
        try:
            rate_limit(request, group="counter-cancel", rate="20/h")
            if form.is_valid():
                contact = form.cleaned_data["phone"]
                booking = selectors.booking_public_get(number=form.cleaned_data["number"])
                services.booking_cancel(actor=None, booking=booking,
                                        phone="" if "@" in contact else contact,
                                        email=contact if "@" in contact else "")
                messages.success(request, _("The booking is cancelled; thank you for telling "
                                            "us."))
                return redirect("counter:public-sessions")
        except DomainError as error:
            message = (_("No booking has this number and phone.")
                       if error.code == ErrorCode.NOT_FOUND else error.message)
            form.add_error(None, message)
        return render(request, "counter/public_cancel.html", {"form": form}, status=422)
    return render(request, "counter/public_cancel.html", {"form": form})


# --- staff ------------------------------------------------------------------------------------


def _staff_sites(request: HttpRequest):
    sites = selectors.site_list(actor=request.user)
    if not sites.exists():
        raise PermissionDenied
    return sites


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    sites = _staff_sites(request)
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    legal = selectors.consultations_by_site_month(actor=request.user, year=year)
    pressure = selectors.visits_by_site_month(actor=request.user, year=year,
                                              service="blood-pressure")
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers = [_("Service"), _("Site"), *[str(m) for m in range(1, 13)], _("Total")]
        rows = [[_("Legal consultations"), row.site_name, *row.months, row.total]
                for row in legal]
        rows += [[_("Blood-pressure checks"), row.site_name, *row.months, row.total]
                 for row in pressure]
        return table_response(headers=headers, rows=rows, filename=f"counter-{year}", fmt=fmt)
    return render(request, "counter/staff_home.html", {
        "sites": sites, "year": year, "legal": legal, "pressure": pressure,
        "figures": selectors.booking_figures(actor=request.user, year=year),
        "sessions": selectors.staff_sessions(actor=request.user,
                                             start=timezone.localdate()),
        "calls": selectors.call_list(actor=request.user), "months": range(1, 13),
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    sites = _staff_sites(request)
    form = forms.SessionForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        try:
            session = services.session_create(
                actor=request.user, site=sites.get(code=data["site"]),
                service=selectors.service_get(code=selectors.LEGAL),
                starts_at=dt.datetime.combine(data["day"], data["start"], tzinfo=tz),
                ends_at=dt.datetime.combine(data["day"], data["end"], tzinfo=tz),
                capacity=data["capacity"], lawyer=data["lawyer"])
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The session is open for bookings."))
            return redirect("counter:session", session_id=session.pk)
    return render(request, "counter/session_new.html", {"form": form},
                  status=422 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = selectors.session_get(actor=request.user, session_id=session_id)
    except DomainError as error:
        raise Http404(error.message) from None
    form = forms.StaffBookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                booking = services.booking_create(actor=request.user, session=session,
                                                  **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Booked: %(number)s.") % {"number": booking.number})
                return redirect("counter:session", session_id=session.pk)
    return render(request, "counter/session_detail.html", {
        "session": session, "bookings": selectors.session_bookings(session=session),
        "form": form, "started": session.starts_at <= timezone.now()}, status=status)


@login_required
@require_POST
def booking_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    try:
        booking = selectors.booking_get(actor=request.user, number=number)
        if action == "attended":
            services.booking_attendance(actor=request.user, booking=booking, attended=True)
        elif action == "no-show":
            services.booking_attendance(actor=request.user, booking=booking, attended=False)
        elif action == "cancel":
            services.booking_cancel(actor=request.user, booking=booking)
        else:
            raise Http404
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        if error.code == ErrorCode.FORBIDDEN:
            raise PermissionDenied from None
        messages.error(request, error.message)
        return redirect("counter:staff-home")
    return redirect("counter:session", session_id=booking.session_id)


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    sites = _staff_sites(request)
    walk_in = selectors.service_list(bookable=False)
    form = forms.VisitForm(request.POST or None, sites=sites, services=walk_in)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(actor=request.user, site=sites.get(code=data["site"]),
                                  service=walk_in.get(code=data["service"]),
                                  people=data["people"])
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("counter:visit-new")
    return render(request, "counter/visit_new.html", {"form": form},
                  status=422 if request.method == "POST" else 200)
