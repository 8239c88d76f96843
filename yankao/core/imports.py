"""Idempotent imports from files: ``yankao import KIND FORMAT FILE``.

An app offers importers by listing them on its AppConfig::

    yankao_importers = {("cases", "open1999-json"): "yankao.servicedesk.imports:open1999"}

An importer is a callable ``(path, *, actor, progress) -> ImportResult``. It must be
idempotent — importing the same file again changes nothing — and report each rejected
row with its reason instead of stopping. Rows are written in batches, each batch in one
transaction, so a failure never leaves half a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.apps import apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

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


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

    def reject(self, row: int, reason: str) -> None:
        self.rejected.append(RejectedRow(row, reason))

    def summary_lines(self, limit: int = 20) -> list[str]:
        lines = [
            f"{self.read} rows read: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
        ]
        reasons: dict[str, list[int]] = {}
        for rejected in self.rejected:
            reasons.setdefault(rejected.reason, []).append(rejected.row)
        for reason, rows in sorted(reasons.items(), key=lambda item: -len(item[1]))[:limit]:
            shown = ", ".join(str(row) for row in rows[:8]) + (" …" if len(rows) > 8 else "")
            lines.append(f"  {len(rows)} × {reason} (rows {shown})")
        return lines


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
    raw = Path(path).read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(ErrorCode.INVALID, f"{path}: not UTF-8 or Big5 text")


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
        headers = [header.strip() for header in next(reader)]
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
