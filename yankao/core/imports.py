"""Idempotent imports from files: ``yankao import KIND FORMAT FILE``.

An app offers importers by listing them on its AppConfig::

    yankao_importers = {("cases", "open1999-json"): "yankao.servicedesk.imports:open1999"}

An importer is a callable ``(path, *, actor, progress) -> ImportResult``. It must be
idempotent — importing the same file again changes nothing — and report each rejected
row with its reason (and the column at fault) instead of stopping. Rows are written in
batches, each batch in one transaction, so a failure never leaves half a row. Importers
are plain functions, called alike by the command and by background jobs.

Files come as cities publish them: UTF-8 with or without a byte-order mark or Big5
(``read_text``), dates in the Gregorian or the ROC calendar, 12-hour times with 上午/下午,
full-width digits and stray spaces (``parse_datetime``, ``parse_date``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.apps import apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.jobs import JobOutcome

# Encodings seen in Taiwanese government files, tried in order.
TEXT_ENCODINGS = ("utf-8-sig", "cp950", "big5hkscs")
# A web import's result page lists this many rejected rows (the count says how many more).
REJECTED_SHOWN = 500


@dataclass
class RejectedRow:
    row: int
    reason: str
    column: str = ""

    @property
    def label(self) -> str:
        """The reason with the column at fault, as the summary groups it."""
        return f"{self.column}: {self.reason}" if self.column else self.reason


@dataclass
class Unmapped:
    """A value a file names that this city does not know (a category, a unit). The rows
    were imported under ``placeholder`` meanwhile; once the city names ``code`` for it in
    the mapping file, importing the file again moves them there."""

    source: str
    column: str
    value: str
    rows: int
    placeholder: str = ""


MAPPING_COLUMNS = ["source", "column", "value", "rows", "placeholder", "code"]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # Rows imported with something left out or assumed (an unreadable coordinate, say).
    notes: list[RejectedRow] = field(default_factory=list)
    # Rows of a record that a later row of the same file replaced (an older snapshot).
    superseded: int = 0
    unmapped: list[Unmapped] = field(default_factory=list)

    @property
    def read(self) -> int:
        return (self.created + self.updated + self.unchanged + self.superseded
                + len(self.rejected))

    def reject(self, row: int, reason: str, column: str = "") -> None:
        self.rejected.append(RejectedRow(row, reason, column))

    def note(self, row: int, reason: str, column: str = "") -> None:
        self.notes.append(RejectedRow(row, reason, column))

    def summary_lines(self, limit: int = 20) -> list[str]:
        counts = (f"{self.read} rows read: {self.created} created, {self.updated} updated, "
                  f"{self.unchanged} unchanged, {len(self.rejected)} rejected")
        if self.superseded:
            counts += f", {self.superseded} superseded by a later snapshot"
        lines = [counts, *_grouped(self.rejected, limit)]
        if self.notes:
            lines.append(f"{len(self.notes)} rows imported with a note:")
            lines.extend(_grouped(self.notes, limit))
        if self.unmapped:
            lines.append(f"{len(self.unmapped)} values are not known here; their rows were "
                         f"imported under a placeholder until they are mapped:")
            lines.extend(f"  {item.rows} × {item.column} {item.value!r} → {item.placeholder}"
                         for item in self.unmapped[:limit])
        return lines

    def mapping_csv(self) -> bytes:
        """The unknown values as a mapping file for the city to complete (column ``code``)
        and load with ``yankao import mapping csv FILE``; UTF-8 with a BOM for Excel."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(MAPPING_COLUMNS)
        for item in self.unmapped:
            writer.writerow([item.source, item.column, item.value, item.rows,
                             item.placeholder, ""])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _grouped(rows: list[RejectedRow], limit: int) -> list[str]:
    reasons: dict[str, list[int]] = {}
    for rejected in rows:
        reasons.setdefault(rejected.label, []).append(rejected.row)
    lines = []
    for reason, numbers in sorted(reasons.items(), key=lambda item: -len(item[1]))[:limit]:
        shown = ", ".join(str(n) for n in numbers[:8]) + (" …" if len(numbers) > 8 else "")
        lines.append(f"  {len(numbers)} × {reason} (rows {shown})")
    return lines


class RowError(Exception):
    """One row cannot be imported as it is; the message is the reason, ``column`` the
    column at fault."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.column = column


# Full-width digits and punctuation (as typed with a Chinese input method) and the
# ideographic space, to their ASCII forms, for numbers and dates.
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + n): str(n) for n in range(10)},
                            "／": "/", "：": ":", "－": "-", "．": ".", "\u3000": " ",
                            "，": ","})

DATE_TIME = re.compile(
    r"(?P<y>\d{2,4})(?:[/.-]|年\s*)(?P<m>\d{1,2})(?:[/.-]|月\s*)(?P<d>\d{1,2})日?"
    r"(?:[\sT]*(?P<half>上午|下午|AM|PM)?\s*(?P<H>\d{1,2})(?::|時)(?P<M>\d{2})"
    r"(?:(?::|分)(?P<S>\d{2})(?:\.\d+)?秒?)?\s*(?P<half2>上午|下午|AM|PM)?)?",
    re.IGNORECASE)
# The form of most published files (``2016/10/5 上午 09:00:11``, ``2018/01/02 08:15:32``):
# read without the full-width translation and the general pattern, about 2.5 times as fast.
SLASHED = re.compile(r"([12][0-9]{3})/([0-9]{1,2})/([0-9]{1,2}) (?:(上午|下午) )?"
                     r"([0-9]{1,2}):([0-9]{2}):([0-9]{2})")
COMPACT_DATE = re.compile(r"(?P<y>\d{3,4})(?P<m>\d{2})(?P<d>\d{2})"
                          r"(?:[\sT]*(?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?)?")


def parse_datetime(value: str | None, column: str = "") -> dt.datetime | None:
    """A moment as Taiwanese files write it, in Taipei time unless the text has an offset:
    ISO 8601 (``2018-01-02T13:05:00+08:00``), Gregorian ``2016/10/5 上午 09:00:11`` (12-hour:
    上午 12 is midnight, 下午 12 noon), ROC ``107/01/02 13:05`` or ``107年1月2日``, compact
    ``1070102`` or ``20180102``, with full-width digits or not. None for an empty text;
    ``RowError`` (naming ``column``) for one that is not a date."""
    match = SLASHED.fullmatch(value) if value else None
    if match is not None:
        year, month, day, half, hour, minute, second = match.groups()
        hour = int(hour)
        if half:
            if not 1 <= hour <= 12:
                raise RowError(f"not a date: {value!r}", column)
            hour = hour % 12 + (12 if half == "下午" else 0)
        try:
            return dt.datetime(int(year), int(month), int(day), hour, int(minute), int(second),
                               tzinfo=TAIPEI)
        except ValueError:
            raise RowError(f"not a date: {value!r}", column) from None
    text = (value or "").translate(FULL_WIDTH).strip()
    if not text:
        return None
    if text[4:5] == "-":  # ISO 8601, the fast path
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=TAIPEI)
    match = DATE_TIME.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if match is None:
        raise RowError(f"not a date: {value!r}", column)
    parts = match.groupdict()
    year, hour = int(parts["y"]), int(parts["H"] or 0)
    if year < 1000:  # the ROC calendar: 民國 1 is 1912
        year += 1911
    half = (parts.get("half") or parts.get("half2") or "").upper()
    if half and not 1 <= hour <= 12:
        raise RowError(f"not a date: {value!r}", column)
    if half in ("下午", "PM") and hour < 12:
        hour += 12
    elif half in ("上午", "AM") and hour == 12:
        hour = 0
    try:
        return dt.datetime(year, int(parts["m"]), int(parts["d"]), hour, int(parts["M"] or 0),
                           int(parts["S"] or 0), tzinfo=TAIPEI)
    except ValueError:
        raise RowError(f"not a date: {value!r}", column) from None


def parse_date(value: str | None, column: str = "") -> dt.date | None:
    """A day in any of the forms ``parse_datetime`` reads (a time, if given, is ignored)."""
    moment = parse_datetime(value, column)
    return None if moment is None else moment.astimezone(TAIPEI).date()


def parse_int(value: str | None, column: str = "") -> int | None:
    """A whole number as files write it: full-width digits, thousands separators, "NT$";
    None when empty, ``RowError`` otherwise."""
    text = (value or "").translate(FULL_WIDTH).strip().replace(",", "")
    for prefix in ("NT$", "$", "新臺幣", "新台幣"):
        text = text.removeprefix(prefix).strip()
    text = text.removesuffix("元").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
            return int(text[:-2])
        raise RowError(f"not a whole number: {value!r}", column) from None


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None) -> None: ...


class Importer(Protocol):
    def __call__(self, path: Path, *, actor, progress: Progress) -> ImportResult: ...


def no_progress(done: int, total: int | None = None) -> None:
    return None


def importers() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for config in apps.get_app_configs():
        found.update(getattr(config, "yankao_importers", {}))
    return found


def find_importer(kind: str, fmt: str) -> Importer:
    known = importers()
    dotted = known.get((kind, fmt))
    if dotted is None:
        choices = ", ".join(f"{k} {f}" for k, f in sorted(known)) or "none"
        raise DomainError(ErrorCode.INVALID, f"no importer for {kind} {fmt}; known: {choices}")
    return import_string(dotted)


def read_text(path: Path) -> str:
    """A text file in UTF-8 (with or without a byte-order mark) or Big5."""
    return decode_text(Path(path).read_bytes(), Path(path).name)


def decode_text(raw: bytes, name: str) -> str:
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(ErrorCode.INVALID, f"{name}: not UTF-8 or Big5 text")


def unescape_cell(text: str) -> str:
    """A cell as it was before ``core.exports.safe_cell`` escaped it: one leading apostrophe
    off a formula start, so a file exported here imports back unchanged."""
    from yankao.core.exports import ESCAPED

    return text[1:] if text.startswith("'") and ESCAPED.match(text[1:]) else text


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(headers, iterator of (row number, row)) from a CSV or XLSX file.

    Row numbers are those a person sees in a spreadsheet (the header is row 1). Cells are
    stripped strings; empty cells are "".
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    reader = csv.reader(io.StringIO(read_text(path)))
    try:
        headers = [header.translate(FULL_WIDTH).strip() for header in next(reader)]
    except StopIteration:
        raise DomainError(ErrorCode.INVALID, f"{path}: the file is empty") from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            yield number, {h: (unescape_cell(values[i].strip()) if i < len(values) else "")
                           for i, h in enumerate(headers)}

    return headers, rows()


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise DomainError(
            ErrorCode.INVALID, f"{path}: not a readable XLSX file ({error})"
        ) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        headers = [str(cell or "").strip() for cell in next(values)]
    except StopIteration:
        raise DomainError(ErrorCode.INVALID, f"{path}: the sheet is empty") from None

    def text(cell) -> str:
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        return unescape_cell(str(cell).strip())

    def rows():
        for number, row in enumerate(values, start=2):
            cells = [text(cell) for cell in row]
            if not any(cells):
                continue
            yield number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}

    return headers, rows()


def require_columns(headers: list[str], required: list[str], path: Path) -> None:
    missing = [column for column in required if column not in headers]
    if missing:
        raise DomainError(
            ErrorCode.INVALID,
            f"{Path(path).name}: missing columns {', '.join(missing)} "
            f"(found {', '.join(headers) or 'none'})",
        )



def count_rows(path: Path, *, limit: int) -> int:
    """The data rows of a CSV or XLSX file, stopping with INVALID once past ``limit``."""
    _headers, rows = read_rows(path)
    count = 0
    for count, _row in enumerate(rows, start=1):
        if count > limit:
            raise DomainError(
                ErrorCode.INVALID,
                _("The file has more than %(limit)s rows; split it into files of at most "
                  "%(limit)s rows.") % {"limit": f"{limit:,}"}, field="file")
    return count


def import_job_run(context) -> JobOutcome:
    """The ``core.import`` job: one file through a registered importer, off the web worker.

    The web import pages start it (``job_start(kind="core.import", params={"importer": KIND,
    "format": "csv"}, upload=FILE)``); the importer checks what the user may write, row by
    row, exactly as ``yankao import`` does."""
    from django.conf import settings

    importer = find_importer(context.params["importer"], context.params["format"])
    path = context.input_path
    if path is None:
        raise DomainError(ErrorCode.INVALID, _("No file was sent."), field="file")
    context.progress(0, None, _("Counting rows"))
    total = count_rows(path, limit=settings.YANKAO_IMPORT_MAX_ROWS)
    step = _("Importing rows")
    context.progress(0, total, step)

    def progress(done: int, _total: int | None = None) -> None:
        context.progress(min(done, total), total, step)

    result = importer(path, actor=context.actor, progress=progress)
    context.progress(total, total, step)
    return JobOutcome(
        summary=_("%(read)s rows read: %(created)s created, %(updated)s updated, "
                  "%(unchanged)s unchanged, %(rejected)s rejected.") % {
            "read": result.read, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "rejected": len(result.rejected)},
        data={"read": result.read, "created": result.created, "updated": result.updated,
              "unchanged": result.unchanged, "rejected_count": len(result.rejected),
              "rejected": [[row.row, row.reason] for row in result.rejected[:REJECTED_SHOWN]]},
    )
