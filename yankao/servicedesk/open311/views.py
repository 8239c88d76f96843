"""Open311 GeoReport v2 at /open311/v2/ (the spec: open311/open311.github.io,
GeoReport_v2/index.md; discovery: Service_Discovery.md; extensions: GeoReport_v2/Extensions.md).

- Every sub-category is a service; ``service_code`` and ``service_request_id`` are strings.
- POST needs an ``api_key`` (form body, query string or ``Authorization: Bearer``); the
  reporter's email, name and phone go to the vault and are never returned.
- Extensions: ``page``/``page_size`` (and ``cursor``, given in the ``Link`` header of a
  page that has a next one), ``updated_after``/``updated_before``,
  ``extensions=true`` (notes history and extended attributes), ``media_url``, and a client
  ``token`` on POST that makes a retried POST return the first case (GET tokens/<token>).
- Errors are the spec's ``errors`` document with 400, 403 or 404.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models.agencies import localized
from yankao.servicedesk import selectors, services
from yankao.servicedesk.models import Case, CaseStatus, Category, Channel
from yankao.servicedesk.open311.render import errors, respond, w3c
from yankao.servicedesk.selectors.citizen import open311_updates
from yankao.servicedesk.selectors.public import (
    OPEN311_MAX_PAGE_SIZE,
    Open311Query,
    open311_request_page,
    open311_service,
)
from yankao.servicedesk.services.citizen import public_description, public_update_text

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"
ATTRIBUTE_FIELD = re.compile(r"^attribute\[(?P<code>[^\]]+)\](\[\])?$")


def jurisdiction() -> str:
    return getattr(settings, "YANKAO_OPEN311_JURISDICTION", "kaohsiung.gov.tw")


def _check_jurisdiction(request: HttpRequest, fmt: str) -> HttpResponse | None:
    given = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
             or "").strip()
    if given and given != jurisdiction():
        return errors(fmt, 404, f"jurisdiction_id {given!r} was not found; this endpoint "
                                f"serves {jurisdiction()}.")
    return None


def service_document(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.parent.name if category.parent_id else None,
    }


def request_document(case: Case, *, extensions: bool = False, base_url: str = "",
                     names: dict | None = None) -> dict:
    """One request in the spec's fields. ``names`` caches the names of categories and
    agencies across the documents of one response."""
    names = {} if names is None else names
    category_key, agency_key = ("c", case.category_id), ("a", case.agency_id)
    if category_key not in names:
        names[category_key] = (case.category.name, case.category.description or None)
    if agency_key not in names:
        names[agency_key] = case.agency.name if case.agency_id else None
    service_name, service_notice = names[category_key]
    document = {
        "service_request_id": case.number,
        "status": "closed" if case.status == CaseStatus.CLOSED else "open",
        "status_notes": case.status_notes or None,
        "service_name": service_name,
        "service_code": case.category.code,
        "description": public_description(case) or None,
        "agency_responsible": names[agency_key],
        "service_notice": service_notice,
        "requested_datetime": w3c(case.registered_at),
        "updated_datetime": w3c(case.closed_at if case.status == CaseStatus.CLOSED
                                else case.updated_at),
        "expected_datetime": w3c(case.due_at),
        "address": case.address or None,
        "address_id": None,
        "zipcode": case.district.code if case.district_id else None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": case.media_url or None,
    }
    if extensions:
        document["extended_attributes"] = {
            "channel": case.channel, "kind": case.kind,
            "attributes": case.attributes or {},
            "detail_url": f"{base_url}/track/",
        }
        document["notes"] = [
            {"datetime": w3c(note.datetime), "type": note.type,
             "description": note.description}
            for note in selectors.public_timeline(case=case)
        ]
    return document


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2").rstrip("/")
    return respond(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("Research, Development and Evaluation Commission, 1999 service desk"),
        "key_service": _("Ask the city's Research, Development and Evaluation Commission for "
                         "an api_key; reading needs none."),
        "endpoints": [{"specification": SPEC, "url": base, "changeset": CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    })


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    return respond(fmt, "services",
                   [service_document(c) for c in selectors.open311_services()])


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    category = selectors.open311_services().filter(code=code).first()
    if category is None:
        return errors(fmt, 404, f"service_code {code!r} was not found.")
    attributes = [
        {"variable": True, "code": item["code"], "datatype": item["datatype"],
         "required": bool(item.get("required")), "datatype_description": None,
         "order": index,
         "description": localized(item.get("description_zh", ""),
                                  item.get("description_en", "")),
         "values": [{"key": value["key"],
                     "name": localized(value.get("name_zh", ""), value.get("name_en", ""))}
                    for value in item.get("values", [])]}
        for index, item in enumerate(category.attributes or [], start=1)
    ]
    return respond(fmt, "service_definition",
                   {"service_code": category.code, "attributes": attributes})


def _api_key(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()


def _attributes(request: HttpRequest, category: Category) -> dict:
    answers: dict[str, list[str]] = {}
    for key in request.POST:
        match = ATTRIBUTE_FIELD.match(key)
        if match:
            answers.setdefault(match["code"], []).extend(request.POST.getlist(key))
    known = {item["code"]: item for item in category.attributes or []}
    result = {}
    for code, item in known.items():
        values = [value for value in answers.get(code, []) if value != ""]
        if item.get("required") and not values:
            raise DomainError(ErrorCode.INVALID, f"attribute[{code}] is required.")
        allowed = {value["key"] for value in item.get("values", [])}
        if allowed and any(value not in allowed for value in values):
            raise DomainError(ErrorCode.INVALID, f"attribute[{code}] must be one of "
                                                 f"{', '.join(sorted(allowed))}.")
        if values:
            result[code] = values if item["datatype"] == "multivaluelist" else values[0]
    return result


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = services.open311_client_for_key(_api_key(request))
    if client is None:
        return errors(fmt, 403, "Missing or invalid api_key -- can't proceed with "
                                "create_request.")
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    post = request.POST
    code = (post.get("service_code") or "").strip()
    if not code:
        return errors(fmt, 400, "service_code was not provided.")
    category = open311_service(code)
    if category is None:
        return errors(fmt, 404, f"service_code {code!r} was not found.")
    latitude, longitude = post.get("lat"), post.get("long")
    address = (post.get("address_string") or post.get("address_id") or "").strip()
    if not (latitude or longitude) and not address:
        return errors(fmt, 400, "A location is required: lat and long, address_string or "
                                "address_id.")
    media_url = (post.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            return errors(fmt, 400, "media_url is not an http(s) URL.")
    token = (post.get("token") or "").strip()[:40]
    name = " ".join(part for part in (post.get("last_name", "").strip(),
                                      post.get("first_name", "").strip()) if part)
    try:
        attributes = _attributes(request, category)
        case, _password = services.case_register(
            actor=None, actor_label=f"open311:{client.prefix}", category=category,
            description=post.get("description") or category.name,
            channel=Channel.OPEN311, latitude=latitude, longitude=longitude, address=address,
            media_url=media_url, reporter_name=name[:100],
            reporter_phone=post.get("phone", "")[:40],
            reporter_email=(post.get("email") or "").strip(),
            submission_key=f"o311:{client.pk}:{token}" if token else None,
            attributes=attributes,
        )
    except DomainError as error:
        return errors(fmt, 400, f"{error.field + ': ' if error.field else ''}{error.message}")
    return respond(fmt, "service_requests", [{
        "service_request_id": case.number,
        "service_notice": category.description or None,
        "account_id": None,
    }])


EARLIEST, LATEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def _when(value: str | None, name: str) -> dt.datetime | None:
    """A W3C date-time from the query; a date that does not exist (February 30th, 25
    o'clock, an offset of 99 hours) or lies outside 1900–2199 is refused, not a 500."""
    if not value:
        return None
    problem = DomainError(ErrorCode.INVALID, f"{name} must be a W3C date-time between 1900 "
                                             f"and 2199, such as 2018-01-01T00:00:00+08:00.")
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
        if parsed is None:
            raise problem
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=TAIPEI)
        in_range = EARLIEST <= parsed.astimezone(dt.UTC) < LATEST
    except (ValueError, OverflowError):
        raise problem from None
    if not in_range:
        raise problem
    return parsed


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _positive(value: str | None, name: str, default: int, maximum: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise DomainError(ErrorCode.INVALID, f"{name} must be a whole number from 1 to "
                                             f"{maximum}.")
    return int(value)


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    get = request.GET
    try:
        statuses = _list(get.get("status"))
        if any(status not in ("open", "closed") for status in statuses):
            raise DomainError(ErrorCode.INVALID, "status must be open, closed or both.")
        query = Open311Query(
            ids=_list(get.get("service_request_id")),
            service_codes=_list(get.get("service_code")),
            start=_when(get.get("start_date"), "start_date"),
            end=_when(get.get("end_date"), "end_date"),
            statuses=statuses,
            updated_after=_when(get.get("updated_after"), "updated_after"),
            updated_before=_when(get.get("updated_before"), "updated_before"),
            page=_positive(get.get("page"), "page", 1, 1_000_000),
            page_size=_positive(get.get("page_size"), "page_size", OPEN311_MAX_PAGE_SIZE,
                                OPEN311_MAX_PAGE_SIZE),
            cursor=(get.get("cursor") or "").strip()[:200] or None,
        )
        if query.start and query.end:
            if query.end < query.start:
                raise DomainError(ErrorCode.INVALID, "end_date is before start_date.")
            if query.end - query.start > dt.timedelta(days=90):
                raise DomainError(ErrorCode.INVALID, "start_date and end_date may not span "
                                                     "more than 90 days.")
        page = open311_request_page(query=query)
    except DomainError as error:
        return errors(fmt, 400, error.message)
    extensions = get.get("extensions", "").lower() == "true"
    base = request.build_absolute_uri("/").rstrip("/")
    names: dict = {}
    response = respond(fmt, "service_requests", [
        request_document(case, extensions=extensions, base_url=base, names=names)
        for case in page])
    if page.next_cursor:
        # The next page (RFC 8288): the same filters, after this page's last request.
        following = get.copy()
        following.pop("page", None)
        following["cursor"] = page.next_cursor
        url = request.build_absolute_uri(f"{request.path}?{following.urlencode()}")
        response["Link"] = f'<{url}>; rel="next"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    case = selectors.open311_cases().filter(number=request_id).first()
    if case is None:
        return errors(fmt, 404, f"service_request_id {request_id!r} was not found.")
    extensions = request.GET.get("extensions", "").lower() == "true"
    return respond(fmt, "service_requests", [request_document(
        case, extensions=extensions, base_url=request.build_absolute_uri("/").rstrip("/"))])


@require_GET
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """The case that a POST with this client ``token`` created. Only the application that
    sent the token may look it up, with its api_key (issue #11, finding 8): a token is the
    client's own retry handle, not a public search."""
    client = services.open311_client_for_key(_api_key(request))
    if client is None:
        return errors(fmt, 403, "Missing or invalid api_key -- a token is looked up by the "
                                "application that sent it.")
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    case = selectors.open311_token_case(client=client, token=token)
    if case is None:
        return errors(fmt, 404, f"token {token!r} was not found.")
    return respond(fmt, "service_requests", [{"service_request_id": case.number,
                                              "token": token}])


@require_GET
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET servicerequestupdates: the public updates of public requests between
    ``start_date`` and ``end_date`` (both or neither; at most 90 days; by default the last
    day), as FixMyStreet's Open311 client reads them (``Open311::get_service_request_updates``:
    update_id, service_request_id, status, updated_datetime, description, media_url)."""
    if (refused := _check_jurisdiction(request, fmt)) is not None:
        return refused
    try:
        start = _when(request.GET.get("start_date"), "start_date")
        end = _when(request.GET.get("end_date"), "end_date")
        if (start is None) != (end is None):
            raise DomainError(ErrorCode.INVALID, "Give both start_date and end_date, or "
                                                 "neither.")
        if start and end and end < start:
            raise DomainError(ErrorCode.INVALID, "end_date is before start_date.")
        if start and end and end - start > dt.timedelta(days=90):
            raise DomainError(ErrorCode.INVALID, "start_date and end_date may not span more "
                                                 "than 90 days.")
    except DomainError as error:
        return errors(fmt, 400, error.message)
    from django.utils import timezone

    updates = open311_updates(start=start, end=end, now=timezone.now())
    return respond(fmt, "service_request_updates", [{
        "update_id": str(update.pk),
        "service_request_id": update.case.number,
        "status": "closed" if update.status == CaseStatus.CLOSED else "open",
        "updated_datetime": w3c(update.created_at),
        "description": public_update_text(update) or str(update.get_kind_display()),
        "media_url": "",
        "external_status_code": update.kind,
    } for update in updates])


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(fmt, 404, "No such Open311 resource; see discovery.xml or discovery.json.")
