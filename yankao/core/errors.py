"""Error codes, in one place, and the exception service functions raise.

Each protocol maps a :class:`DomainError` to its own format: problem JSON on /api/v1
(:mod:`yankao.core.api.errors`), form errors in HTML views, and later Open311 ``errors[]``
and CKAN ``error.__type``.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    CONFLICT = "conflict"
    INVALID_STATE = "invalid_state"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    RATE_LIMITED = "rate_limited"
    # Not raised by services: the server's own failures, in the protocols' formats.
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"


HTTP_STATUS = {
    ErrorCode.INVALID: HTTPStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.FORBIDDEN: HTTPStatus.FORBIDDEN,
    ErrorCode.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    ErrorCode.CONFLICT: HTTPStatus.CONFLICT,
    ErrorCode.INVALID_STATE: HTTPStatus.CONFLICT,
    ErrorCode.FILE_TOO_LARGE: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    ErrorCode.FILE_TYPE_NOT_ALLOWED: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.RATE_LIMITED: HTTPStatus.TOO_MANY_REQUESTS,
    ErrorCode.SERVER_ERROR: HTTPStatus.INTERNAL_SERVER_ERROR,
    ErrorCode.UNAVAILABLE: HTTPStatus.SERVICE_UNAVAILABLE,
}

TITLES = {
    ErrorCode.INVALID: _("The input is not valid."),
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.FORBIDDEN: _("You may not do this."),
    ErrorCode.UNAUTHENTICATED: _("Sign in or send a valid API token."),
    ErrorCode.CONFLICT: _("This conflicts with an existing record."),
    ErrorCode.INVALID_STATE: _("The record is not in a state that allows this."),
    ErrorCode.FILE_TOO_LARGE: _("The file is too large."),
    ErrorCode.FILE_TYPE_NOT_ALLOWED: _("This type of file is not accepted."),
    ErrorCode.RATE_LIMITED: _("Too many requests; try again later."),
    ErrorCode.SERVER_ERROR: _("The server met an error; it has been logged."),
    ErrorCode.UNAVAILABLE: _("The database cannot be reached for a moment; try again "
                             "shortly."),
}


class DomainError(Exception):
    """Raised by services and selectors; nothing has been written when it is raised."""

    def __init__(self, code: ErrorCode, message: str = "", *, field: str | None = None):
        self.code = code
        self.message = str(message or TITLES[code])
        self.field = field
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return int(HTTP_STATUS[self.code])

    @property
    def title(self) -> str:
        return str(TITLES[self.code])
