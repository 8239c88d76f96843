"""Errors on /api/v1 as problem JSON (RFC 9457), from the one table in core.errors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from yankao.core.errors import HTTP_STATUS, TITLES, DomainError, ErrorCode

PROBLEM_TYPE = "urn:yankao:problem:{code}"


def problem(
    code: ErrorCode, detail: str = "", *, errors: list | None = None, status: int | None = None
) -> JsonResponse:
    body = {
        "type": PROBLEM_TYPE.format(code=code.value),
        "title": str(TITLES[code]),
        "status": status or int(HTTP_STATUS[code]),
        "detail": detail or str(TITLES[code]),
        "code": code.value,
    }
    if errors:
        body["errors"] = errors
    response = JsonResponse(
        body,
        status=body["status"],
        content_type="application/problem+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    if code == ErrorCode.UNAUTHENTICATED:
        response["WWW-Authenticate"] = 'Bearer realm="yankao"'
    return response


def _field_name(location) -> str:
    """``["body", "payload", "name"]`` → ``name``; ``["query", "hours"]`` → ``hours``."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"] and len(parts) > 2:
        parts = parts[2:]
    elif parts[:1] in (["body"], ["query"], ["path"], ["header"], ["cookie"], ["form"]):
        parts = parts[1:]
    return ".".join(parts)


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError):
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
        return problem(exc.code, exc.message, errors=errors)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError):
        errors = [
            {"field": _field_name(error.get("loc", [])), "message": error.get("msg", "")}
            for error in exc.errors
        ]
        return problem(ErrorCode.INVALID, errors=errors)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
        return problem(ErrorCode.UNAUTHENTICATED)

    @api.exception_handler(AuthorizationError)
    def on_authorization_error(request: HttpRequest, exc: AuthorizationError):
        return problem(ErrorCode.FORBIDDEN)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404):
        return problem(ErrorCode.NOT_FOUND, str(exc) if str(exc) else "")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError):
        code = next(
            (code for code, status in HTTP_STATUS.items() if int(status) == exc.status_code),
            ErrorCode.INVALID,
        )
        return problem(code, str(exc), status=exc.status_code)
