"""Helpers shared by the participation services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.services.audit import audit_record


def full_clean(instance: models.Model, **kwargs) -> None:
    """``full_clean`` with Django's errors turned into one DomainError naming the field."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, errors = next(iter(error.error_dict.items()))
            message = " ".join(str(m) for item in errors for m in item.messages)
            raise DomainError(ErrorCode.INVALID, message,
                              field=None if name == "__all__" else name) from None
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from None


@contextmanager
def refusals_audited(*, actor, action, obj=None, agency=None, data=None,
                     actor_label: str | None = None) -> Iterator[None]:
    """Audit a refusal after its transaction rolled back: nothing of the attempt is saved
    but the event that it was refused, with the reason shown to the person."""
    try:
        yield
    except DomainError as error:
        audit_record(actor=actor, action=action, obj=obj, agency=agency,
                     reason=error.message, data={**(data or {}), "code": str(error.code)},
                     actor_label=actor_label)
        raise
