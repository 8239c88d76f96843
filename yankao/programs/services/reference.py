"""Reference data (policy defaults, grade scales, categories) for a new city."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.programs.audit import ProgramsAction
from yankao.programs.reference import ensure_reference_data


def reference_data_ensure(*, actor) -> int:
    """Create the reference rows that are missing (the data migration does this for a new
    database); existing rows, as the administrators edited them, are left alone."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        created = ensure_reference_data(apps)
        if created:
            audit_record(actor=actor, action=ProgramsAction.PROGRAMS_REFERENCE_DATA,
                         to_state="present",
                         data={"created": created})
    return created
