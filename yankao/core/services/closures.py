from __future__ import annotations

import datetime as dt

from django.db import transaction

from yankao.core.audit import CoreAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import ClosureDay
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean


def closure_day_add(*, actor, date: dt.date, reason: str) -> ClosureDay:
    """Record a day the city closed its offices (停班), e.g. for a typhoon."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    reason = reason.strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, "Give the reason for the closure.", field="reason")
    with transaction.atomic():
        if ClosureDay.objects.filter(date=date).exists():
            raise DomainError(
                ErrorCode.CONFLICT, f"{date:%Y-%m-%d} is already a closure day.", field="date"
            )
        day = ClosureDay(date=date, reason=reason)
        full_clean(day)
        day.save()
        audit_record(actor=actor, action=CoreAction.CLOSURE_DAY_CREATE, obj=day, reason=reason)
    return day
