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


def full_clean(instance, **kwargs) -> None:
    """``instance.full_clean()`` with Django's errors turned into one DomainError naming the
    first field at fault, for services that validate a model before saving it."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, errors = next(iter(error.error_dict.items()))
            message = " ".join(str(message) for item in errors for message in item.messages)
            raise DomainError(ErrorCode.INVALID, message,
                              field=None if name == "__all__" else name) from None
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from None
