"""The SensorThings API 1.1 endpoint at ``/sta/v1.1/`` (OGC 18-088): one view that reads
the resource path, checks the caller and its rate, and answers in the standard's JSON."""

from __future__ import annotations

import base64
import binascii
import json
from http import HTTPStatus

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from yankao.citydata.access import PUBLIC, Caller
from yankao.citydata.services import keys, sensing
from yankao.citydata.sta import parser
from yankao.citydata.sta.entities import BY_PLURAL
from yankao.citydata.sta.errors import StaError
from yankao.citydata.sta.query import Reader, max_expand_depth, resolve_path
from yankao.core.context import client_ip
from yankao.core.errors import HTTP_STATUS, DomainError
from yankao.core.runtime import no_cycle_collection
from yankao.core.services.tokens import api_token_authenticate

VERSION_PATH = "/sta/v1.1"
CONFORMANCE = [
    "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array",
]


def _json(data, status: int = 200, **headers) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


def _credential(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    if scheme.lower() == "basic" and value:
        # Clients that only speak HTTP Basic (the Python STA client among them) send the
        # key or token as the password; the user name is not used.
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise StaError("The Authorization header cannot be read.",
                           HTTPStatus.UNAUTHORIZED) from None
        return decoded.partition(":")[2] or None
    return request.headers.get("X-API-Key") or None


def caller_of(request: HttpRequest) -> Caller:
    raw = _credential(request)
    if raw:
        if raw.startswith(keys.KEY_PREFIX):
            key = keys.key_authenticate(raw)
            if key is None:
                raise StaError("The API key is unknown or revoked.", HTTPStatus.UNAUTHORIZED)
            return Caller(key=key)
        user = api_token_authenticate(raw)
        if user is None or not user.is_active:
            raise StaError("The token is unknown, expired or revoked.",
                           HTTPStatus.UNAUTHORIZED)
        return Caller(user=user)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            raise StaError("Writes need an API key or a token, not a browser session.",
                           HTTPStatus.UNAUTHORIZED)
        return Caller(user=user)
    return PUBLIC


def _rate_check(request: HttpRequest, caller: Caller) -> None:
    if caller.key is not None:
        group, key, rate = "sta-key", f"k{caller.key.pk}", f"{caller.key.rate_per_minute}/m"
    elif caller.user is not None:
        group, key, rate = "sta-user", f"u{caller.user.pk}", settings.CITYDATA_USER_RATE
    else:
        group, key, rate = "sta-public", client_ip(request) or "unknown", \
            settings.CITYDATA_PUBLIC_RATE
    if is_ratelimited(request, group=group, key=lambda _g, _r: key, rate=rate,
                      increment=True):
        raise StaError("Too many requests; slow down and try again in a minute.",
                       HTTPStatus.TOO_MANY_REQUESTS)


def _body(request: HttpRequest):
    try:
        raw = request.body
    except RequestDataTooBig:
        raise StaError("The request body is too large.",
                       HTTPStatus.REQUEST_ENTITY_TOO_LARGE) from None
    try:
        return orjson.loads(raw or b"null")
    except orjson.JSONDecodeError as error:
        raise StaError(f"The body is not valid JSON: {error}") from None


def _params(request: HttpRequest) -> dict[str, str]:
    params = {}
    for name in request.GET:
        values = request.GET.getlist(name)
        if len(values) > 1:
            raise StaError(f"{name} is given more than once.")
        params[name] = values[0]
    return params


def service_root(request: HttpRequest) -> JsonResponse:
    base = request.build_absolute_uri(VERSION_PATH)
    return _json({
        "value": [{"name": plural, "url": f"{base}/{plural}"} for plural in BY_PLURAL],
        "serverSettings": {"conformance": CONFORMANCE},
    })


@csrf_exempt
def endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    try:
        caller = caller_of(request)
        _rate_check(request, caller)
        if not path.strip("/"):
            if request.method != "GET":
                raise StaError("The service root is read-only.", HTTPStatus.METHOD_NOT_ALLOWED)
            return service_root(request)
        if path.strip("/") == "CreateObservations":
            if request.method != "POST":
                raise StaError("CreateObservations takes POST.", HTTPStatus.METHOD_NOT_ALLOWED)
            with no_cycle_collection():
                links = sensing.observations_create(caller=caller, body=_body(request))
            base = request.build_absolute_uri(VERSION_PATH)
            return _json([f"{base}/{link}" for link in links], HTTPStatus.CREATED)
        handler = {"GET": _get, "POST": _post, "PATCH": _patch, "PUT": _put,
                   "DELETE": _delete}.get(request.method)
        if handler is None:
            raise StaError(f"{request.method} is not supported.", HTTPStatus.METHOD_NOT_ALLOWED)
        return handler(request, caller, path)
    except StaError as error:
        return error.response()
    except DomainError as error:
        return StaError(str(error.message or error.code), HTTP_STATUS[error.code]).response()


def _get(request: HttpRequest, caller: Caller, path: str) -> HttpResponse:
    if connection.vendor != "postgresql":
        return _read(request, caller, path)
    # A read that would run for long (say $count over every observation) is stopped.
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s",
                               [f"{settings.CITYDATA_READ_TIMEOUT_MS}ms"])
            return _read(request, caller, path)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") != "57014":  # query_canceled
            raise
        raise StaError("The query took too long; narrow it with $filter or ask for fewer "
                       "entities.", HTTPStatus.SERVICE_UNAVAILABLE) from None


def _read(request: HttpRequest, caller: Caller, path: str) -> HttpResponse:
    params = _params(request)
    options = parser.parse_options(params, max_depth=max_expand_depth())
    target = resolve_path(path, caller)
    reader = Reader(caller, request.build_absolute_uri(VERSION_PATH), params)
    reader.check_options(target.entity, options)
    if target.single:
        data = reader.single(target, options)
        if target.value:
            if data is None:
                return HttpResponse(status=HTTPStatus.NO_CONTENT)
            text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return _json(data)
    return _json(reader.collection(target, options, path))


def _post(request: HttpRequest, caller: Caller, path: str) -> HttpResponse:
    target = resolve_path(path, caller)
    body = _body(request)
    if target.ref:
        source, source_id, nav = _ref_parent(target)
        sensing.link_add(caller=caller, entity=source, pk=source_id, nav_name=nav.name,
                         data=body)
        return HttpResponse(status=HTTPStatus.NO_CONTENT)
    if target.single or target.property:
        raise StaError("POST goes to an entity set.", HTTPStatus.METHOD_NOT_ALLOWED)
    plural, pk = sensing.entity_create(caller=caller, entity=target.entity, data=body,
                                       parent=target.parent)
    base = request.build_absolute_uri(VERSION_PATH)
    location = f"{base}/{plural}({pk})"
    reader = Reader(caller, base, {})
    created = resolve_path(f"{plural}({pk})", caller)
    data = reader.single(created, parser.Options())
    return _json(data, HTTPStatus.CREATED, Location=location)


def _ref_parent(target):
    if target.parent is None:
        raise StaError("$ref links from an entity's navigation property.")
    return target.parent


def _single_target(request: HttpRequest, caller: Caller, path: str):
    target = resolve_path(path, caller)
    if not target.single or target.property or target.ref:
        raise StaError("Name one entity, e.g. Things(1).", HTTPStatus.METHOD_NOT_ALLOWED)
    pk = target.queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise StaError(f"The {target.entity.name} does not exist.", HTTPStatus.NOT_FOUND)
    return target, pk


def _patch(request: HttpRequest, caller: Caller, path: str, replace: bool = False):
    target, pk = _single_target(request, caller, path)
    body = _body(request)
    if request.content_type == "application/json-patch+json":
        raise StaError("JSON Patch is not supported; send the changed properties as JSON.",
                       HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
    sensing.entity_update(caller=caller, entity=target.entity, pk=pk, data=body,
                          replace=replace)
    reader = Reader(caller, request.build_absolute_uri(VERSION_PATH), {})
    return _json(reader.single(resolve_path(f"{target.entity.plural}({pk})", caller),
                               parser.Options()))


def _put(request: HttpRequest, caller: Caller, path: str):
    return _patch(request, caller, path, replace=True)


def _delete(request: HttpRequest, caller: Caller, path: str) -> HttpResponse:
    target = resolve_path(path, caller)
    if target.ref:
        source, source_id, nav = _ref_parent(target)
        if not target.single:
            raise StaError("Name the linked entity, e.g. Things(1)/Locations(2)/$ref.")
        pk = target.queryset.values_list("pk", flat=True).first()
        if pk is None:
            raise StaError("The link does not exist.", HTTPStatus.NOT_FOUND)
        sensing.link_remove(caller=caller, entity=source, pk=source_id, nav_name=nav.name,
                            target_pk=pk)
        return HttpResponse(status=HTTPStatus.NO_CONTENT)
    target, pk = _single_target(request, caller, path)
    sensing.entity_delete(caller=caller, entity=target.entity, pk=pk)
    return HttpResponse(status=HTTPStatus.OK)
