"""Import (CSV, XLSX) and export of programs, monthly progress, KPIs and documents."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.errors import DomainError
from yankao.core.exports import FORMATS, table_response
from yankao.core.imports import find_importer
from yankao.programs.exports import TABLES
from yankao.programs.forms import ImportForm
from yankao.programs.views._common import error_status

SUFFIXES = {".csv", ".xlsx"}


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SUFFIXES:
            form.add_error("file", _("Upload a .csv or .xlsx file."))
            status = 422
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"upload{suffix}"
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                try:
                    importer = find_importer(form.cleaned_data["kind"], suffix[1:])
                    result = importer(path, actor=request.user, progress=None)
                except DomainError as error:
                    form.add_error(None, error.message)
                    status = error_status(error)
    elif request.method == "POST":
        status = 422
    return render(request, "programs/import.html", {
        "form": form, "result": result, "year": timezone.localdate().year,
    }, status=status)


@login_required
@require_GET
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in TABLES or fmt not in FORMATS:
        raise Http404
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        raise Http404 from None
    headers, rows = TABLES[kind](actor=request.user, year=year)
    return table_response(headers=headers, rows=rows, fmt=fmt, filename=f"{kind}-{year}",
                          title=f"{kind} {year}")
