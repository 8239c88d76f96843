from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from yankao.core.audit import AuditAction
from yankao.core.context import current_ip
from yankao.core.inserts import insert_new
from yankao.core.models import Agency, AuditEvent
from yankao.core.permissions import owning_agency

SYSTEM_LABEL = "system"

# The events of an open audit_batch block, or None outside one.
_batch: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Inside the block, :func:`audit_record` collects its events, and they are written in
    one INSERT when the block ends without an error (in their order). Use it inside the
    service's transaction, around a step that writes several events (an intake: the case,
    its reporter, its routing). An event is then not saved (no ``pk``) until the block ends.
    An inner block adds to the outer one."""
    if _batch.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _batch.set(events)
    try:
        yield
    finally:
        _batch.reset(token)
    if events:
        insert_new(events)


def audit_record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    agency: Agency | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction, after the change.

    ``agency`` defaults to the object's own ``agency`` (or the object itself when it is an
    agency), so the event is visible to the same people as the record.

    ``action`` must be a member of an app's :class:`~yankao.core.audit.AuditAction` enum
    (declared in ``<app>/audit.py``): a plain string is refused, so a typo cannot silently
    empty a history.
    """
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit_record needs an AuditAction member, not {action!r}: declare "
                        "it in the app's audit.py")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if agency is None:
        agency = owning_agency(obj)
    if actor_label is None:
        actor_label = actor.get_username() if authenticated else SYSTEM_LABEL
    event = AuditEvent(
        actor=actor if authenticated else None,
        actor_label=actor_label[:150],
        action=action.value,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        agency=agency,
        from_state=str(from_state)[:64],
        to_state=str(to_state)[:64],
        reason=reason,
        ip=current_ip(),
        data=data or {},
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(event)
    else:
        event.save(force_insert=True)
    return event
