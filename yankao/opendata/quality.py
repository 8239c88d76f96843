"""The machine checks behind the quality labels (資料集品質標章), as pure rules.

Six checks per resource, after the fields of the national portal's quality-check results
(linkable, downloadable, structure, encoding_match, desc_match, and an open format):

  linkable      the address answers (an uploaded file: it is stored)
  downloadable  it gives the file itself, of the declared format, not a web page about it
  open_format   the declared format is open and machine-readable (CSV, JSON, XML, ODS…)
  structure     the file parses in that format
  encoding      its text reads in the declared character set (binary formats: not applicable)
  fields        its columns are the ones the field descriptions name

A dataset's label (decision 0502): gold when every resource passes every check; silver when
every resource is linkable, downloadable, open and parses; bronze when every resource is
at least linkable and downloadable; otherwise none.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.opendata.files import FORMATS, TABLE_MAX_BYTES, inspect

CHECKS = ("linkable", "downloadable", "open_format", "structure", "encoding", "fields")
BRONZE = ("linkable", "downloadable")
SILVER = (*BRONZE, "open_format", "structure")

CHECK_NAMES = {
    "linkable": gettext_lazy("The address answers"),
    "downloadable": gettext_lazy("Downloads the file itself"),
    "open_format": gettext_lazy("Open machine-readable format"),
    "structure": gettext_lazy("The file parses"),
    "encoding": gettext_lazy("Reads in the declared character set"),
    "fields": gettext_lazy("Columns match the field descriptions"),
}

# What to do when a check fails: the sentence the dataset page shows.
CHECK_ADVICE = {
    "linkable": gettext_lazy("Correct the address, or upload the file here."),
    "downloadable": gettext_lazy("Link to the file itself, not to a page about it."),
    "open_format": gettext_lazy("Also publish it as CSV, JSON or XML (XLS, XLSX and PDF are "
                                "not open machine-readable formats)."),
    "structure": gettext_lazy("Fix the file so that it parses: one header row, the same "
                              "number of columns in every row."),
    "encoding": gettext_lazy("Declare the character set the file is in, or save it as UTF-8."),
    "fields": gettext_lazy("Make the field descriptions name exactly the file's columns."),
}

FETCH_TIMEOUT = 10  # seconds


@dataclass(frozen=True)
class ResourceResult:
    """The six results (None: does not apply) and, for each failure, what was found."""

    results: dict[str, bool | None]
    notes: dict[str, str]

    def as_json(self) -> dict:
        return {"results": self.results, "notes": self.notes}


def passed(results: dict[str, bool | None], check: str) -> bool:
    return results.get(check) is not False


def level_of(resources: list[dict[str, bool | None]]) -> str:
    """The dataset's label from its resources' results."""
    if not resources:
        return "none"
    if all(all(passed(r, c) for c in CHECKS) for r in resources):
        return "gold"
    if all(all(passed(r, c) for c in SILVER) for r in resources):
        return "silver"
    if all(all(passed(r, c) for c in BRONZE) for r in resources):
        return "bronze"
    return "none"


def check_bytes(data: bytes, *, format_code: str, character_set: str,
                field_names: list[str]) -> ResourceResult:
    """Every check but ``linkable`` on the bytes a resource gives."""
    fmt = FORMATS.get(format_code)
    results: dict[str, bool | None] = {"linkable": True}
    notes: dict[str, str] = {}
    found = inspect(data, format_code, character_set)
    results["downloadable"] = found.format_matches
    if not found.format_matches:
        notes["downloadable"] = found.problems.get("file") or found.found
    results["open_format"] = bool(fmt and fmt.open and fmt.machine_readable)
    if not results["open_format"]:
        notes["open_format"] = _("%(format)s is not an open machine-readable format.") % {
            "format": format_code}
    results["encoding"] = found.encoding_ok if fmt and fmt.text else None
    if results["encoding"] is False:
        notes["encoding"] = found.problems.get("character_set", "")
    if not found.format_matches:
        results["structure"] = False
        results["fields"] = False
        return ResourceResult(results, notes)
    machine = bool(fmt and fmt.machine_readable)
    results["structure"] = bool(found.structure_ok) if machine else False
    if machine and not found.structure_ok:
        notes["structure"] = found.problems.get("file", "")
    results["fields"] = fields_match(found.columns, field_names)
    if not results["fields"]:
        notes["fields"] = fields_note(found.columns, field_names)
    return ResourceResult(results, notes)


def normal(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def fields_match(columns: list[str] | None, field_names: list[str]) -> bool:
    if not columns or not field_names:
        return False
    return {normal(c) for c in columns} == {normal(f) for f in field_names}


def fields_note(columns: list[str] | None, field_names: list[str]) -> str:
    if not field_names:
        return _("No field descriptions.")
    if not columns:
        return _("The file's columns cannot be read.")
    file_only = sorted({normal(c) for c in columns} - {normal(f) for f in field_names})
    described_only = sorted({normal(f) for f in field_names} - {normal(c) for c in columns})
    parts = []
    if file_only:
        parts.append(_("in the file but not described: %(names)s") % {
            "names": "、".join(file_only)})
    if described_only:
        parts.append(_("described but not in the file: %(names)s") % {
            "names": "、".join(described_only)})
    return "; ".join(parts)


def unreachable(note: str) -> ResourceResult:
    """A link that does not answer fails every check that needs its bytes."""
    return ResourceResult({check: False for check in CHECKS} | {"encoding": None},
                          {"linkable": note})


class LinkRefused(Exception):
    pass


def _allowed_host(host: str) -> None:
    """Refuse addresses inside the city's own network (the checker runs on the server)."""
    if settings.YANKAO_OPENDATA_PRIVATE_LINKS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        raise LinkRefused(_("The host name does not resolve.")) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            raise LinkRefused(_("The address is inside a private network."))


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkRefused(_("Only http and https addresses are checked."))
    _allowed_host(parts.hostname)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str) -> tuple[int, bytes]:
    """GET ``url`` (at most TABLE_MAX_BYTES + 1 bytes). Raises LinkRefused or OSError."""
    _check_url(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(  # noqa: S310 - _check_url allows http(s) only
        url, headers={"User-Agent": "Yankao open-data checker"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            return response.status, response.read(TABLE_MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        return error.code, b""


def check_link(url: str, *, format_code: str, character_set: str,
               field_names: list[str]) -> ResourceResult:
    try:
        status, data = fetch(url)
    except LinkRefused as error:
        return unreachable(str(error))
    except (OSError, ValueError) as error:
        return unreachable(_("No answer: %(error)s") % {"error": error})
    if status != 200:
        return unreachable(_("The address answered HTTP %(status)s.") % {"status": status})
    return check_bytes(data, format_code=format_code, character_set=character_set,
                       field_names=field_names)
