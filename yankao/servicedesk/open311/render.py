"""Open311 GeoReport v2 documents in XML and JSON (the Spark convention: the JSON is the XML
mapped programmatically). UTF-8 everywhere; date-times in W3C format with the offset."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse

from yankao.core.calendar import TAIPEI
from yankao.core.validation import xml_text

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
    # Whatever reached the database (an import, an older version), the document stays
    # parseable: XML 1.0 cannot hold most control characters at all.
    return xml_text(str(value))


XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
# What XML escapes in text, and in an attribute value between double quotes (where a line
# break or tab would otherwise be read back as a space).
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                   "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})


def _write(out: list[str], name: str, value: Any, item_names: dict[str, str],
           child_name: str | None = None) -> None:
    """``value`` as the element ``name``, appended to ``out`` as text. The document is
    written directly rather than built as a tree and serialised: a list of 1,000 requests
    is 18,000 elements, and the tree cost more than the rest of the response."""
    if XML_NAME.match(name) and not name.lower().startswith("xml"):
        start = end = name
    else:  # a key from data (an attribute's code) that is no XML name
        start, end = f'attribute code="{xml_text(name).translate(ATTRIBUTE_ESCAPES)}"', \
            "attribute"
    if isinstance(value, (list, dict)) and value:
        out.append(f"<{start}>")
        if isinstance(value, list):
            child = child_name or item_names.get(name, name.rstrip("s"))
            for item in value:
                _write(out, child, item, item_names)
        else:
            for key, item in value.items():
                _write(out, key, item, item_names)
        out.append(f"</{end}>")
        return
    text = "" if isinstance(value, (list, dict)) else _text(value)
    if text:
        out.append(f"<{start}>{text.translate(TEXT_ESCAPES)}</{end}>")
    else:
        out.append(f"<{start} />")


def to_xml(root: str, value: Any, item_names: dict[str, str]) -> bytes:
    """``value`` (a list of dicts, or a dict) under ``root``; list items take the name from
    ``item_names`` (e.g. services → service)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write(out, root, value, item_names,
           child_name=item_names[root] if isinstance(value, list) else None)
    return "".join(out).encode()


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


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """Any refusal on /open311/ (core.protocols): the errors document, in the format the
    address asks for (XML unless it ends in .json)."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return errors(fmt, status, message or "The request was refused.")
