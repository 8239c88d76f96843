"""Report pages: generate with a progress bar, read in the browser, write and review texts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import tables_response
from yankao.core.models import Role
from yankao.core.permissions import has_role
from yankao.core.years import default_year, record_years
from yankao.reports import selectors, services
from yankao.reports.dashboards import dashboard_data, dashboard_get, dashboards, download_name
from yankao.reports.figures import Period, figures_for_module
from yankao.reports.forms import (
    BlockCreateForm,
    DashboardFilterForm,
    GenerateForm,
    NarrativeForm,
    ReviewForm,
)
from yankao.reports.generate import build_report
from yankao.reports.structure import module_installed
from yankao.reports.structures import structure_get, structures


def _structure_choices(language: str):
    return [(s.key, s.title_en if language.startswith("en") else s.title_zh)
            for s in structures().values()]


def _not_found(error: DomainError):
    if error.code == ErrorCode.NOT_FOUND:
        raise Http404(error.message)


@login_required
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    language = get_language() or "zh-hant"
    years = record_years()
    form = GenerateForm(request.POST or None, structures=_structure_choices(language),
                        years=years,
                        initial={"structure": "annual", "fmt": "pdf", "year": default_year(years),
                                 "language": "en" if language.startswith("en") else "zh-hant"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.report_job_start(
                actor=request.user, structure=data["structure"], year=data["year"],
                month=data["month"] if data["structure"] != "annual" else None,
                fmt=data["fmt"], language=data["language"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("reports:job", job_id=job.pk)
    return render(request, "reports/overview.html", {
        "form": form, "structures": structures().values(), "years": years[:5],
        "is_evaluator": has_role(request.user, Role.EVALUATOR),
    }, status=422 if request.method == "POST" else 200)


@login_required
@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        report_job = selectors.report_job_get(actor=request.user, job_id=job_id)
    except DomainError as error:
        _not_found(error)
        raise
    template = "reports/_job_progress.html" if request.htmx else "reports/job.html"
    return render(request, template, {
        "job": report_job, "title": selectors.report_job_title(report_job, get_language())})


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    try:
        report_job = selectors.report_job_get(actor=request.user, job_id=job_id)
    except DomainError as error:
        _not_found(error)
        raise
    if not report_job.file:
        raise Http404
    return FileResponse(report_job.file.open("rb"), as_attachment=True,
                        filename=report_job.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def read(request: HttpRequest, structure: str, year: int, month: int | None = None):
    """The report in the browser: every figure links to the records behind it."""
    try:
        structure_get(structure)
    except DomainError as error:
        _not_found(error)
        raise
    report = build_report(structure=structure, year=year, month=month,
                          language=get_language() or "zh-hant", base_url="")
    return render(request, "reports/read.html", {"report": report})


@login_required
@require_http_methods(["GET", "POST"])
def narratives(request: HttpRequest, structure: str, year: int) -> HttpResponse:
    try:
        layout = structure_get(structure)
    except DomainError as error:
        _not_found(error)
        raise
    sections = [(s.key, f"{s.key} {s.title_zh}") for s in layout.walk()
                if module_installed(s.module)]
    form = BlockCreateForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            block = services.narrative_block_create(
                actor=request.user, structure=structure, year=year,
                section_key=form.cleaned_data["section_key"], agency=form.cleaned_data["agency"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("reports:narrative", block_id=block.pk)
    blocks = selectors.narrative_blocks(actor=request.user, structure=structure, year=year)
    titles = {s.key: f"{s.number} {s.title_zh}" for s in layout.walk()}
    return render(request, "reports/narratives.html", {
        "layout": layout, "year": year, "blocks": blocks, "titles": titles, "form": form,
        "can_create": has_role(request.user, Role.EVALUATOR),
    })


@login_required
@require_http_methods(["GET", "POST"])
def narrative(request: HttpRequest, block_id: int) -> HttpResponse:
    try:
        block = selectors.narrative_block_get(actor=request.user, block_id=block_id)
    except DomainError as error:
        _not_found(error)
        raise
    versions = list(selectors.narrative_versions(block=block))
    latest = versions[0] if versions else None
    form = NarrativeForm(request.POST or None, initial={"text": latest.text if latest else ""})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.narrative_save(actor=request.user, block=block,
                                            text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            messages.success(request, _("Saved as version %(number)s (draft).")
                             % {"number": saved.number})
            return redirect("reports:narrative", block_id=block.pk)
    section = structure_get(block.structure).section(block.section_key)
    return render(request, "reports/narrative.html", {
        "block": block, "section": section, "versions": versions, "latest": latest,
        "form": form, "review_form": ReviewForm(),
        "figures": [(entry.key, entry.label(get_language(), Period(block.year, block.month)))
                    for entry in figures_for_module(section.module)] if section else [],
        "period": Period(block.year, block.month),
        "is_evaluator": has_role(request.user, Role.EVALUATOR),
    }, status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def narrative_action(request: HttpRequest, version_id: int, action: str) -> HttpResponse:
    try:
        version = selectors.narrative_version_get(actor=request.user, version_id=version_id)
    except DomainError as error:
        _not_found(error)
        raise
    try:
        if action == "submit":
            services.narrative_submit(actor=request.user, version=version)
        elif action in {"approve", "return"}:
            services.narrative_review(actor=request.user, version=version,
                                      approve=action == "approve",
                                      comment=request.POST.get("comment", ""))
        else:
            raise Http404
    except DomainError as error:
        _not_found(error)
        messages.error(request, error.message)
    return redirect("reports:narrative", block_id=version.block_id)


@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard_index.html", {"dashboards": dashboards()})


@require_GET
def dashboard(request: HttpRequest, key: str) -> HttpResponse:
    board = dashboard_get(key)
    if board is None:
        raise Http404
    language = get_language() or "zh-hant"
    names = board.filter_names()
    data = request.GET.copy()
    data.setdefault("year", str(board.default_year()))
    form = DashboardFilterForm(data, filter_names=names, monthly=board.monthly)
    if not form.is_valid():
        return render(request, "reports/dashboard.html",
                      {"board": board, "form": form, "invalid": True}, status=422)
    values = form.cleaned_data
    filters = tuple((name, values[name]) for name in names if values.get(name))
    period = Period(values["year"], values.get("month"), filters)
    tiles, charts, tables = dashboard_data(board, period, language)
    if request.GET.get("format") in {"csv", "xlsx"}:
        if not tables:
            raise Http404
        return tables_response(tables=[(t.title, t.columns, t.rows) for t in tables],
                               filename=download_name(board, period),
                               fmt=request.GET["format"])
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "reports/dashboard.html", {
        "board": board, "form": form, "period": period, "tiles": tiles, "charts": charts,
        "tables": tables, "query": query.urlencode(),
    })
