"""The CKAN Action API (a read-only subset) at ``/api/3/action/NAME`` and ``/api/action/NAME``.

It answers as CKAN's ``ckan/views/api.py`` does, so clients written for CKAN — ``ckanapi``
unmodified among them — work against it:

* every answer is ``{"help", "success", "result"}`` or ``{"help", "success": false,
  "error": {"__type", …}}``, JSON with ``charset=utf-8``, never a redirect;
* errors carry CKAN's types and status codes: Validation Error 409 (the field's messages
  under its name), Not Found Error 404, Authorization Error 403, Search Query Error 400,
  Search Error 409; an unknown action is 400 ``"Bad request - Action name not known"``;
* parameters come from the query string (GET) or a JSON body or form (POST); unknown
  parameters are ignored, except by ``package_search``, which refuses them as CKAN's Solr
  search does ("Invalid search parameters").

API tokens (the same as /api/v1's) go in ``Authorization`` or ``X-CKAN-API-Key``; with one,
``include_private`` finds the restricted datasets shared with the token user's agency.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

import yankao
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.services.tokens import api_token_authenticate
from yankao.opendata.files import FORMATS
from yankao.opendata.national import resource_address
from yankao.opendata.selectors import catalogue as reads
from yankao.opendata.selectors import datastore
from yankao.opendata.selectors.search import FACETS, SORTS, SearchQuery, catalogue_search

ROWS_MAX = 1000  # ckan.search.rows_max
FACET_LIMIT = 50  # search.facets.limit
CKAN_API_LEVEL = "2.10.0"  # the CKAN release whose Action API this follows
CONTENT_TYPE = "application/json;charset=utf-8"
# package_search accepts Solr's parameters (and CKAN's own); anything else is refused.
SEARCH_PARAMETERS = {"q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field",
                     "facet.limit", "facet.mincount", "include_private", "include_drafts",
                     "include_deleted", "use_default_schema", "fl", "qf", "wt", "bf", "boost",
                     "tie", "defType", "mm", "df", "extras"}


class ActionError(Exception):
    """An error in CKAN's shape: ``kind`` is its ``__type``."""

    STATUS = {"Validation Error": 409, "Not Found Error": 404, "Authorization Error": 403,
              "Search Query Error": 400, "Search Error": 409}

    def __init__(self, kind: str, message: str = "", fields: dict | None = None):
        self.kind, self.message, self.fields = kind, message, fields or {}
        super().__init__(message)

    def body(self) -> dict:
        if self.kind == "Validation Error":
            return {"__type": self.kind, **self.fields}
        return {"__type": self.kind, "message": self.message}


def invalid(name: str, message: str) -> ActionError:
    return ActionError("Validation Error", fields={name: [message]})


def not_found(what: str = "") -> ActionError:
    return ActionError("Not Found Error", "Not found" + (f": {what}" if what else ""))


# --- Parameters ---------------------------------------------------------------------------

def _integer(data: dict, name: str, default: int | None, *, natural: bool = True) -> int | None:
    value = data.get(name, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        raise invalid(name, "Invalid integer")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise invalid(name, "Invalid integer") from None
    if natural and number < 0:
        raise invalid(name, "Must be a natural number")
    return number


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


def _required(data: dict, name: str) -> str:
    value = data.get(name)
    if value in (None, "") or isinstance(value, list | dict):
        raise invalid(name, "Missing value")
    return str(value)


def _list_of_strings(data: dict, name: str) -> list[str]:
    value = data.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(name, "Not a list of strings")
    return value


# --- Dictionaries -----------------------------------------------------------------------

def _timestamp(moment: dt.datetime | None) -> str | None:
    """CKAN writes times in UTC without a zone."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def organization_dict(agency, count: int | None = None) -> dict:
    publisher = getattr(agency, "opendata_publisher", None)
    result = {
        "id": agency.code, "name": agency.code, "title": agency.name_zh,
        "display_name": agency.name_zh, "description": agency.name_en, "type": "organization",
        "is_organization": True, "state": "active", "approval_status": "approved",
        "image_url": "", "image_display_url": "", "created": None,
        "extras": [{"key": "publisherOID", "value": publisher.oid},
                   {"key": "publisherOrgCode", "value": publisher.org_code}] if publisher else [],
    }
    if count is not None:
        result["package_count"] = count
    return result


def group_dict(category, count: int | None = None) -> dict:
    result = {"id": category.slug, "name": category.slug, "title": category.name_zh,
              "display_name": category.name_zh, "description": category.name_en,
              "type": "group", "is_organization": False, "state": "active",
              "approval_status": "approved", "image_url": "", "image_display_url": "",
              "extras": [{"key": "categoryService", "value": category.code}]}
    if count is not None:
        result["package_count"] = count
    return result


def resource_dict(resource, base: str) -> dict:
    fmt = FORMATS.get(resource.format)
    attachment = resource.attachment if resource.kind == "file" else None
    return {
        "id": str(resource.pk), "package_id": str(resource.dataset_id),
        "name": resource.description, "description": resource.description,
        "url": resource_address(resource, base), "format": resource.format,
        "mimetype": fmt.media_type if fmt else None,
        "size": attachment.size if attachment else None,
        "hash": f"sha256:{attachment.sha256}" if attachment else "",
        "url_type": "upload" if attachment else None,
        "created": _timestamp(resource.created_at),
        "last_modified": _timestamp(resource.modified_at),
        "metadata_modified": _timestamp(resource.modified_at),
        "position": resource.position - 1, "state": "active",
        "resourceID": resource.identifier, "characterSetCode": resource.character_set,
        "datastore_active": datastore.has_table(resource),
        "resourceField": [{"name": f.name, "description": f.description}
                          for f in resource.fields.all()],
    }


def package_dict(dataset, base: str) -> dict:
    state = {"published": "active", "draft": "draft", "withdrawn": "deleted"}[dataset.state]
    publisher = getattr(dataset.agency, "opendata_publisher", None)
    tags = sorted(dataset.tags.all(), key=lambda tag: tag.name)
    resources = [resource_dict(r, base) for r in dataset.active_resources]
    extras = {
        "identifier": dataset.identifier, "categoryService": dataset.category.code,
        "publisherOID": publisher.oid if publisher else "",
        "publisherOrgCode": publisher.org_code if publisher else "",
        "updateFrequency": (f"{dataset.update_every} {dataset.update_unit}"
                            if dataset.update_regular else "irregular"),
        "quality": dataset.quality, "type": dataset.kind, "cost": dataset.cost,
        "temporalCoverageFrom": dataset.temporal_from.isoformat()
        if dataset.temporal_from else "",
        "temporalCoverageTo": dataset.temporal_to.isoformat() if dataset.temporal_to else "",
        "spatial": dataset.spatial, "language": dataset.language,
    }
    return {
        "id": str(dataset.pk), "name": dataset.name, "title": dataset.title,
        "notes": dataset.description, "url": dataset.landing_page,
        "author": dataset.publisher_contact_name, "author_email": dataset.publisher_contact_email,
        "maintainer": dataset.organization_contact_name,
        "maintainer_email": dataset.organization_contact_email,
        "license_id": dataset.licence.code, "license_title": dataset.licence.title_zh,
        "license_url": dataset.licence.url, "isopen": dataset.licence.is_open,
        "metadata_created": _timestamp(dataset.created_at),
        "metadata_modified": _timestamp(dataset.modified_at),
        "state": state, "private": dataset.access != "public", "type": "dataset",
        "version": str(dataset.version), "owner_org": dataset.agency.code,
        "organization": organization_dict(dataset.agency),
        "groups": [group_dict(dataset.category)],
        "tags": [{"id": str(tag.pk), "name": tag.name, "display_name": tag.name,
                  "state": "active", "vocabulary_id": None} for tag in tags],
        "num_tags": len(tags), "resources": resources, "num_resources": len(resources),
        "extras": [{"key": key, "value": str(value)} for key, value in extras.items()],
        "relationships_as_object": [], "relationships_as_subject": [],
    }


# --- Actions ------------------------------------------------------------------------------

ACTIONS: dict[str, Callable] = {}


def action(function: Callable) -> Callable:
    ACTIONS[function.__name__] = function
    return function


class Call:
    """One request to an action: the parameters, the actor and the site's address."""

    def __init__(self, request: HttpRequest, data: dict, actor):
        self.request, self.data, self.actor = request, data, actor
        self.base = request.build_absolute_uri("/").rstrip("/")


def _selected(selector, **kwargs):
    try:
        return selector(**kwargs)
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise not_found() from None
        raise ActionError("Authorization Error", f"Access denied: {error.message}") from None


@action
def package_list(call: Call) -> list[str]:
    """Return a list of the names of the site's datasets (packages).

    :param limit: if given, the list of datasets will be broken into pages of at most
        ``limit`` datasets per page and only one page will be returned at a time
    :param offset: when ``limit`` is given, the offset to start returning packages from
    :rtype: list of strings
    """
    limit = _integer(call.data, "limit", None)
    offset = _integer(call.data, "offset", 0)
    names = reads.public_names()
    return names[offset:offset + limit] if limit is not None else names[offset:]


@action
def package_show(call: Call) -> dict:
    """Return the metadata of a dataset (package) and its resources.

    :param id: the id or name of the dataset
    :rtype: dictionary
    """
    key = _required(call.data, "id")
    dataset = _selected(reads.dataset_get, actor=call.actor, key=key)
    return package_dict(dataset, call.base)


@action
def resource_show(call: Call) -> dict:
    """Return the metadata of a resource.

    :param id: the id of the resource
    :rtype: dictionary
    """
    key = _required(call.data, "id")
    resource = _selected(reads.resource_get, actor=call.actor, resource_id=key)
    if resource.removed_at is not None:
        raise not_found()
    return resource_dict(resource, call.base)


@action
def organization_list(call: Call) -> list:
    """Return a list of the names of the site's organizations (the publishing agencies).

    :param all_fields: return group dictionaries instead of just names (default False)
    :param sort: ``name`` (default) or ``package_count``, with ``asc`` or ``desc``
    :param limit: the maximum number of organizations returned
    :param offset: when ``limit`` is given, the offset to start returning organizations from
    """
    rows = reads.organizations()
    return _group_listing(call, [(agency, count, agency.code) for agency, count in rows],
                          organization_dict)


@action
def group_list(call: Call) -> list:
    """Return a list of the names of the site's groups (the national service categories).

    :param all_fields: return group dictionaries instead of just names (default False)
    :param sort: ``name`` (default) or ``package_count``, with ``asc`` or ``desc``
    """
    rows = reads.groups()
    return _group_listing(call, [(category, count, category.slug) for category, count in rows],
                          group_dict)


def _group_listing(call: Call, rows: list[tuple], to_dict: Callable) -> list:
    sort = str(call.data.get("sort") or "name asc").strip().split()
    field, direction = sort[0], (sort[1].lower() if len(sort) > 1 else "asc")
    if field not in ("name", "title", "package_count") or direction not in ("asc", "desc"):
        raise invalid("sort", f"Cannot sort by field `{field}`")
    position = {"name": 2, "title": 2, "package_count": 1}[field]
    rows = sorted(rows, key=lambda row: row[position], reverse=direction == "desc")
    offset = _integer(call.data, "offset", 0)
    limit = _integer(call.data, "limit", None)
    rows = rows[offset:offset + limit] if limit is not None else rows[offset:]
    if _boolean(call.data.get("all_fields", False)):
        return [to_dict(item, count) for item, count, _name in rows]
    return [name for _item, _count, name in rows]


@action
def organization_show(call: Call) -> dict:
    """Return the details of an organization (a publishing agency).

    :param id: the id or name of the organization
    :param include_datasets: include a truncated list of the organization's datasets
    """
    agency = _selected(reads.organization_get, code=_required(call.data, "id"))
    result = organization_dict(agency, agency.count)
    if _boolean(call.data.get("include_datasets", False)):
        found = catalogue_search(actor=call.actor, query=SearchQuery(
            filters=(("organization", agency.code),), rows=10,
            sort=(("metadata_modified", True),)))
        result["packages"] = [package_dict(d, call.base)
                              for d in reads.datasets_by_ids(found.ids)]
    return result


@action
def group_show(call: Call) -> dict:
    """Return the details of a group (a national service category).

    :param id: the id or name of the group
    """
    key = _required(call.data, "id")
    for category, count in reads.groups():
        if key in (category.slug, category.code):
            return group_dict(category, count)
    raise not_found()


@action
def tag_list(call: Call) -> list:
    """Return a list of the site's tags (keywords).

    :param query: a tag name query to search for
    :param all_fields: return full tag dictionaries instead of just names (default False)
    """
    names = reads.tag_names(str(call.data.get("query") or ""))
    if _boolean(call.data.get("all_fields", False)):
        return [{"name": name, "display_name": name, "vocabulary_id": None} for name in names]
    return names


@action
def status_show(call: Call) -> dict:
    """Return a dictionary with information about the site's configuration."""
    return {"site_title": f"{reads.city_name()}資料開放平臺", "site_url": call.base,
            "site_description": "", "error_emails_to": None, "locale_default": "zh_Hant_TW",
            "ckan_version": CKAN_API_LEVEL, "yankao_version": yankao.__version__,
            "extensions": ["datastore"]}


@action
def help_show(call: Call) -> str:
    """Return the help string for a particular API action.

    :param name: action function name (e.g. ``package_search``)
    """
    name = _required(call.data, "name")
    if name not in ACTIONS:
        raise not_found(f"Action function not found: {name}")
    return (ACTIONS[name].__doc__ or "").strip()


FIELD_CLAUSE = re.compile(r'([+-]?)([A-Za-z_.]+):("(?:[^"\\]|\\.)*"|\S+)')


def _clauses(text: str) -> tuple[list[tuple[str, str]], str]:
    """``field:value`` clauses of a Solr-style string, and what is left."""
    found = []
    for sign, name, value in FIELD_CLAUSE.findall(text):
        if sign == "-":
            raise ActionError("Search Query Error", f"Search Query is invalid: "
                              f"'negative filters are not supported: {name}'")
        found.append((name, value.strip('"').replace('\\"', '"')))
    return found, FIELD_CLAUSE.sub(" ", text)


@action
def package_search(call: Call) -> dict:
    """Search for datasets (packages) matching a query, with facets.

    :param q: the search words (Traditional or Simplified Chinese, or English); ``*:*``
        matches everything; ``field:value`` narrows like ``fq``
    :param fq: filter queries, e.g. ``organization:transportation +res_format:CSV``;
        fields: organization, groups, tags, res_format, license_id, quality, name
    :param fq_list: more filter queries, as a list
    :param sort: ``score desc, metadata_modified desc`` (default), or ``metadata_modified``,
        ``title_string`` or ``name`` with ``asc`` or ``desc``
    :param rows: how many datasets to return (default 10, at most 1000)
    :param start: the offset of the first dataset returned
    :param facet.field: the fields to count values of, as a list
    :param facet.limit: the largest number of values per facet (default 50; negative: all)
    :param facet.mincount: the smallest count of a value returned (default 1)
    :param include_private: also find the restricted datasets the user may see
    """
    data = call.data
    unknown = sorted(key for key in data if key not in SEARCH_PARAMETERS
                     and not key.startswith("ext_"))
    if unknown:
        raise ActionError("Search Query Error",
                          f"Search Query is invalid: 'Invalid search parameters: {unknown}'")
    rows = min(_integer(data, "rows", 10), ROWS_MAX)
    start = _integer(data, "start", 0)
    facet_limit = _integer(data, "facet.limit", FACET_LIMIT, natural=False)
    facet_mincount = _integer(data, "facet.mincount", 1)
    facet_fields = _list_of_strings(data, "facet.field") if _boolean(
        data.get("facet", True)) else []
    fq_list = _list_of_strings(data, "fq_list")
    q = str(data.get("q") or "")
    if q.strip() in ("*:*", "*"):
        q = ""
    from_q, text = _clauses(q)
    filters = list(from_q)
    for fq in [str(data.get("fq") or ""), *fq_list]:
        found, rest = _clauses(fq)
        if rest.strip() and rest.strip() not in ("*:*",):
            raise ActionError("Search Query Error",
                              f"Search Query is invalid: 'cannot read filter {rest.strip()!r}'")
        filters.extend(found)
    for name, _value in filters:
        if name not in FACETS:
            raise ActionError("Search Error", f"Search error: 'undefined field {name}'")
    for name in facet_fields:
        if name not in FACETS:
            raise ActionError("Search Error", f"Search error: 'undefined field {name}'")
    sort_text = str(data.get("sort") or "score desc, metadata_modified desc")
    sort = []
    for part in [p.strip() for p in sort_text.split(",") if p.strip()]:
        field, _space, direction = part.partition(" ")
        direction = (direction.strip() or "asc").lower()
        if field not in SORTS or direction not in ("asc", "desc"):
            raise ActionError("Search Error", f"Search error: 'can not sort on {part}'")
        sort.append((field, direction == "desc"))
    include_private = _boolean(data.get("include_private", False))
    found = catalogue_search(actor=call.actor, query=SearchQuery(
        text=text.strip(), filters=tuple(filters), facet_fields=tuple(facet_fields),
        facet_limit=facet_limit, facet_mincount=facet_mincount, sort=tuple(sort), rows=rows,
        start=start, include_private=include_private))
    datasets = reads.datasets_by_ids(found.ids)
    results = [package_dict(d, call.base) for d in datasets]
    fl = _list_of_strings(data, "fl") if isinstance(data.get("fl"), list) else (
        str(data.get("fl")).split() if data.get("fl") else [])
    if fl:
        results = [{key: r.get(key) for key in fl} for r in results]
    labels = _facet_titles(found.facets)
    return {
        "count": found.count, "sort": sort_text, "results": results,
        "facets": {name: dict(items) for name, items in found.facets.items()},
        "search_facets": {name: {"title": name, "items": [
            {"name": value, "display_name": labels.get((name, value), value), "count": count}
            for value, count in items]} for name, items in found.facets.items()},
    }


def _facet_titles(facets: dict) -> dict[tuple[str, str], str]:
    return reads.facet_titles(
        organizations=[value for value, _n in facets.get("organization", ())],
        groups=[value for value, _n in facets.get("groups", ())])


@action
def datastore_search(call: Call) -> dict:
    """Search the rows of a CSV or XLSX resource.

    :param resource_id: the id of the resource
    :param filters: exact values to match, as a dictionary ``{"field": value or [values]}``
    :param q: words to find in any field
    :param sort: ``field asc, field2 desc``
    :param limit: how many rows (default 100, at most 32000)
    :param offset: the offset of the first row
    :param fields: the fields to return, as a list or a comma-separated string
    """
    data = call.data
    resource = _selected(reads.resource_get, actor=call.actor,
                         resource_id=_required(data, "resource_id"))
    if not datastore.has_table(resource) or resource.removed_at is not None:
        raise not_found(f'Resource "{resource.pk}" was not found.')
    filters = data.get("filters") or {}
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            raise invalid("filters", "Not a JSON object") from None
    if not isinstance(filters, dict):
        raise invalid("filters", "Not a JSON object")
    fields = data.get("fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    limit = _integer(data, "limit", datastore.ROWS_DEFAULT)
    offset = _integer(data, "offset", 0)
    try:
        page = datastore.datastore_search(resource=resource, filters=filters,
                                          q=str(data.get("q") or ""),
                                          sort=str(data.get("sort") or ""), limit=limit,
                                          offset=offset, fields=fields or None)
    except DomainError as error:
        raise invalid(error.field or "resource_id", error.message) from None
    start = f"/api/3/action/datastore_search?resource_id={resource.pk}"
    return {"resource_id": str(resource.pk), "fields": page.fields, "records": page.records,
            "total": page.total, "limit": page.limit, "offset": page.offset,
            "include_total": True, "records_format": "objects",
            "_links": {"start": start, "next": f"{start}&offset={page.offset + page.limit}"}}


# --- The view -----------------------------------------------------------------------------

def _respond(status: int, body) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status,
                        content_type=CONTENT_TYPE)


def _request_data(request: HttpRequest) -> dict:
    """The parameters, as CKAN reads them (query string on GET; JSON body or form on
    POST). Raises ValueError for a body that is not a JSON object."""
    def flat(multi) -> dict:
        return {key: values[0] if len(values) == 1 else values
                for key, values in multi.lists()}

    if request.method == "GET":
        return flat(request.GET)
    if request.POST:
        values = list(request.POST.values())
        if len(values) == 1 and values[0] in ("1", ""):
            return _json_object(next(iter(request.POST.keys())))
        return flat(request.POST)
    body = request.body
    if not body.strip():
        return {}
    return _json_object(body.decode("utf-8", errors="strict"))


def _json_object(text: str) -> dict:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"Request data JSON decoded to {data!r} but it needs to be a "
                         f"dictionary.")
    return data


def _actor(request: HttpRequest):
    """The token user (Authorization or X-CKAN-API-Key), the signed-in user, or None."""
    raw = (request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")
           or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if raw:
        user = api_token_authenticate(raw)
        if user is None:
            raise ActionError("Authorization Error", "Access denied: the API token is not "
                                                     "valid")
        return user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@csrf_exempt
def action_view(request: HttpRequest, name: str, version: str | None = None) -> HttpResponse:
    """``/api/3/action/NAME`` and ``/api/action/NAME`` (GET or POST)."""
    if request.method not in ("GET", "POST"):
        return _respond(400, "Bad request - Method not allowed: use GET or POST")
    function = ACTIONS.get(name)
    if function is None:
        return _respond(400, f"Bad request - Action name not known: {name}")
    envelope = {"help": request.build_absolute_uri(
        f"/api/{version or 3}/action/help_show?name={name}")}
    try:
        data = _request_data(request)
    except (ValueError, UnicodeDecodeError) as error:
        return _respond(400, f"Bad request - JSON Error: {error}")
    data.pop("callback", None)
    try:
        actor = _actor(request)
        result = function(Call(request, data, actor))
    except ActionError as error:
        return _respond(ActionError.STATUS[error.kind],
                        {**envelope, "success": False, "error": error.body()})
    return _respond(200, {**envelope, "success": True, "result": result})
