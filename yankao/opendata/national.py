"""The national portal (政府資料開放平臺): a dataset's metadata in its JSON, and the client
that creates, replaces and deletes it there (政府資料開放跨平臺介接規範, Swagger 2:
``POST /rest/dataset``, ``PUT`` and ``DELETE /rest/dataset/{identifier}`` under the
portal's ``/api/v1`` base path, the API key in the ``Authorization`` header).

The metadata follows the portal's dataset metadata JSON (資料集詮釋資料): the version-2
field names (``categoryService``, ``updateFrequency``, ``publishedDate``/``modifiedDate``,
``dataQuality``, ``distribution[].resourceField``) and, for platforms that still read
them, the exchange specification's own (``identifier``, ``publisherOrgCode``,
``fieldDescription``, ``distribution[].resourceID``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _

from yankao.core.calendar import TAIPEI

UNIT_ZH = {"hour": "小時", "day": "日", "week": "週", "month": "月", "quarter": "季", "year": "年"}
QUALITY_ZH = {"gold": "金標章", "silver": "銀標章", "bronze": "銅標章", "none": "無"}
COST_ZH = {"free": "免費", "paid": "計費"}
PUSH_TIMEOUT = 20  # seconds

# What the portal needs before it accepts a dataset (資料集詮釋資料標準規範's required
# fields); checked here before sending, so a dry run says what would be refused.
REQUIRED = ("identifier", "categoryService", "title", "description", "type", "license",
            "cost", "publisherOID", "publisherOrgCode", "publisherContactName",
            "publisherContactPhone", "publisherContactEmail", "updateFrequency",
            "publishedDate", "modifiedDate", "distribution")
REQUIRED_DISTRIBUTION = ("resourceID", "resourceDescription", "format", "characterSetCode",
                         "resourceModifiedDate")


def _date(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return value.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def resource_address(resource, base_url: str) -> str:
    if resource.kind == "link":
        return resource.url
    return f"{base_url.rstrip('/')}/opendata/resources/{resource.id}/download/"


def national_metadata(dataset, *, resources=None, base_url: str | None = None,
                      keywords: list[str] | None = None, fields_of=None) -> dict:
    """The dataset's metadata JSON as the national portal reads it. ``keywords`` and
    ``fields_of(resource)`` may give what is already in memory (the demo's bulk build)."""
    base = base_url or settings.YANKAO_BASE_URL
    publisher = getattr(dataset.agency, "opendata_publisher", None)
    if resources is None:
        resources = [r for r in dataset.resources.all() if r.removed_at is None]
    if keywords is None:
        keywords = [tag.name for tag in dataset.tags.all()]
    distribution = []
    for resource in resources:
        described = fields_of(resource) if fields_of else resource.fields.all()
        fields = [{"name": f.name, "description": f.description} for f in described]
        item = {
            "resourceID": resource.identifier,
            "resourceDescription": resource.description,
            "format": resource.format,
            "resourceModifiedDate": _moment(resource.modified_at),
            "characterSetCode": resource.character_set,
            "resourceField": fields,
        }
        address = resource_address(resource, base)
        item["accessURL" if dataset.kind == "services" else "downloadURL"] = address
        distribution.append(item)
    field_names = [f["name"] for item in distribution for f in item["resourceField"]]
    licence = dataset.licence
    return {
        "identifier": dataset.identifier,
        "categoryService": dataset.category.code,
        "title": dataset.title,
        "titleEn": dataset.title_en,
        "description": dataset.description,
        "fieldDescription": "、".join(dict.fromkeys(field_names)),
        "type": dataset.kind,
        "license": licence.national_code or licence.code,
        "licenseURL": licence.url,
        "cost": dataset.cost,
        "costURL": dataset.cost_url,
        "costLaw": dataset.cost_law,
        "organization": dataset.agency.name_zh,
        "organizationContactName": dataset.organization_contact_name,
        "organizationContactPhone": dataset.organization_contact_phone,
        "organizationContactEmail": dataset.organization_contact_email,
        "publisher": dataset.agency.name_zh,
        "publisherOID": publisher.oid if publisher else "",
        "publisherOrgCode": publisher.org_code if publisher else "",
        "publisherContactName": dataset.publisher_contact_name,
        "publisherContactPhone": dataset.publisher_contact_phone,
        "publisherContactEmail": dataset.publisher_contact_email,
        "updateFrequency": {
            "regularupdate": "1" if dataset.update_regular else "0",
            "Frequency": str(dataset.update_every) if dataset.update_regular else "",
            "unittime": UNIT_ZH[dataset.update_unit] if dataset.update_regular else "",
        },
        "dataQuality": QUALITY_ZH[dataset.quality],
        "coverageStartedDate": _date(dataset.temporal_from),
        "coverageEndedDate": _date(dataset.temporal_to),
        "publishedDate": _date(dataset.published_at.astimezone(TAIPEI).date())
        if dataset.published_at else "",
        "modifiedDate": _moment(dataset.modified_at),
        "spatialCoverage": dataset.spatial,
        "language": dataset.language,
        "relatedUrl": dataset.landing_page,
        "notes": dataset.notes,
        "keyword": sorted(keywords),
        "numberOfData": len(distribution),
        "distribution": distribution,
    }


def missing_fields(metadata: dict) -> list[str]:
    """The required fields that are empty, as the portal names them."""
    missing = [name for name in REQUIRED if metadata.get(name) in (None, "", [], {})]
    frequency = metadata.get("updateFrequency") or {}
    if frequency.get("regularupdate") == "1" and not (
            frequency.get("Frequency") and frequency.get("unittime")):
        missing.append("updateFrequency")
    for number, item in enumerate(metadata.get("distribution") or [], start=1):
        missing.extend(f"distribution[{number}].{name}" for name in REQUIRED_DISTRIBUTION
                       if not item.get(name))
        if not (item.get("downloadURL") or item.get("accessURL")):
            missing.append(f"distribution[{number}].downloadURL")
    return missing


@dataclass(frozen=True)
class PortalAnswer:
    ok: bool
    http_status: int | None
    error_type: str = ""
    message: str = ""
    transient: bool = False  # worth trying again later unchanged (network, server error)


def portal_configured() -> bool:
    return bool(settings.YANKAO_NATIONAL_PORTAL_URL and settings.YANKAO_NATIONAL_PORTAL_KEY)


def portal_address(operation: str, identifier: str) -> str:
    base = settings.YANKAO_NATIONAL_PORTAL_URL.rstrip("/")
    if operation == "create":
        return f"{base}/rest/dataset"
    return f"{base}/rest/dataset/{quote(identifier, safe='')}"


def portal_send(operation: str, identifier: str, metadata: dict | None) -> PortalAnswer:
    """One call to the portal. Never raises for what the network or the portal does."""
    method = {"create": "POST", "update": "PUT", "delete": "DELETE"}[operation]
    body = json.dumps(metadata, ensure_ascii=False).encode("utf-8") if metadata else None
    request = urllib.request.Request(  # noqa: S310 - an https address set by the operator
        portal_address(operation, identifier), data=body, method=method,
        headers={"Authorization": settings.YANKAO_NATIONAL_PORTAL_KEY,
                 "Content-Type": "application/json; charset=utf-8",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=PUSH_TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read(1_000_000)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(1_000_000)
    except (OSError, ValueError) as error:
        return PortalAnswer(False, None, "", _("No answer from the portal: %(error)s")
                            % {"error": error}, transient=True)
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        return PortalAnswer(False, status, "", _("The portal answered HTTP %(status)s without "
                                                 "JSON.") % {"status": status},
                            transient=status >= 500 or status in (408, 429))
    if answer.get("success") is True and status < 400:
        return PortalAnswer(True, status)
    error = answer.get("error") or answer.get("result") or {}
    if not isinstance(error, dict):
        error = {"message": str(error)}
    return PortalAnswer(False, status, str(error.get("error_type", ""))[:120],
                        str(error.get("message", "")), transient=status >= 500)
