"""Public pages of open data: the catalogue search, a dataset's page, previews and
downloads, data requests, use statistics, and downloads through a sharing link."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.forms import form_error
from yankao.core.ratelimit import rate_limit
from yankao.core.views import attachment_response, selector_or_404
from yankao.opendata import charts
from yankao.opendata.forms import CommentForm, RequestForm, SearchForm
from yankao.opendata.models import Dataset, Resource
from yankao.opendata.selectors import catalogue as reads
from yankao.opendata.selectors import datastore, figures
from yankao.opendata.selectors import feedback as feedback_reads
from yankao.opendata.selectors.search import SearchQuery, catalogue_search
from yankao.opendata.services.common import today_taipei
from yankao.opendata.services.feedback import data_request_submit, dataset_comment_submit
from yankao.opendata.services.sharing import share_download
from yankao.opendata.services.usage import usage_record

PAGE_SIZE = 20
PAGE_FACETS = ("organization", "groups", "res_format", "quality")
SORT_CHOICES = {"": (("score", True), ("metadata_modified", True)),
                "modified": (("metadata_modified", True),),
                "title": (("title_string", False),)}


def _facet_labels() -> dict[str, dict[str, str]]:
    organizations = {a.code: a.name for a, _n in reads.organizations()}
    groups = {c.slug: c.name for c in reads.category_list()}
    quality = dict(Dataset.Quality.choices)
    return {"organization": organizations, "groups": groups,
            "quality": {k: str(v) for k, v in quality.items()}}


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    filters = tuple((name, value) for name in PAGE_FACETS
                    for value in request.GET.getlist(name) if value)
    sort = request.GET.get("sort", "")
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    result = catalogue_search(actor=request.user, query=SearchQuery(
        text=text, filters=filters, facet_fields=PAGE_FACETS, facet_limit=12,
        sort=SORT_CHOICES.get(sort, SORT_CHOICES[""]), rows=PAGE_SIZE,
        start=(page_number - 1) * PAGE_SIZE))
    labels = _facet_labels()
    chosen = set(filters)
    facets = []
    for name in PAGE_FACETS:
        items = []
        for value, count in result.facets.get(name, []):
            selected = (name, value) in chosen
            toggled = [f for f in filters if f != (name, value)] if selected else [
                *filters, (name, value)]
            items.append({"value": value, "label": labels.get(name, {}).get(value, value),
                          "count": count, "selected": selected,
                          "query": urlencode([("q", text), *toggled, ("sort", sort)])})
        facets.append({"name": name, "items": items})
    pages = max(1, -(-result.count // PAGE_SIZE))
    base = urlencode([("q", text), *filters, ("sort", sort)])
    context = {"form": form, "text": text, "result": result, "facets": facets,
               "datasets": reads.datasets_by_ids(result.ids), "page_number": page_number,
               "pages": pages, "base_query": base, "sort": sort}
    template = "opendata/_results.html" if request.htmx else "opendata/catalogue.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    dataset = selector_or_404(reads.dataset_get, actor=request.user, key=name)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not dataset.is_public:
            raise Http404
        try:
            rate_limit(request, group="opendata-comment", rate="5/m")
            if form.is_valid():
                item = dataset_comment_submit(actor=request.user, dataset=dataset,
                                              **form.cleaned_data)
                messages.success(request, _("Thank you. Your comment %(number)s will appear "
                                            "once it has been read.") % {"number": item.number})
                return redirect("opendata:dataset", name=dataset.name)
        except DomainError as error:
            if error.code == ErrorCode.RATE_LIMITED:
                return HttpResponse(error.message, status=429)
            form_error(form, error)
    elif dataset.is_public:
        usage_record(dataset=dataset, views=1)
    return render(request, "opendata/dataset.html", {
        "dataset": dataset,
        "resources": dataset.active_resources,
        "explanation": reads.quality_explanation(dataset),
        "comments": feedback_reads.public_comments(dataset=dataset),
        "form": form,
    })


def _resource(request: HttpRequest, resource_id) -> Resource:
    resource = selector_or_404(reads.resource_get, actor=request.user, resource_id=resource_id)
    if resource.removed_at is not None:
        raise Http404
    return resource


@require_GET
def resource_download(request: HttpRequest, resource_id) -> HttpResponse:
    resource = _resource(request, resource_id)
    if resource.dataset.state == Dataset.State.WITHDRAWN and not reads.dataset_is_staffs(
            actor=request.user, dataset=resource.dataset):
        raise Http404
    if resource.dataset.is_public:
        usage_record(dataset=resource.dataset_id, downloads=1)
    if resource.kind == Resource.Kind.LINK:
        return HttpResponseRedirect(resource.url)
    response = attachment_response(resource.attachment)
    response["Content-Disposition"] = (
        f'attachment; filename="{resource.identifier}.{resource.format.lower()}"')
    return response


@require_GET
def resource_preview(request: HttpRequest, resource_id) -> HttpResponse:
    resource = _resource(request, resource_id)
    context = {"resource": resource, "dataset": resource.dataset, "table": None, "error": ""}
    if datastore.has_table(resource):
        try:
            page = datastore.datastore_search(resource=resource, limit=100)
        except DomainError as error:
            context["error"] = error.message
        else:
            context["table"] = page
            context["columns"] = [f["id"] for f in page.fields if f["id"] != "_id"]
            context["rows"] = [[record[c] for c in context["columns"]] for record in page.records]
            chart = charts.numeric_chart(page)
            if chart:
                context["chart"], context["chart_text"] = chart
    return render(request, "opendata/resource.html", context)


@require_http_methods(["GET", "POST"])
def requests_page(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        try:
            rate_limit(request, group="opendata-request", rate="5/m")
            if form.is_valid():
                item = data_request_submit(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Thank you. Your request %(number)s will appear "
                                            "once it has been read.") % {"number": item.number})
                return redirect("opendata:requests")
        except DomainError as error:
            if error.code == ErrorCode.RATE_LIMITED:
                return HttpResponse(error.message, status=429)
            form_error(form, error)
    page = Paginator(feedback_reads.public_requests(), 20).get_page(request.GET.get("page"))
    return render(request, "opendata/requests.html", {"form": form, "page": page})


@require_GET
def request_page(request: HttpRequest, number: str) -> HttpResponse:
    item = selector_or_404(feedback_reads.public_request_get, number=number)
    return render(request, "opendata/request.html", {"item": item})


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    from yankao.core.permissions import CITY_WIDE

    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = today_taipei().year
    year = min(max(year, 2000), today_taipei().year)
    months = figures.usage_by_month(actor=CITY_WIDE, year=year)
    chart, chart_text = charts.usage_chart(months, year)
    return render(request, "opendata/statistics.html", {
        "year": year, "months": months, "chart": chart, "chart_text": chart_text,
        "top": figures.most_used(actor=CITY_WIDE, year=year, public_only=True, limit=20),
        "views": sum(m.views for m in months), "downloads": sum(m.downloads for m in months),
        "years": list(range(today_taipei().year, 2009, -1)),
    })


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link, resources = share_download(token=token)
    except DomainError:
        return render(request, "opendata/shared_gone.html", status=404)
    return render(request, "opendata/shared.html", {"link": link, "resources": resources,
                                                    "token": token,
                                                    "dataset": link.grant.dataset})


@require_GET
def shared_download(request: HttpRequest, token: str, resource_id) -> HttpResponse:
    try:
        _link, resource = share_download(token=token, resource_id=resource_id)
    except DomainError:
        return render(request, "opendata/shared_gone.html", status=404)
    response = attachment_response(resource.attachment)
    response["Cache-Control"] = "no-store"
    return response

