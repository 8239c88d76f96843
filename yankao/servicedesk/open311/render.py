"""Open311 GeoReport v2 documents in XML and JSON (the Spark convention: the JSON is the XML
mapped programmatically). UTF-8 everywhere; date-times in W3C format with the offset."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from yankao.core.calendar import TAIPEI

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def w3c(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(TAIPEI).replace(microsecond=0).isoformat()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value) or ""
    return str(value)


def _append(parent: ET.Element, name: str, value: Any, item_names: dict[str, str]) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        child_name = item_names.get(name, name.rstrip("s"))
        for item in value:
            _append(element, child_name, item, item_names)
    elif isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child, item_names)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any, item_names: dict[str, str]) -> bytes:
    """``value`` (a list of dicts, or a dict) under ``root``; list items take the name from
    ``item_names`` (e.g. services → service)."""
    element = ET.Element(root)
    if isinstance(value, list):
        child_name = item_names[root]
        for item in value:
            _append(element, child_name, item, item_names)
    else:
        for key, child in value.items():
            _append(element, key, child, item_names)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


ITEM_NAMES = {
    "services": "service", "service_requests": "request", "errors": "error",
    "attributes": "attribute", "values": "value", "endpoints": "endpoint",
    "formats": "format", "notes": "note", "service_request_updates": "request_update",
}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(json.dumps(value, ensure_ascii=False, default=_json_default),
                            content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, value, ITEM_NAMES), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error document: a list of {code, description}, with the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": text}
                                   for text in descriptions], status=status)
