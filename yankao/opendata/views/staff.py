"""Staff pages of open data: the overview, the agency's datasets, editing and publishing,
resources and their field descriptions, publishers (OIDs) and the national-portal log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError
from yankao.core.forms import form_error
from yankao.core.views import selector_or_404
from yankao.opendata import national
from yankao.opendata.access import may_manage
from yankao.opendata.forms import (
    DatasetForm,
    FieldsForm,
    PublisherForm,
    ReasonForm,
    ResourceForm,
    StaffFilterForm,
    dataset_initial,
    fields_text,
    parse_fields,
)
from yankao.opendata.models import Dataset, NationalPush
from yankao.opendata.selectors import catalogue as reads
from yankao.opendata.selectors import figures
from yankao.opendata.selectors import sharing as sharing_reads
from yankao.opendata.services import catalogue as writes
from yankao.opendata.services.common import today_taipei
from yankao.opendata.services.national import national_push, national_push_again
from yankao.opendata.tasks import quality_check_dataset


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today_taipei().year
    return year if 2000 <= year <= 2100 else today_taipei().year


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    actor = request.user
    return render(request, "opendata/staff_home.html", {
        "year": year,
        "catalogue": figures.catalogue_figures(actor=actor, year=year),
        "labels": figures.quality_figures(actor=actor, year=year),
        "states": figures.state_counts(actor=actor),
        "national": figures.national_summary(actor=actor),
        "portal_configured": national.portal_configured(),
        "requests": figures.feedback_figures(actor=actor, year=year),
        "comments": figures.feedback_figures(actor=actor, year=year, kind="comment"),
        "shared": sharing_reads.shared_with_me(actor=actor)[:20],
        "can_create": reads.agencies_managed(actor).exists(),
    })


@login_required
@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    datasets = reads.dataset_staff_list(
        actor=request.user, text=filters.get("q", ""), state=filters.get("state", ""),
        quality=filters.get("quality", ""), national_state=filters.get("national_state", ""))
    page = Paginator(datasets, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "opendata/_staff_rows.html" if request.htmx else "opendata/dataset_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_new(request: HttpRequest) -> HttpResponse:
    agencies = reads.agencies_managed(request.user)
    form = DatasetForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        agency = form.cleaned_data["agency"]
        publisher = reads.publisher_of(agency)
        for name in ("organization", "publisher"):
            for part in ("name", "phone", "email"):
                key = f"{name}_contact_{part}"
                if not data.get(key) and publisher:
                    data[key] = getattr(publisher, f"contact_{part}")
        try:
            dataset = writes.dataset_create(actor=request.user, agency=agency, **data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Draft %(identifier)s saved. Add its resources, then "
                                        "publish it.") % {"identifier": dataset.identifier})
            return redirect("opendata:staff-dataset", key=dataset.name)
    return render(request, "opendata/dataset_form.html", {"form": form, "dataset": None})


@login_required
@require_http_methods(["GET", "POST"])
def dataset_edit(request: HttpRequest, key: str) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    form = DatasetForm(request.POST or None, initial=dataset_initial(dataset))
    if request.method == "POST" and form.is_valid():
        try:
            writes.dataset_update(actor=request.user, dataset=dataset, **form.service_fields())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("opendata:staff-dataset", key=dataset.name)
    return render(request, "opendata/dataset_form.html", {"form": form, "dataset": dataset})


@login_required
@require_GET
def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    return render(request, "opendata/staff_dataset.html", {
        "dataset": dataset,
        "resources": dataset.active_resources,
        "explanation": reads.quality_explanation(dataset),
        "versions": reads.dataset_versions(dataset=dataset)[:20],
        "pushes": reads.dataset_pushes(dataset=dataset),
        "grants": sharing_reads.grants_of(dataset=dataset),
        "problems": writes.publish_problems(dataset)
        if dataset.state != Dataset.State.PUBLISHED else [],
        "can_manage": may_manage(request.user, dataset.agency),
        "reason_form": ReasonForm(),
        "portal_configured": national.portal_configured(),
    })


@login_required
@require_POST
def dataset_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    try:
        if action == "publish":
            writes.dataset_publish(actor=request.user, dataset=dataset)
            messages.success(request, _("Published."))
        elif action == "withdraw":
            writes.dataset_withdraw(actor=request.user, dataset=dataset,
                                    reason=request.POST.get("reason", ""))
            messages.success(request, _("Withdrawn."))
        elif action == "check":
            quality_check_dataset(str(dataset.pk))
            messages.success(request, _("The checks are running; the label updates when they "
                                        "finish."))
        elif action == "dry-run":
            push = national_push(actor=request.user, dataset=dataset, dry_run=True)
            if push is None:
                messages.info(request, _("There is nothing to send for this dataset."))
            else:
                messages.info(request, push.message or _("The metadata is complete; nothing "
                                                         "was sent."))
        elif action == "push":
            national_push_again(actor=request.user, dataset=dataset)
            messages.success(request, _("It will be sent to the national portal."))
        else:
            return HttpResponse(status=404)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("opendata:staff-dataset", key=dataset.name)


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: HttpRequest, key: str) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = parse_fields(data["fields"]) if data["fields"].strip() else None
        try:
            writes.resource_add(actor=request.user, dataset=dataset,
                                description=data["description"], format=data["format"],
                                character_set=data["character_set"], upload=data["file"],
                                url=data["url"] or "", fields=fields)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Resource added; it is being checked."))
            return redirect("opendata:staff-dataset", key=dataset.name)
    return render(request, "opendata/resource_form.html", {"form": form, "dataset": dataset})


@login_required
@require_http_methods(["GET", "POST"])
def resource_fields(request: HttpRequest, key: str, resource_id) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    resource = next((r for r in dataset.active_resources if r.pk == resource_id), None)
    if resource is None:
        return HttpResponse(status=404)
    form = FieldsForm(request.POST or None, initial={"fields": fields_text(resource)})
    if request.method == "POST" and form.is_valid():
        try:
            writes.resource_fields_set(actor=request.user, resource=resource,
                                       fields=parse_fields(form.cleaned_data["fields"]))
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Field descriptions saved."))
            return redirect("opendata:staff-dataset", key=dataset.name)
    return render(request, "opendata/fields_form.html", {"form": form, "dataset": dataset,
                                                         "resource": resource})


@login_required
@require_POST
def resource_remove(request: HttpRequest, key: str, resource_id) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_manageable, actor=request.user, key=key)
    resource = next((r for r in dataset.active_resources if r.pk == resource_id), None)
    if resource is None:
        return HttpResponse(status=404)
    try:
        writes.resource_remove(actor=request.user, resource=resource,
                               reason=request.POST.get("reason", ""))
        messages.success(request, _("Resource removed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("opendata:staff-dataset", key=dataset.name)


@login_required
@require_http_methods(["GET", "POST"])
def publishers(request: HttpRequest) -> HttpResponse:
    agencies = reads.agencies_managed(request.user)
    form = PublisherForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            writes.publisher_save(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("opendata:publishers")
    return render(request, "opendata/publishers.html", {
        "form": form if agencies.exists() else None,
        "publishers": reads.publisher_list(actor=request.user)})


@login_required
@require_GET
def push_log(request: HttpRequest) -> HttpResponse:
    outcome = request.GET.get("outcome", "")
    pushes = reads.push_log(actor=request.user, outcome=outcome)
    page = Paginator(pushes, 50).get_page(request.GET.get("page"))
    return render(request, "opendata/push_log.html", {
        "page": page, "outcome": outcome, "outcomes": NationalPush.Outcome.choices,
        "portal_configured": national.portal_configured()})
