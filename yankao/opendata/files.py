"""What a data file is, read from its bytes: the formats a resource may declare, whether the
bytes are that format, decode in the declared character set and parse, and the table they
hold (for the field check, the preview and ``datastore_search``).

Pure functions over bytes: the upload check, the quality checks and the preview share them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field

import filetype
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Format:
    code: str
    media_type: str
    machine_readable: bool  # structured data a program can read
    open: bool  # a non-proprietary format (the national label's 開放格式)
    text: bool  # a character set applies
    tabular: bool = False  # a table with a header row: preview and datastore_search
    family: str = ""  # what the bytes must be: "text", or a filetype extension


FORMATS: dict[str, Format] = {f.code: f for f in (
    Format("CSV", "text/csv", True, True, True, tabular=True, family="text"),
    Format("JSON", "application/json", True, True, True, family="text"),
    Format("GeoJSON", "application/geo+json", True, True, True, family="text"),
    Format("XML", "application/xml", True, True, True, family="text"),
    Format("KML", "application/vnd.google-earth.kml+xml", True, True, True, family="text"),
    Format("RSS", "application/rss+xml", True, True, True, family="text"),
    Format("ODS", "application/vnd.oasis.opendocument.spreadsheet", True, True, False,
           family="ods"),
    Format("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True,
           False, False, tabular=True, family="xlsx"),
    Format("XLS", "application/vnd.ms-excel", True, False, False, family="xls"),
    Format("PDF", "application/pdf", False, False, False, family="pdf"),
    Format("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           False, False, False, family="docx"),
    Format("ODT", "application/vnd.oasis.opendocument.text", False, True, False, family="odt"),
    Format("ZIP", "application/zip", False, False, False, family="zip"),
)}

# Declared character sets (characterSetCode) and the codec that reads each. Big5 files in
# Taiwan are written by Windows, whose code page 950 is the superset in use.
CHARACTER_SETS: dict[str, str] = {
    "UTF-8": "utf-8-sig",
    "BIG5": "cp950",
    "UTF-16": "utf-16",
    "US-ASCII": "ascii",
}

# Files larger than this are not read into a table (preview, datastore_search, field check).
TABLE_MAX_BYTES = 20 * 1024 * 1024
TABLE_MAX_ROWS = 100_000


def format_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in FORMATS]


def charset_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in CHARACTER_SETS]


@dataclass
class Inspection:
    """What the bytes turned out to be. ``None`` for a check that does not apply."""

    format_matches: bool
    found: str  # what the bytes look like, in words, when they do not match
    web_page: bool = False
    encoding_ok: bool | None = None
    structure_ok: bool | None = None
    columns: list[str] | None = None
    problems: dict[str, str] = field(default_factory=dict)


def _family_of(data: bytes) -> str:
    """"text", or the detected type's extension (png, pdf, zip, xlsx…), or "binary"."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.extension
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _looks_like_web_page(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def decode(data: bytes, character_set: str) -> str | None:
    codec = CHARACTER_SETS.get(character_set.upper())
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def inspect(data: bytes, format_code: str, character_set: str = "UTF-8") -> Inspection:
    """Check ``data`` against its declared format and character set, and read its columns."""
    fmt = FORMATS.get(format_code)
    if fmt is None:
        return Inspection(False, format_code, problems={"format": _("Unknown format.")})
    if not data:
        return Inspection(False, _("an empty file"), problems={"file": _("The file is empty.")})
    family = _family_of(data)
    if fmt.family == "text":
        if family != "text":
            return Inspection(False, _found(family), problems={"file": _mismatch(fmt, family)})
        text = decode(data, character_set)
        encoding_ok = text is not None
        if text is None:
            # Read it anyway in the encodings Taiwanese files come in, to judge the rest.
            text = next((t for t in (decode(data, name) for name in ("UTF-8", "BIG5"))
                         if t is not None), None)
            if text is None:
                return Inspection(True, "", encoding_ok=False, structure_ok=False,
                                  problems={"character_set": _unreadable(character_set)})
        if _looks_like_web_page(text):
            return Inspection(False, _("a web page (HTML)"), web_page=True,
                              encoding_ok=encoding_ok,
                              problems={"file": _mismatch(fmt, "html")})
        structure_ok, columns, problem = _parse_text(fmt, text)
        result = Inspection(True, "", encoding_ok=encoding_ok, structure_ok=structure_ok,
                            columns=columns)
        if problem:
            result.problems["file"] = problem
        if not encoding_ok:
            result.problems["character_set"] = _unreadable(character_set)
        return result
    expected = {"ods": {"ods"}, "xlsx": {"xlsx"}, "xls": {"xls"}, "pdf": {"pdf"},
                "docx": {"docx"}, "odt": {"odt"},
                "zip": {"zip", "xlsx", "docx", "ods", "odt", "pptx", "odp"}}[fmt.family]
    if family not in expected:
        return Inspection(False, _found(family), problems={"file": _mismatch(fmt, family)})
    structure_ok, columns, problem = _parse_binary(fmt, data)
    result = Inspection(True, "", structure_ok=structure_ok, columns=columns)
    if problem:
        result.problems["file"] = problem
    return result


def _unreadable(character_set: str) -> str:
    return _("The file does not read as %(charset)s; say which character set it is in, or "
             "save it as UTF-8.") % {"charset": character_set}


def _found(family: str) -> str:
    names = {"text": _("a text file"), "binary": _("an unknown binary file"),
             "html": _("a web page (HTML)")}
    return names.get(family, family.upper())


def _mismatch(fmt: Format, family: str) -> str:
    return _("The file is %(found)s, not %(format)s.") % {"found": _found(family),
                                                           "format": fmt.code}


def _parse_text(fmt: Format, text: str) -> tuple[bool, list[str] | None, str]:
    """(parses, columns or None, problem)."""
    if fmt.code == "CSV":
        rows = list(csv.reader(io.StringIO(text)))
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if not rows:
            return False, None, _("The CSV file has no rows.")
        header = [cell.strip() for cell in rows[0]]
        if not all(header) or len(set(header)) != len(header):
            return False, header, _("The first row must name every column once.")
        ragged = next((number for number, row in enumerate(rows[1:], start=2)
                       if len(row) != len(header)), None)
        if ragged is not None:
            return False, header, _("Row %(row)s has a different number of columns from the "
                                    "header.") % {"row": ragged}
        return True, header, ""
    if fmt.code in ("JSON", "GeoJSON"):
        try:
            value = json.loads(text)
        except ValueError as error:
            return False, None, _("The JSON does not parse: %(error)s") % {"error": error}
        if fmt.code == "GeoJSON" and not (isinstance(value, dict) and value.get("type") in {
                "FeatureCollection", "Feature", "Point", "LineString", "Polygon",
                "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"}):
            return False, None, _("This JSON is not GeoJSON (no GeoJSON “type”).")
        return True, json_columns(value), ""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        return False, None, _("The XML does not parse: %(error)s") % {"error": error}
    records = list(root)
    columns = [_local(child.tag) for child in records[0]] if records and len(records[0]) else None
    return True, columns, ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def json_columns(value) -> list[str] | None:
    """The keys of the records in a list of objects (or of GeoJSON features' properties)."""
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        value = [feature.get("properties") or {} for feature in value.get("features") or []]
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        value = lists[0] if len(lists) == 1 else value
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [str(key) for key in value[0]]
    return None


def _parse_binary(fmt: Format, data: bytes) -> tuple[bool, list[str] | None, str]:
    if fmt.code == "XLSX":
        try:
            table = _xlsx_table(data, max_rows=1)
        except ValueError as error:
            return False, None, str(error)
        return True, table.columns, ""
    if fmt.code in ("ODS", "ODT", "DOCX", "ZIP"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError):
            return False, None, _("The archive is damaged.")
        if bad is not None:
            return False, None, _("The archive is damaged.")
        return True, None, ""
    return True, None, ""


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str | int | float | None]]


def read_table(data: bytes, format_code: str, character_set: str = "UTF-8",
               max_rows: int = TABLE_MAX_ROWS) -> Table:
    """The table in a CSV or XLSX file: header and rows (numbers as numbers). Raises
    ValueError with a reason a person can read when it cannot."""
    if len(data) > TABLE_MAX_BYTES:
        raise ValueError(_("The file is too large to show here; download it."))
    if format_code == "XLSX":
        return _xlsx_table(data, max_rows=max_rows)
    if format_code != "CSV":
        raise ValueError(_("Only CSV and XLSX files are shown as tables."))
    text = decode(data, character_set)
    if text is None:
        raise ValueError(_("The file does not read as %(charset)s.") % {"charset": character_set})
    reader = csv.reader(io.StringIO(text))
    columns: list[str] | None = None
    rows: list[list] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = [cell.strip() for cell in row]
            continue
        if len(rows) >= max_rows:
            break
        rows.append([_number(cell) for cell in row])
    if columns is None:
        raise ValueError(_("The CSV file has no rows."))
    return Table(columns, rows)


def _number(cell: str):
    """A cell as a number where it is one ("1,234" → 1234), else the text. Codes with a
    leading zero (postal codes, "007") stay text."""
    value = cell.strip()
    if not value:
        return None
    plain = value.replace(",", "")
    digits = plain.lstrip("-")
    if digits.isdigit() and not (len(digits) > 1 and digits.startswith("0")):
        return int(plain)
    if _is_float(plain) and not (len(digits) > 1 and digits[0] == "0" and digits[1] != "."):
        return float(plain)
    return value


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.lower() not in {"nan", "inf", "-inf", "infinity", "-infinity"}


def _xlsx_table(data: bytes, *, max_rows: int) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValueError(_("The spreadsheet cannot be opened.")) from None
    try:
        sheet = book.worksheets[0]
        columns: list[str] | None = None
        rows: list[list] = []
        for values in sheet.iter_rows(values_only=True):
            if not any(value not in (None, "") for value in values):
                continue
            if columns is None:
                columns = ["" if value is None else str(value).strip() for value in values]
                while columns and not columns[-1]:
                    columns.pop()
                continue
            if len(rows) >= max_rows:
                break
            rows.append([_cell(value) for value in values[:len(columns)]])
    finally:
        book.close()
    if not columns:
        raise ValueError(_("The first sheet is empty."))
    return Table(columns, rows)


def _cell(value):
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
