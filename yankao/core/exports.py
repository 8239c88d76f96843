"""Tables as CSV or XLSX downloads, for anyone who will want a spreadsheet.

CSV is UTF-8 with a byte-order mark, which Excel in Taiwan needs to read Chinese; it is
streamed, so a million rows do not sit in memory. Text that a spreadsheet would run as a
formula (=, +, -, @ first) is prefixed with an apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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
    if text.startswith(FORMULA_STARTS):
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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "data")[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
