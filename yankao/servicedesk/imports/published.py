"""Cases as other systems publish them: ``yankao import cases FORMAT FILE`` with FORMAT
``open1999-json`` (Kaohsiung's Open1999 dispatch cases), ``taipei-csv`` (Taipei's petition
cases) or ``open311-xml`` (a GeoReport v2 ``service_requests`` document).

Each takes the file as the city publishes it (see ``docs/imports/servicedesk.md``): only a
row that cannot be a case (no id, no category, no time of registration) is refused, with
its row and column named. A name the city's catalogue does not have is kept under a
placeholder and listed in the mapping file; an unreadable detail (a coordinate, a later
time) is left out with a note.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from defusedxml import ElementTree as SafeET

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import (
    ImportResult,
    Progress,
    RowError,
    decode_text,
    parse_datetime,
    read_rows,
    read_text,
    require_columns,
)
from yankao.servicedesk.imports.lookups import Lookups, coordinate_pair
from yankao.servicedesk.imports.pipeline import CaseRow, parsed_rows, write_rows
from yankao.servicedesk.models import DESCRIPTION_MAX, CaseKind, CaseStatus, Channel

# --- Kaohsiung Open1999 JSON -----------------------------------------------------------------

# Status_ as documented with the open data (1 建立中 … 5 解除管制), and StatusName_, by
# which a code the documentation does not list (the published files have 9) is read.
OPEN1999_STATUS = {"1": CaseStatus.REGISTERED, "2": CaseStatus.REGISTERED,
                   "3": CaseStatus.ASSIGNED, "4": CaseStatus.FIELD_REPORTED,
                   "5": CaseStatus.CLOSED}
OPEN1999_STATUS_NAMES = {"建立中": CaseStatus.REGISTERED, "待確認": CaseStatus.REGISTERED,
                         "待處理": CaseStatus.ASSIGNED, "處理完成": CaseStatus.FIELD_REPORTED,
                         "解除管制": CaseStatus.CLOSED}


def _open1999_records(path: Path) -> list:
    try:
        data = orjson.loads(read_text(path))  # about three times as fast as json
    except orjson.JSONDecodeError as error:
        raise DomainError(ErrorCode.INVALID, f"{path.name}: not JSON ({error})") from None
    if isinstance(data, dict):
        for key in ("data", "records", "result", "Data"):
            if isinstance(data.get(key), list):
                return data[key]
        raise DomainError(ErrorCode.INVALID, f"{path.name}: no list of cases found")
    if not isinstance(data, list):
        raise DomainError(ErrorCode.INVALID, f"{path.name}: expected a list of cases")
    return data


def _open1999_status(record: dict, note) -> str:
    code = str(record.get("Status_") or "").strip()
    status = OPEN1999_STATUS.get(code)
    if status is not None:
        return status
    name = str(record.get("StatusName_") or "").strip()
    status = OPEN1999_STATUS_NAMES.get(name)
    if status is not None:
        note(f"undocumented code {code!r} read by its StatusName_ {name!r} as {status}",
             "Status_")
        return status
    note(f"unknown code {code!r} (StatusName_ {name!r}); imported as registered", "Status_")
    return CaseStatus.REGISTERED


def _later_time(record: dict, column: str, note):
    """A time after registration (saved, closed); an unreadable one is left out."""
    try:
        return parse_datetime(str(record.get(column) or ""), column)
    except RowError as error:
        note(f"{error}; left out", column)
        return None


def _open1999_row(record, lookups: Lookups, note) -> CaseRow:
    if not isinstance(record, dict):
        raise RowError("not an object")
    number = str(record.get("FileNo_") or "").strip()
    if not number:
        raise RowError("no case number", "FileNo_")
    category = lookups.category(str(record.get("InformDesc_") or ""), column="InformDesc_")
    registered = parse_datetime(str(record.get("Cre_Date_") or ""), "Cre_Date_")
    if registered is None:
        raise RowError("no time of registration", "Cre_Date_")
    status = _open1999_status(record, note)
    saved = _later_time(record, "Save_Date_", note)
    closed = _later_time(record, "Close_Date_", note)
    lat, lng = coordinate_pair(record.get("Lat_"), record.get("Lng_"), note)
    unit = str(record.get("UnitName_") or record.get("ReplyUnit_") or "").strip()
    agency = lookups.agency(unit, category.default_agency)
    if agency is None and status != CaseStatus.REGISTERED:
        note(f"no handling unit known for a case at {status}; imported as registered, "
             "for the registrar to route", "UnitName_")
        status = CaseStatus.REGISTERED
    district = lookups.districts.get(str(record.get("zipcode_") or "").strip()) or \
        lookups.districts.get(str(record.get("ZipName_") or "").strip())
    description = str(record.get("BeforeDesc_") or "").strip() or category.name_zh
    memo = str(record.get("Memo_") or "").strip()
    if memo:
        description = f"{description}\n{memo}"
    return CaseRow(
        external_id=number[:64], category=category, registered_at=registered,
        description=description[:DESCRIPTION_MAX], status=status, kind=CaseKind.DISPATCH,
        agency=agency if status != CaseStatus.REGISTERED else None, district=district,
        latitude=lat, longitude=lng, address=str(record.get("address_") or "").strip(),
        answered_at=saved, closed_at=closed,
        reply=str(record.get("AfterDesc_") or "").strip(),
        updated_at=max(registered, saved or registered, closed or registered),
    )


def open1999_json(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Kaohsiung's Open1999 dispatch cases (高雄市1999派工案件) as published: a JSON list
    of records whose values are all strings."""
    records = _open1999_records(Path(path))
    lookups = Lookups("open1999")
    lookups.refuse_other_cities(Path(path).name, (
        (number, "UnitName_", record.get("UnitName_"))
        for number, record in enumerate(records, start=1) if isinstance(record, dict)))
    result = ImportResult()
    return write_rows(source="open1999", rows=parsed_rows(enumerate(records, start=1),
                                                          _open1999_row, lookups, result),
                      result=result, progress=progress, lookups=lookups,
                      total=len(records), actor=actor)


# --- Taipei petition CSV ----------------------------------------------------------------------

TAIPEI_COLUMNS = ["案件編號", "案件主類別", "案件次類別", "受理機關", "受理科室", "受理日期",
                  "送達日期", "結案日期"]


def _taipei_row(row: dict, lookups: Lookups, note) -> CaseRow:
    number = row["案件編號"].strip()
    if not number:
        raise RowError("no case number", "案件編號")
    main, sub = row["案件主類別"].strip(), row["案件次類別"].strip()
    category = lookups.category(sub or main, kind=CaseKind.PETITION, main=main,
                                column="案件次類別")
    registered = parse_datetime(row["受理日期"], "受理日期")
    if registered is None:
        raise RowError("no time of registration", "受理日期")
    delivered = _later_time(row, "送達日期", note)
    closed = _later_time(row, "結案日期", note)
    if closed and closed < registered:
        raise RowError("closed before it was registered", "結案日期")
    agency = lookups.agency(row["受理機關"], category.default_agency)
    status = CaseStatus.CLOSED if closed else (
        CaseStatus.IN_PROGRESS if delivered and agency else CaseStatus.REGISTERED)
    section = row.get("受理科室", "").strip()
    description = f"{main}／{sub}" + (f"（{section}）" if section else "")
    return CaseRow(external_id=number[:64], category=category, registered_at=registered,
                   description=description, status=status, kind=CaseKind.PETITION,
                   channel=Channel.WEB, agency=agency if status != CaseStatus.REGISTERED
                   else None, answered_at=closed, closed_at=closed,
                   updated_at=closed or delivered or registered)


def taipei_csv(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Taipei's petition cases (臺北市陳情案件): CSV in Big5 or UTF-8, ROC dates."""
    headers, rows = read_rows(Path(path))
    require_columns(headers, TAIPEI_COLUMNS, Path(path))
    rows = list(rows)
    lookups = Lookups("taipei")
    lookups.refuse_other_cities(Path(path).name,
                                ((number, "受理機關", row["受理機關"]) for number, row in rows))
    result = ImportResult()
    return write_rows(source="taipei", rows=parsed_rows(rows, _taipei_row, lookups, result),
                      result=result, progress=progress, lookups=lookups, actor=actor)


# --- Open311 XML ------------------------------------------------------------------------------


def _open311_row(element, lookups: Lookups, note) -> CaseRow:
    def text(name: str) -> str:
        return (element.findtext(name) or "").strip()

    number = text("service_request_id")
    if not number:
        raise RowError("no request id", "service_request_id")
    code = text("service_code") or text("service_name")
    category = lookups.category(code, column="service_code")
    registered = parse_datetime(text("requested_datetime"), "requested_datetime")
    if registered is None:
        raise RowError("no time of registration", "requested_datetime")
    lat, lng = coordinate_pair(text("lat"), text("long"), note)
    status = text("status").lower()
    if status not in ("open", "closed"):
        note(f"status {status!r} is neither open nor closed; imported as open", "status")
    agency = lookups.agency(text("agency_responsible"), category.default_agency)
    updated = _later_time({"updated_datetime": text("updated_datetime")}, "updated_datetime",
                          note)
    closed = status == "closed"
    description = text("description") or category.name_zh
    if len(description) > DESCRIPTION_MAX:
        note("description cut to 4,000 characters", "description")
        description = description[:DESCRIPTION_MAX]
    return CaseRow(
        external_id=number[:64], category=category, registered_at=registered,
        description=description, kind=category.kind, channel=Channel.OPEN311,
        status=CaseStatus.CLOSED if closed else (CaseStatus.IN_PROGRESS if agency
                                                 else CaseStatus.REGISTERED),
        agency=agency, district=lookups.districts.get(text("zipcode")), latitude=lat,
        longitude=lng, address=text("address")[:200], answered_at=updated if closed else None,
        closed_at=updated if closed else None, reply=text("status_notes"),
        media_url=text("media_url")[:500], updated_at=updated or registered,
    )


def _xml_root(path: Path):
    """The document's root element. Expat reads UTF-8 (with or without a byte-order mark)
    and UTF-16 itself; a document declared in another encoding (Big5 from a Taiwanese
    server) is decoded here first."""
    raw = Path(path).read_bytes()
    head = raw[:200].lower()
    if b"encoding=" in head and not any(name in head for name in (
            b'"utf-8"', b"'utf-8'", b'"utf8"', b'"us-ascii"', b'"utf-16"')):
        text = decode_text(raw, Path(path).name)
        raw = text.split("?>", 1)[1].encode() if text.lstrip().startswith("<?xml") else \
            text.encode()
    try:
        return SafeET.fromstring(raw)
    except SafeET.ParseError as error:
        raise DomainError(ErrorCode.INVALID, f"{Path(path).name}: not XML ({error})") from None


def open311_xml(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """A GeoReport v2 ``service_requests`` document (GET requests.xml of another server)."""
    root = _xml_root(path)
    if root.tag != "service_requests":
        raise DomainError(ErrorCode.INVALID,
                          f"{Path(path).name}: expected <service_requests>, found <{root.tag}>")
    requests = root.findall("request")
    lookups = Lookups("open311")
    lookups.refuse_other_cities(Path(path).name, (
        (number, "agency_responsible", element.findtext("agency_responsible"))
        for number, element in enumerate(requests, start=1)))
    result = ImportResult()
    return write_rows(source="open311", rows=parsed_rows(enumerate(requests, start=1),
                                                         _open311_row, lookups, result),
                      result=result, progress=progress, lookups=lookups,
                      total=len(requests), actor=actor)
