"""Tables as CSV or XLSX downloads, for anyone who will want a spreadsheet.

CSV is UTF-8 with a byte-order mark, which Excel in Taiwan needs to read Chinese; it is
streamed, so a million rows do not sit in memory. Text that a spreadsheet would run as a
formula (=, +, -, @ first) is prefixed with an apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.jobs import JobOutcome

FORMATS = ("csv", "xlsx")
# What a spreadsheet may run as a formula, full-width forms included (an IME types ＝).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Text escaped on the way out: a formula start, after any apostrophes already there (so
# that "'=x" comes back as itself too). core.imports.unescape_cell undoes exactly this.
ESCAPED = re.compile("^'*[" + re.escape("".join(FORMULA_STARTS)) + "]")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows as it is: numbers and dates stay typed; text never runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        # Spreadsheets have no time zones: show Taipei time.
        return value.astimezone(TAIPEI).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if ESCAPED.match(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow(
            [cell.isoformat(sep=" ") if isinstance(cell, dt.datetime) else cell
             for cell in (safe_cell(value) for value in row)]
        )


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "") -> bytes:
    return _workbook_bytes([(title or "data", headers, rows)])


def _workbook_bytes(tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
                    ) -> bytes:
    """An XLSX book with a sheet per ``(title, headers, rows)``."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for title, headers, rows in tables:
        sheet = workbook.create_sheet(title=_sheet_title(title, taken))
        sheet.append(list(headers))
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    """An XLSX sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "data"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _tables_csv(tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]
                ) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for index, (title, headers, rows) in enumerate(tables):
        if index:
            yield writer.writerow([])
        yield writer.writerow([safe_cell(title)])
        lines = _csv_lines(headers, rows)
        yield next(lines).removeprefix("\ufeff")
        yield from lines


def tables_response(
    *,
    tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
    filename: str,
    fmt: str,
) -> HttpResponse:
    """Several ``(title, headers, rows)`` tables in one download: an XLSX sheet each, or
    one CSV with each table under its title, a blank line between tables."""
    if fmt == "csv":
        response = HttpResponse("".join(_tables_csv(tables)),
                                content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(_workbook_bytes(tables), content_type=XLSX_TYPE)
    else:
        raise DomainError(ErrorCode.INVALID, f"format must be one of {', '.join(FORMATS)}",
                          field="format")
    response["Content-Disposition"] = _disposition(f"{filename}.{fmt}")
    return response


def _disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback and the UTF-8 name for Chinese file names.
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def table_response(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    fmt: str,
    title: str = "",
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``rows`` under ``headers``; ``filename`` without extension."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows, title=title), content_type=XLSX_TYPE)
    else:
        raise DomainError(ErrorCode.INVALID, f"format must be one of {', '.join(FORMATS)}",
                          field="format")
    response["Content-Disposition"] = _disposition(f"{filename}.{fmt}")
    return response


def exporters() -> dict[str, str]:
    """Registered tables, by key, from the installed apps' ``yankao_exports``: each maps a
    key (``"programs.progress"``) to a callable ``(*, actor, **params) -> (headers, rows)``
    that reads through the app's scoped selectors."""
    from django.apps import apps

    found: dict[str, str] = {}
    for config in apps.get_app_configs():
        found.update(getattr(config, "yankao_exports", {}))
    return found


def export_job_run(context) -> JobOutcome:
    """The ``core.export`` job: a registered table written to CSV or XLSX by the worker,
    within a row and a size cap, then offered on the job's page."""
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.utils.module_loading import import_string
    from django.utils.translation import gettext as _

    params = dict(context.params)
    key, fmt, filename = params.pop("table"), params.pop("format"), params.pop("filename", "")
    dotted = exporters().get(key)
    if dotted is None:
        raise DomainError(ErrorCode.INVALID, f"No table named {key!r} to export.")
    if fmt not in FORMATS:
        raise DomainError(ErrorCode.INVALID, f"format must be one of {', '.join(FORMATS)}",
                          field="format")
    max_rows, max_bytes = settings.YANKAO_EXPORT_MAX_ROWS, settings.YANKAO_EXPORT_MAX_BYTES
    headers, rows = import_string(dotted.replace(":", "."))(actor=context.actor, **params)
    total = len(rows) if hasattr(rows, "__len__") else None
    if total is not None and total > max_rows:
        raise DomainError(ErrorCode.INVALID, _too_many(max_rows))
    step = _("Writing rows")
    written = {"rows": 0}

    def counted():
        for row in rows:
            written["rows"] += 1
            if written["rows"] > max_rows:
                raise DomainError(ErrorCode.INVALID, _too_many(max_rows))
            if written["rows"] % 500 == 0:
                context.progress(written["rows"], total, step)
            yield row

    context.progress(0, total, step)
    handle, name = tempfile.mkstemp(suffix=f".{fmt}", dir=settings.DATA_DIR)
    path = Path(name)
    try:
        with open(handle, "wb") as out:
            if fmt == "csv":
                for line in _csv_lines(headers, counted()):
                    out.write(line.encode("utf-8"))
                    if out.tell() > max_bytes:
                        raise DomainError(ErrorCode.FILE_TOO_LARGE, _too_large(max_bytes))
            else:
                out.write(xlsx_bytes(headers, counted(), title=key))
        if path.stat().st_size > max_bytes:
            raise DomainError(ErrorCode.FILE_TOO_LARGE, _too_large(max_bytes))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    context.progress(written["rows"], written["rows"], step)
    return JobOutcome(
        summary=_("%(rows)s rows written.") % {"rows": f"{written['rows']:,}"},
        data={"rows": written["rows"], "format": fmt},
        file_name=f"{filename or key}.{fmt}", file_path=path,
    )


def _too_many(limit: int) -> str:
    from django.utils.translation import gettext as _

    return _("The export has more than %(limit)s rows; narrow it (a year, an agency) and "
             "export again.") % {"limit": f"{limit:,}"}


def _too_large(limit: int) -> str:
    from django.utils.translation import gettext as _

    return _("The export is larger than %(size)s MB; narrow it and export again.") % {
        "size": limit // (1024 * 1024)}
