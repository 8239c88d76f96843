"""Import (CSV, XLSX) and export of programs, monthly progress, KPIs and documents.

Both run as background jobs (core.jobs): the page starts one and sends the user to its
page, which shows the progress and then the result (issue #11, finding 5)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yankao.core.errors import DomainError
from yankao.core.exports import FORMATS
from yankao.core.jobs import job_start
from yankao.programs.forms import ExportForm, ImportForm
from yankao.programs.views._common import attach_error, error_status

SUFFIXES = {".csv", ".xlsx"}


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_start(
                actor=request.user, kind="core.import", upload=upload, upload_name=upload.name,
                params={"importer": form.cleaned_data["kind"],
                        "format": Path(upload.name).suffix.lower()[1:]},
                title=_("Import: %(kind)s") % {"kind": form.kind_label()})
        except DomainError as error:
            attach_error(form, error)
            status = error_status(error)
        else:
            return redirect("core:job", job_id=job.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "programs/import.html", {
        "form": form, "year": timezone.localdate().year, "export_form": ExportForm(),
        "max_rows": settings.YANKAO_IMPORT_MAX_ROWS,
        "max_megabytes": settings.YANKAO_IMPORT_MAX_BYTES // (1024 * 1024),
    }, status=status)


@login_required
@require_POST
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in ExportForm.TABLES or fmt not in FORMATS:
        raise Http404
    form = ExportForm(request.POST)
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    job = job_start(actor=request.user, kind="core.export",
                    params={"table": f"programs.{kind}", "format": fmt, "year": year,
                            "filename": f"{kind}-{year}"},
                    title=_("Export: %(kind)s %(year)s") % {
                        "kind": ExportForm.TABLES[kind], "year": year})
    return redirect("core:job", job_id=job.pk)
