"""Research and publication pages: public research, search and glossary; staff pages."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.errors import DomainError
from yankao.core.exports import table_response
from yankao.core.recordforms import Record, record_page
from yankao.research import forms, selectors, services
from yankao.research.models import GlossaryTerm


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    return render(request, "research/public.html", {
        "query": query, "results": selectors.research_search(query),
        "issues": selectors.journal_issues(), "trips": selectors.published_trips()})


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    query, kind = request.GET.get("q", "")[:100], request.GET.get("kind", "")
    if kind and kind not in GlossaryTerm.Kind.values:
        kind = ""
    terms = selectors.glossary_public(query=query, kind=kind)
    fmt = request.GET.get("format", "")
    if fmt == "json":
        body = json.dumps([{"kind": t.kind, "zh": t.zh, "en": t.en,
                            "approved_on": t.approved_on.isoformat() if t.approved_on else None}
                           for t in terms], ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="glossary.json"'
        return response
    if fmt == "csv":
        return table_response(headers=["kind", "zh", "en", "approved_on"],
                              rows=[[t.kind, t.zh, t.en, t.approved_on] for t in terms],
                              filename="glossary", fmt="csv")
    return render(request, "research/glossary.html", {
        "terms": terms, "query": query, "kind": kind, "kinds": GlossaryTerm.Kind.choices})


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "research/home.html", {
        "courtesy": selectors.courtesy_figures(year=_year(request))
        if request.GET.get("year") else None})


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", "2018"))
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def glossary_review(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("action") == "propose":
                services.glossary_propose(actor=request.user, kind=data.get("kind", ""),
                                          zh=data.get("zh", ""), en=data.get("en", ""))
            else:
                term = selectors.glossary_queue().filter(pk=data.get("term") or 0).first()
                if term is None:
                    raise Http404
                services.glossary_review(actor=request.user, term=term,
                                         approve=data.get("action") == "approve",
                                         note=data.get("note", ""), en=data.get("en", ""))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("research:glossary-review")
    return render(request, "research/glossary_review.html", {
        "queue": selectors.glossary_queue(), "kinds": GlossaryTerm.Kind.choices})


@login_required
@require_GET
def courtesy(request: HttpRequest, year: int) -> HttpResponse:
    figures = selectors.courtesy_figures(year=year)
    if figures is None:
        raise Http404
    return render(request, "research/courtesy.html", {
        "figures": figures, "agencies": selectors.courtesy_by_agency(year=year)})


HOME = "research:home"
RECORDS = {
    "project": Record(gettext_lazy("Commissioned research"), forms.ProjectForm,
                      lambda actor, data: services.research_project_save(actor=actor, **data),
                      lambda _record: reverse(HOME)),
    "thesis": Record(gettext_lazy("Thesis grant"), forms.ThesisForm,
                     lambda actor, data: services.thesis_grant_save(actor=actor, **data),
                     lambda _record: reverse(HOME)),
    "trip": Record(gettext_lazy("Overseas-trip report"), forms.TripForm,
                   lambda actor, data: services.trip_report_save(actor=actor, **data),
                   lambda _record: reverse(HOME)),
    "journal": Record(gettext_lazy("Journal issue and its articles"), forms.JournalForm,
                      lambda actor, data: services.journal_issue_save(actor=actor, **data),
                      lambda _record: reverse("research:public")),
    "nomination": Record(gettext_lazy("Government Service Award nomination"),
                         forms.NominationForm,
                         lambda actor, data: services.nomination_submit(actor=actor, **data),
                         lambda _record: reverse(HOME)),
    "courtesy": Record(gettext_lazy("A courtesy-test call"), forms.CourtesyCallForm,
                       lambda actor, data: services.courtesy_call_record(actor=actor, **data),
                       lambda call: reverse("research:courtesy", args=[call.plan.year])),
}


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, kind: str) -> HttpResponse:
    return record_page(request, records=RECORDS, kind=kind, template="research/record_form.html")
