"""A refusal in the format of the protocol the request speaks.

Bad input gets a clear error in the protocol's own format (DESIGN.md): problem JSON on
/api/, Open311's ``errors`` document on /open311/, the site's error page elsewhere. Errors
that Django raises before any view runs (a body over the size limit, too many fields, a
malformed multipart body, a 405) come here too, through the error handlers and
:class:`yankao.core.middleware.RequestGuardMiddleware`.

An app that serves a protocol registers its refusal on its AppConfig::

    yankao_error_formats = {"/open311/": "yankao.servicedesk.open311.render:refusal"}

where ``refusal(request, status, message) -> HttpResponse``.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string

from yankao.core.errors import ErrorCode

API_PREFIX = "/api/"
STATUS_CODES = {
    400: ErrorCode.INVALID, 401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND, 405: ErrorCode.INVALID, 409: ErrorCode.CONFLICT,
    413: ErrorCode.FILE_TOO_LARGE, 415: ErrorCode.FILE_TYPE_NOT_ALLOWED,
    422: ErrorCode.INVALID, 429: ErrorCode.RATE_LIMITED, 500: ErrorCode.SERVER_ERROR,
    503: ErrorCode.UNAVAILABLE,
}


@cache
def error_formats() -> tuple[tuple[str, str], ...]:
    """(path prefix, dotted refusal) of every installed app, longest prefix first."""
    found: dict[str, str] = {}
    for config in apps.get_app_configs():
        found.update(getattr(config, "yankao_error_formats", {}))
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


def api_refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    from yankao.core.api.errors import problem

    return problem(STATUS_CODES.get(status, ErrorCode.INVALID), message, status=status)


def html_refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"status": status, "message": message},
                  status=status)


def protocol_refusal(request: HttpRequest, status: int,
                     message: str = "") -> HttpResponse | None:
    """The refusal in the format of the protocol ``request``'s path speaks; None for a
    page (the site's HTML)."""
    path = request.path
    if path.startswith(API_PREFIX):
        return api_refusal(request, status, message)
    for prefix, dotted in error_formats():
        if path.startswith(prefix):
            return import_string(dotted.replace(":", "."))(request, status, message)
    return None


def refusal(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    response = protocol_refusal(request, status, message)
    return response if response is not None else html_refusal(request, status, message)
