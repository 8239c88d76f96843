"""Thin HTML views of the service desk: staff pages and the citizen portal."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import table_response
from yankao.core.views import attachment_response
from yankao.core.years import default_year
from yankao.servicedesk import access, forms, selectors, services
from yankao.servicedesk.models import Assignment, Case, CaseKind, Channel, Extension
from yankao.servicedesk.reports import statistics_charts, statistics_table
from yankao.servicedesk.services import citizen as citizen_services


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _case_or_404(request: HttpRequest, number: str) -> Case:
    """The case if the user may read it; 404 otherwise (existence is not disclosed)."""
    try:
        return selectors.case_get(actor=request.user, number=number)
    except DomainError as error:
        raise Http404(error.message) from None


# --- staff ----------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "servicedesk/home.html", {
        "inbox_count": selectors.inbox_count(actor=request.user),
        "overdue_count": selectors.inbox_count(
            actor=request.user, filters=selectors.InboxFilters(status="overdue")),
        "queue_count": selectors.routing_queue(actor=request.user).count(),
        "extension_count": selectors.pending_extensions(actor=request.user).count(),
        "can_intake": access.may_intake(request.user),
        "can_route": access.may_route(request.user),
        "can_administer": access.may_administer(request.user),
    })


def _intake_context(request, form, call_form, created=None, password=""):
    return {"form": form, "call_form": call_form, "created": created, "password": password,
            "categories": selectors.category_choices()}


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """受理: the operator's intake, keyboard first. Saving also logs the call."""
    if not access.may_intake(request.user):
        raise PermissionDenied(_("Intake is for 1999 operators and registrars."))
    created, password = None, ""
    call_form = forms.CallForm()
    if request.method == "POST":
        form = forms.IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created, password = services.case_register(
                    actor=request.user, category=data["category"],
                    description=data["description"], channel=data["channel"],
                    kind=data["kind"] or None, petition_kind=data["petition_kind"],
                    latitude=data["latitude"], longitude=data["longitude"],
                    address=data["address"], district=data["district"],
                    confidential=data["confidential"], reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    reporter_email=data["reporter_email"], with_password=True,
                    submission_key=data["submission_key"] or None,
                    photos=data["attachments"],
                )
                if data["channel"] == Channel.PHONE and data["duration_seconds"] is not None \
                        and password:
                    services.call_log(actor=request.user, outcome="case_created",
                                      duration_seconds=data["duration_seconds"],
                                      category=data["category"], case=created)
            except DomainError as error:
                _form_error(form, error)
            else:
                form = forms.IntakeForm(initial={"submission_key": uuid.uuid4().hex})
        status = 200 if created else 422
    else:
        form = forms.IntakeForm(initial={"submission_key": uuid.uuid4().hex})
        status = 200
    return render(request, "servicedesk/intake.html",
                  _intake_context(request, form, call_form, created, password), status=status)


@login_required
@require_POST
def call_create(request: HttpRequest) -> HttpResponse:
    form = forms.CallForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.call_log(actor=request.user, outcome=data["outcome"],
                              duration_seconds=data["duration_seconds"],
                              answered_at_once=data["answered_at_once"],
                              category=data["category"])
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The call is logged."))
            return redirect("servicedesk:intake")
    return render(request, "servicedesk/intake.html",
                  _intake_context(request, forms.IntakeForm(), form), status=422)


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Open cases of the same category nearby, shown while the operator types (htmx)."""
    field = forms.CategoryField(required=False)
    try:
        category = field.clean(request.GET.get("category", ""))
        found = selectors.duplicate_candidates(
            category=category, latitude=request.GET.get("latitude") or None,
            longitude=request.GET.get("longitude") or None) if category else []
    except (forms.forms.ValidationError, ValueError, ArithmeticError):
        found = []
    return render(request, "servicedesk/_duplicates.html", {"duplicates": found})


@login_required
@require_http_methods(["GET", "POST"])
def routing(request: HttpRequest) -> HttpResponse:
    """分案: the registrar's queue; route the chosen cases by rule or to one agency."""
    if not access.may_route(request.user):
        raise PermissionDenied(_("Routing is for registrars."))
    queue = selectors.routing_queue(actor=request.user)
    form = forms.BulkAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = list(queue.filter(number__in=request.POST.getlist("cases")))
        if not chosen:
            messages.error(request, _("Choose at least one case."))
        else:
            try:
                routed = services.case_bulk_assign(actor=request.user, cases=chosen,
                                                   agency=form.cleaned_data["agency"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("%(count)s cases routed.") % {"count": len(routed)})
        return redirect("servicedesk:routing")
    page = selectors.routing_queue_page(actor=request.user, after=request.GET.get("after"))
    return render(request, "servicedesk/routing.html", {"page": page, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """收件匣: overdue first; filters; take several cases at once."""
    if request.method == "POST":
        chosen = list(selectors.inbox(actor=request.user).filter(
            pk__in=[value for value in request.POST.getlist("assignments") if value.isdigit()]))
        try:
            if not chosen:
                raise DomainError(ErrorCode.INVALID, _("Choose at least one case."))
            services.assignment_bulk_accept(actor=request.user, assignments=chosen)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)s cases taken.") % {"count": len(chosen)})
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    filter_form = forms.InboxFilterForm(request.GET or None)
    values = filter_form.cleaned_data if filter_form.is_valid() else {}
    filters = selectors.InboxFilters(status=values.get("status", ""),
                                     kind=values.get("kind", ""),
                                     query=values.get("q", "").strip())
    page = selectors.inbox_page(actor=request.user, filters=filters,
                                after=request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    context = {"filter_form": filter_form, "page": page, "query": query.urlencode()}
    template = "servicedesk/_inbox_rows.html" if request.htmx else "servicedesk/inbox.html"
    return render(request, template, context)


def _case_context(request, case: Case, **forms_in_error) -> dict:
    user = request.user
    assignments = list(selectors.case_assignments(case=case))
    mine = [a for a in assignments if a.is_active and access.handles(user, a.agency)]
    context = {
        "case": case, "assignments": assignments, "mine": mine,
        "files": list(selectors.case_attachments(case=case)),
        "history": selectors.case_history(actor=user, case=case),
        "is_registrar": access.is_registrar(user),
        "is_chief_of": {a.pk for a in assignments if access.is_chief_of(user, a.agency)},
        "pending": [e for a in assignments for e in a.extensions.all()
                    if e.status == "pending"],
        "duplicates": selectors.duplicate_candidates(
            category=case.category, latitude=case.latitude, longitude=case.longitude,
            exclude=case) if case.is_open else [],
        "can_reveal": bool(case.contact_id) and bool(mine),
        "assign_form": forms.AssignForm(), "reply_form": forms.ReplyForm(),
        "supplement_form": forms.SupplementRequestForm(), "extension_form":
        forms.ExtensionForm(), "transfer_form": forms.TransferForm(),
        "merge_form": forms.MergeForm(), "file_form": forms.FileForm(),
        "downgrade_form": forms.DowngradeForm(), "close_form": forms.CloseForm(),
        "decision_form": forms.DecisionForm(), "kinds": CaseKind,
        "note_form": forms.NoteForm(), "mask_form": forms.MaskForm(),
        "updates": [(u, citizen_services.public_update_text(u))
                    for u in selectors.citizen.public_updates(case=case)],
        "published": citizen_services.public_description(case),
        "is_public": citizen_services.is_public(case),
        "pins": selectors.citizen.map_pins([case], lambda c: ""),
        "can_moderate": access.is_registrar(user) or any(
            access.handles(user, a.agency) for a in assignments),
    }
    context.update(forms_in_error)
    return context


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_or_404(request, number)
    return render(request, "servicedesk/case_detail.html", _case_context(request, case))


@login_required
@require_GET
def case_file(request: HttpRequest, number: str, file_uuid) -> HttpResponse:
    """A photo or scan of the case, for whoever may read the case."""
    attachment = selectors.case_attachments(case=_case_or_404(request, number)).filter(
        uuid=file_uuid).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@login_required
@require_http_methods(["GET", "POST"])
def open311_clients(request: HttpRequest) -> HttpResponse:
    """Open311 applications and their api_keys (administrators): a new key is shown once."""
    if not access.may_administer(request.user):
        raise PermissionDenied(_("Only administrators manage Open311 applications."))
    form = forms.Open311ClientForm(request.POST or None)
    created, raw_key = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            created, raw_key = services.open311_client_create(
                actor=request.user, name=form.cleaned_data["name"],
                contact_email=form.cleaned_data["contact_email"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = forms.Open311ClientForm()
    response = render(request, "servicedesk/open311_clients.html", {
        "form": form, "created": created, "raw_key": raw_key,
        "clients": selectors.open311_client_list()},
        status=422 if request.method == "POST" and created is None else 200)
    response["Cache-Control"] = "no-store"  # the page may hold a key shown once
    return response


@login_required
@require_POST
def open311_client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may_administer(request.user):
        raise PermissionDenied(_("Only administrators manage Open311 applications."))
    client = selectors.open311_client_list().filter(pk=pk).first()
    if client is None:
        raise Http404
    services.open311_client_revoke(actor=request.user, client=client)
    messages.success(request, _("The key of %(name)s no longer works.") % {"name": client.name})
    return redirect("servicedesk:open311-clients")


def _assignment_of(request, case: Case) -> Assignment:
    assignment = case.assignments.filter(pk=request.POST.get("assignment") or 0).first()
    if assignment is None:
        raise DomainError(ErrorCode.INVALID, _("Choose the assignment."))
    return assignment


def _extension_of(request, case: Case) -> Extension:
    extension = selectors.case_extension(case=case, extension_id=request.POST.get("extension"))
    if extension is None:
        raise DomainError(ErrorCode.INVALID, _("Choose the extension."))
    return extension


# action: (form class, name of the form in the page's context, the call with the form's data)
CASE_ACTIONS = {
    "assign": (forms.AssignForm, "assign_form", lambda request, case, data: (
        services.case_assign(actor=request.user, case=case, agencies=sorted(
            data["agencies"],
            key=lambda a: request.POST.getlist("assign-agencies").index(str(a.pk)))))),
    "accept": (None, None, lambda request, case, data: services.assignment_accept(
        actor=request.user, assignment=_assignment_of(request, case))),
    "reply": (forms.ReplyForm, "reply_form", lambda request, case, data: (
        services.assignment_reply(actor=request.user,
                                  assignment=_assignment_of(request, case), **data))),
    "supplement": (forms.SupplementRequestForm, "supplement_form", lambda request, case, data: (
        services.supplement_request(actor=request.user,
                                    assignment=_assignment_of(request, case), **data))),
    "extension": (forms.ExtensionForm, "extension_form", lambda request, case, data: (
        services.extension_request(actor=request.user,
                                   assignment=_assignment_of(request, case), **data))),
    "decide": (forms.DecisionForm, "decision_form", lambda request, case, data: (
        services.extension_decide(actor=request.user, extension=_extension_of(request, case),
                                  **data))),
    "transfer": (forms.TransferForm, "transfer_form", lambda request, case, data: (
        services.case_transfer(actor=request.user, assignment=_assignment_of(request, case),
                               **data))),
    "merge": (forms.MergeForm, "merge_form", lambda request, case, data: services.case_merge(
        actor=request.user, case=case, reason=data["reason"],
        into=selectors.case_get(actor=request.user, number=data["into"].strip()))),
    "file": (forms.FileForm, "file_form", lambda request, case, data: (
        services.case_file_without_handling(actor=request.user, case=case, **data))),
    "downgrade": (forms.DowngradeForm, "downgrade_form", lambda request, case, data: (
        services.case_downgrade(actor=request.user, case=case, **data))),
    "close": (forms.CloseForm, "close_form", lambda request, case, data: services.case_close(
        actor=request.user, case=case, **data)),
    "note": (forms.NoteForm, "note_form", lambda request, case, data: (
        citizen_services.public_note_add(actor=request.user, case=case, **data))),
    "mask": (forms.MaskForm, "mask_form", lambda request, case, data: (
        citizen_services.public_text_mask(
            actor=request.user, case=case, phrase=data["phrase"],
            update=case.updates.filter(pk=data["update"]).first() if data["update"]
            else None))),
}


def _run_action(request, case: Case, action: str):
    """(form name, form) on a form error, else None. Raises DomainError from services."""
    if action not in CASE_ACTIONS:
        raise Http404
    form_class, name, call = CASE_ACTIONS[action]
    data = {}
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return name, form
        data = form.cleaned_data
    call(request, case, data)
    return None


@login_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = _case_or_404(request, number)
    try:
        failed = _run_action(request, case, action)
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return redirect("servicedesk:case", number=case.number)
    if failed is not None:
        name, form = failed
        messages.error(request, _("Please correct the form below."))
        return render(request, "servicedesk/case_detail.html",
                      _case_context(request, case, **{name: form}), status=422)
    messages.success(request, _("Saved."))
    return redirect("servicedesk:case", number=case.number)


@never_cache  # personal data: no copy in any cache (issue #11, finding 8)
@login_required
@require_POST
def reporter_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """The reporter's contact, for an officer of a handling agency; every reveal is logged."""
    case = _case_or_404(request, number)
    try:
        contact = services.reporter_contact_reveal(actor=request.user, case=case,
                                                   reason=request.POST.get("reason", ""))
    except DomainError as error:
        return render(request, "servicedesk/_contact.html", {"error": error.message},
                      status=error.status)
    return render(request, "servicedesk/_contact.html", {"contact": contact})


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Monthly statistics with charts; ?format=csv|xlsx downloads the table."""
    years = selectors.statistics.years_with_cases()
    form = forms.StatisticsForm(request.GET or {"year": default_year(years), "month_from": 1,
                                                "month_to": 12})
    if not form.is_valid():
        return render(request, "servicedesk/statistics.html", {"form": form, "years": years},
                      status=422)
    year = form.cleaned_data["year"]
    months = (form.cleaned_data["month_from"], form.cleaned_data["month_to"])
    headers, rows = statistics_table(year=year, months=months)
    fmt = request.GET.get("format")
    if fmt:
        return table_response(headers=headers, rows=rows, fmt=fmt,
                              filename=f"servicedesk-{year}-{months[0]:02d}-{months[1]:02d}",
                              title=f"{year}")
    return render(request, "servicedesk/statistics.html", {
        "form": form, "years": years, "headers": headers, "rows": rows, "year": year,
        "months": months, "charts": statistics_charts(year=year, months=months),
        "query": request.GET.urlencode() or f"year={year}&month_from=1&month_to=12",
    })
