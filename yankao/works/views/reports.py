"""Pages of citizen works reports (全民督工): the public form, staff intake, the report and
its procedure, the reporter's contact for the agency; and training sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import table_response
from yankao.core.permissions import has_role
from yankao.core.ratelimit import rate_limit
from yankao.core.selectors import audit_history_for
from yankao.core.services.vault import can_reveal
from yankao.core.views import attachment_response
from yankao.core.years import default_year
from yankao.works import selectors
from yankao.works.access import AGENCY_ROLES, INTAKE_ROLES, TRAINING_ROLES, is_team
from yankao.works.forms import (
    ReportForm,
    ReportImprovementForm,
    RouteForm,
    StaffReportForm,
    SurveyForm,
    TextForm,
    TrainingForm,
)
from yankao.works.models import CitizenReport
from yankao.works.services import citizen as services
from yankao.works.views.common import fetch, put_error, works_context, year_from

PUBLIC_RATE = "5/m"


def _tender_for(request: HttpRequest, form, number: str):
    """The tender a report names, if the number is known (any agency's: the public may
    name any site)."""
    if not number:
        return None
    tender = selectors.tender_for_report(pcc_number=number)
    if tender is None:
        form.add_error("tender", _("No tender with this number; leave it empty if unsure."))
    return tender


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """全民督工 on the web: anyone, no account; CSRF-protected, rate-limited, photos checked."""
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        try:
            rate_limit(request, group="works.public_report", rate=PUBLIC_RATE)
        except DomainError as error:
            form.add_error(None, error.message)
            return render(request, "works/public_report.html", {"form": form}, status=429)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            tender = _tender_for(request, form, data["tender"])
            if not form.errors:
                try:
                    report = services.citizen_report_submit(
                        actor=None, channel=CitizenReport.Channel.WEB,
                        subject=data["subject"], description=data["description"],
                        location=data["location"], tender=tender, name=data["name"],
                        phone=data["phone"], email=data["email"], photos=data["photos"])
                except DomainError as error:
                    put_error(form, error)
                else:
                    request.session["works_report"] = report.number
                    return redirect("works:public-report-thanks")
    return render(request, "works/public_report.html", {"form": form}, status=status)


@require_GET
def public_report_thanks(request: HttpRequest) -> HttpResponse:
    number = request.session.get("works_report")
    if not number:
        raise Http404
    return render(request, "works/public_report_thanks.html", {"number": number})


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    year = year_from(request, 0) if request.GET.get("year") else None
    status = request.GET.get("status", "")
    status = status if status in CitizenReport.Status.values else ""
    reports = selectors.citizen_report_list(actor=request.user, year=year, status=status)
    if request.GET.get("format") in ("csv", "xlsx"):
        # Never the reporter: no name, phone, email or address in any export.
        return table_response(
            headers=[_("Number"), _("Received"), _("Channel"), _("Subject"), _("Location"),
                     _("Implementing agency"), _("PCC tender number"), _("Status"),
                     _("Satisfaction"), _("Service-desk case number")],
            rows=([r.number, r.received_at, r.get_channel_display(), r.subject, r.location,
                   r.agency.name_zh if r.agency else "",
                   r.tender.pcc_number if r.tender else "", r.get_status_display(),
                   r.get_satisfaction_display(), r.service_desk_case_number]
                  for r in reports.order_by("received_at")),
            filename="citizen-works-reports", fmt=request.GET["format"],
            title=_("Citizen works reports"))
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    review = (selectors.citizen_report_review_list(actor=request.user, year=year)
              if year else None)
    return render(request, "works/report_list.html", works_context(
        request, page=page, year=year, status=status, statuses=CitizenReport.Status.choices,
        query=query.urlencode(), review=review,
        can_take=has_role(request.user, *INTAKE_ROLES)))


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Staff intake of a report by phone or on the 1999 hotline."""
    if not has_role(request.user, *INTAKE_ROLES):
        raise PermissionDenied
    form = StaffReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tender = _tender_for(request, form, data["tender"])
        if not form.errors:
            try:
                report = services.citizen_report_submit(
                    actor=request.user, channel=data["channel"], subject=data["subject"],
                    description=data["description"], location=data["location"],
                    tender=tender, name=data["name"], phone=data["phone"],
                    email=data["email"], photos=data["photos"],
                    service_desk_case_number=data["service_desk_case_number"])
            except DomainError as error:
                put_error(form, error)
            else:
                messages.success(request, _("Report %(number)s is registered.")
                                 % {"number": report.number})
                return redirect("works:report-detail", number=report.number)
    return render(request, "works/report_new.html", works_context(request, form=form),
                  status=422 if request.method == "POST" else 200)


@login_required
@require_GET
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    from yankao.servicedesk.selectors import case_numbers_visible

    report = fetch(selectors.citizen_report_get, actor=request.user, number=number)
    agency_staff = report.agency is not None and has_role(request.user, *AGENCY_ROLES,
                                                          agency=report.agency)
    return render(request, "works/report_detail.html", works_context(
        request, report=report, team=is_team(request.user), agency_staff=agency_staff,
        # The service desk's case is linked only for those who may open it.
        case_visible=bool(case_numbers_visible(
            actor=request.user, numbers=[report.service_desk_case_number])),
        may_reveal=report.contact_id is not None and report.agency is not None
        and can_reveal(request.user, [report.agency]) is not None,
        route_form=RouteForm(initial={"agency": report.agency or (
            report.tender.agency if report.tender else None),
            "tender": report.tender.pcc_number if report.tender else ""}),
        handle_form=TextForm(label=_("Handling (contact with the reporter, what is done)")),
        extend_form=TextForm(label=_("Reason for the extension")),
        improve_form=ReportImprovementForm(),
        verify_form=TextForm(label=_("Note (needed to return it)")),
        survey_form=SurveyForm(),
        respond_form=TextForm(label=_("The agency's explanation")),
        conclude_form=TextForm(label=_("The inspection team's conclusion")),
        photos=selectors.citizen_report_photos(actor=request.user, report=report),
        history=audit_history_for(actor=request.user, obj=report)))


def _text(request) -> str:
    return request.POST.get("text", "")


ACTIONS = {
    "handle": lambda request, report: services.citizen_report_handle(
        actor=request.user, report=report, note=_text(request)),
    "extend": lambda request, report: services.citizen_report_extend(
        actor=request.user, report=report, reason=_text(request)),
    "verify": lambda request, report: services.citizen_report_verify(
        actor=request.user, report=report, accepted=request.POST.get("decision") == "accept",
        note=_text(request)),
    "survey": lambda request, report: services.citizen_report_survey(
        actor=request.user, report=report, satisfied=request.POST.get("satisfied") == "yes"),
    "respond": lambda request, report: services.citizen_report_dissatisfaction_respond(
        actor=request.user, report=report, response=_text(request)),
    "conclude": lambda request, report: services.citizen_report_dissatisfaction_conclude(
        actor=request.user, report=report, outcome=_text(request)),
}


@login_required
@require_POST
def report_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    report = fetch(selectors.citizen_report_get, actor=request.user, number=number)
    try:
        if action == "route":
            form = RouteForm(request.POST)
            if not form.is_valid():
                raise DomainError(ErrorCode.INVALID, _("Choose the implementing agency."))
            tender = (fetch(selectors.tender_get, actor=request.user,
                            pcc_number=form.cleaned_data["tender"])
                      if form.cleaned_data["tender"] else None)
            services.citizen_report_route(actor=request.user, report=report,
                                          agency=form.cleaned_data["agency"], tender=tender,
                                          referred=list(form.cleaned_data["referred"]))
        elif action == "improve":
            form = ReportImprovementForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(ErrorCode.INVALID, _("Describe the improvement."))
            services.citizen_report_improvement(actor=request.user, report=report,
                                                note=form.cleaned_data["note"],
                                                photos=form.cleaned_data["photos"])
        elif action in ACTIONS:
            ACTIONS[action](request, report)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("works:report-detail", number=report.number)


@never_cache  # personal data: no copy in any cache
@login_required
@require_POST
def report_contact(request: HttpRequest, number: str) -> HttpResponse:
    """The reporter's contact, shown once to an officer of the implementing agency; the
    vault logs the reveal (or the refusal)."""
    report = fetch(selectors.citizen_report_get, actor=request.user, number=number)
    try:
        contact = services.citizen_report_contact(actor=request.user, report=report,
                                                  reason=request.POST.get("reason", ""))
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        raise PermissionDenied(error.message) from None
    return render(request, "works/report_contact.html",
                  works_context(request, report=report, contact=contact))


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    year = year_from(request, default_year(selectors.training_years()))
    may_record = has_role(request.user, *TRAINING_ROLES)
    form = TrainingForm(request.POST or None) if may_record else None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                session = services.training_session_record(actor=request.user,
                                                           **form.cleaned_data)
            except DomainError as error:
                put_error(form, error)
            else:
                messages.success(request, _("The session is recorded."))
                return redirect(f"{request.path}?year={session.held_on.year}")
    return render(request, "works/training.html", works_context(
        request, year=year, sessions=selectors.training_list(year=year),
        summary=selectors.training_summary(year=year), form=form),
        status=422 if request.method == "POST" else 200)



@login_required
@require_GET
def works_photo(request: HttpRequest, uuid) -> HttpResponse:
    """A photo of a progress row, defect or citizen report, with the works scope."""
    return attachment_response(fetch(selectors.works_photo_get, actor=request.user, uuid=uuid))
