"""Importing a catalogue from the national metadata JSON (``yankao import datasets json
FILE``): what a city moving from another platform exports, or what the portal's
``/rest/dataset/{identifier}`` answers. Version-2 field names (categoryService,
updateFrequency, coverageStartedDate, distribution[].resourceField…) and the exchange
specification's (categoryCode, accrualPeriodicity, temporalCoverageFrom, fieldDescription…)
are both read.

Each record is created (or updated, by its identifier) and published in one transaction;
a record that is refused — a malformed publisherOID, a licence that is not open, a
missing required field — leaves nothing behind and is reported with the field at fault.
Resources become links to the addresses the record gives.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, no_progress, read_text
from yankao.opendata.models import Dataset, Licence, Publisher, ServiceCategory
from yankao.opendata.models.catalogue import validate_oid
from yankao.opendata.services.catalogue import (
    dataset_create,
    dataset_publish,
    dataset_update,
    resource_add,
)

UNITS = {"小時": "hour", "日": "day", "天": "day", "週": "week", "周": "week", "月": "month",
         "季": "quarter", "年": "year"}
PERIODICITY = {"每小時": ("hour", 1), "每日": ("day", 1), "每週": ("week", 1),
               "每月": ("month", 1), "每季": ("quarter", 1), "每半年": ("month", 6),
               "每年": ("year", 1)}
CHARSETS = {"UTF8": "UTF-8", "UTF-8": "UTF-8", "BIG5": "BIG5", "BIG-5": "BIG5",
            "UTF-16": "UTF-16", "US-ASCII": "US-ASCII", "ASCII": "US-ASCII"}


class Refused(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")


def _records(data) -> list[dict]:
    if isinstance(data, dict) and "result" in data:
        data = data["result"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DomainError(ErrorCode.INVALID, "expected a list of dataset metadata objects")
    return data


def _text(record: dict, *names: str) -> str:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _date(record: dict, *names: str) -> dt.date | None:
    value = _text(record, *names)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise Refused(names[0], f"not a date: {value!r}") from None


def _frequency(record: dict) -> dict:
    value = record.get("updateFrequency")
    if isinstance(value, dict):
        if str(value.get("regularupdate", "1")) == "0":
            return {"update_regular": False}
        unit = UNITS.get(str(value.get("unittime", "")).strip())
        try:
            every = int(value.get("Frequency") or 1)
        except (TypeError, ValueError):
            raise Refused("updateFrequency", f"not a number: {value.get('Frequency')!r}") \
                from None
        if unit is None:
            raise Refused("updateFrequency", f"unknown unit {value.get('unittime')!r}")
        return {"update_regular": True, "update_every": every, "update_unit": unit}
    text = _text(record, "accrualPeriodicity")
    if not text or text in ("不定期", "不定期更新"):
        return {"update_regular": False}
    if text not in PERIODICITY:
        raise Refused("accrualPeriodicity", f"unknown frequency {text!r}")
    unit, every = PERIODICITY[text]
    return {"update_regular": True, "update_every": every, "update_unit": unit}


def _publisher(record: dict) -> Publisher:
    raw = _text(record, "publisherOID")
    oid = raw.split("|", 1)[0].strip()
    if not oid:
        raise Refused("publisherOID", "missing")
    try:
        validate_oid(oid)
    except ValidationError as error:
        raise Refused("publisherOID", " ".join(error.messages)) from None
    publisher = Publisher.objects.select_related("agency").filter(oid=oid).first()
    if publisher is None:
        raise Refused("publisherOID", f"no registered agency has OID {oid}")
    return publisher


def _licence(record: dict) -> Licence:
    value = _text(record, "license", "licenseCode")
    licence = (Licence.objects.filter(national_code=value).first()
               or Licence.objects.filter(code=value).first()
               or Licence.objects.filter(title_zh=value).first()) if value else None
    if licence is None:
        raise Refused("license", f"unknown licence {value!r}")
    return licence


def _fields_of(item: dict, record: dict) -> list[tuple[str, str]]:
    described = item.get("resourceField")
    if isinstance(described, list):
        return [(str(f.get("name", "")), str(f.get("description", "")))
                for f in described if isinstance(f, dict) and f.get("name")]
    text = _text(record, "fieldDescription")
    return [(name.strip(), "") for name in re.split(r"[、,，;；]", text) if name.strip()]


def _metadata(record: dict) -> dict:
    category = ServiceCategory.objects.filter(
        code=_text(record, "categoryService", "categoryCode")).first()
    if category is None:
        raise Refused("categoryService", "unknown service category "
                      f"{_text(record, 'categoryService', 'categoryCode')!r}")
    cost = _text(record, "cost").lower()
    values = {
        "title": _text(record, "title"), "title_en": _text(record, "titleEn"),
        "description": _text(record, "description"), "category": category,
        "licence": _licence(record),
        "kind": "services" if _text(record, "type") == "services" else "rawData",
        "organization_contact_name": _text(record, "organizationContactName"),
        "organization_contact_phone": _text(record, "organizationContactPhone"),
        "organization_contact_email": _text(record, "organizationContactEmail"),
        "publisher_contact_name": _text(record, "publisherContactName"),
        "publisher_contact_phone": _text(record, "publisherContactPhone"),
        "publisher_contact_email": _text(record, "publisherContactEmail"),
        "temporal_from": _date(record, "coverageStartedDate", "temporalCoverageFrom"),
        "temporal_to": _date(record, "coverageEndedDate", "temporalCoverageTo"),
        "spatial": _text(record, "spatialCoverage", "spatial"),
        "cost": "paid" if cost in ("paid", "計費", "收費") else "free",
        "cost_url": _text(record, "costURL"), "cost_law": _text(record, "costLaw"),
        "language": _text(record, "language") or "zh",
        "landing_page": _text(record, "relatedUrl", "landingPage"),
        "notes": _text(record, "notes"),
        **_frequency(record),
    }
    for name in ("organization_contact_name", "organization_contact_phone",
                 "organization_contact_email"):
        values[name] = values[name] or values[name.replace("organization", "publisher")]
    return values


def _import_one(record: dict, actor) -> str:
    publisher = _publisher(record)
    values = _metadata(record)
    keywords = record.get("keyword") or []
    if isinstance(keywords, str):
        keywords = re.split(r"[、,，]", keywords)
    identifier = _text(record, "identifier").upper()
    existing = Dataset.objects.filter(identifier=identifier).first() if identifier else None
    if existing is not None:
        if existing.agency_id != publisher.agency_id:
            raise Refused("identifier", f"{identifier} belongs to another agency")
        version = existing.version
        dataset_update(actor=actor, dataset=existing, keywords=keywords, note="import",
                       **values)
        existing.refresh_from_db()
        return "updated" if existing.version != version else "unchanged"
    title, description = values.pop("title"), values.pop("description")
    category, licence = values.pop("category"), values.pop("licence")
    dataset = dataset_create(actor=actor, agency=publisher.agency, title=title,
                             description=description, category=category, licence=licence,
                             keywords=keywords, identifier=identifier or None, **values)
    for number, item in enumerate(record.get("distribution") or [], start=1):
        if not isinstance(item, dict):
            raise Refused(f"distribution[{number}]", "not an object")
        url = _text(item, "downloadURL", "accessURL")
        if not url:
            raise Refused(f"distribution[{number}].downloadURL", "missing")
        charset = CHARSETS.get(_text(item, "characterSetCode").upper() or "UTF-8")
        if charset is None:
            raise Refused(f"distribution[{number}].characterSetCode",
                          f"unknown {item.get('characterSetCode')!r}")
        resource_add(actor=actor, dataset=dataset, url=url, character_set=charset,
                     description=_text(item, "resourceDescription") or title,
                     format=_format(_text(item, "format")), fields=_fields_of(item, record))
    if _text(record, "publishedDate", "issued"):
        dataset_publish(actor=actor, dataset=dataset)
    return "created"


def _format(value: str) -> str:
    from yankao.opendata.files import FORMATS

    upper = value.strip().upper()
    known = {code.upper(): code for code in FORMATS}
    if upper in known:
        return known[upper]
    raise Refused("format", f"unknown format {value!r}")


def datasets_import(path: Path, *, actor, progress=no_progress) -> ImportResult:
    """Datasets from a national metadata JSON file (a list, one object, or an API answer)."""
    try:
        records = _records(json.loads(read_text(Path(path))))
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID, f"{path}: not JSON ({error})") from None
    result = ImportResult()
    for number, record in enumerate(records, start=1):
        progress(number, len(records))
        try:
            with transaction.atomic():
                outcome = _import_one(record, actor)
        except Refused as refusal:
            result.reject(number, str(refusal))
            continue
        except DomainError as error:
            result.reject(number, f"{error.field or 'record'}: {error.message}")
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result
