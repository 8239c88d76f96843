"""Helpers for service functions of any app: model validation as one DomainError
(``full_clean``, kept in ``core.validation``), and refusals audited after their transaction
rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from yankao.core.errors import DomainError
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

__all__ = ["full_clean", "refusals_audited"]


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
