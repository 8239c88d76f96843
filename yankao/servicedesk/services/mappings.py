"""The city's answers to an import's unknown names (``ImportMapping``): one write, used by
``yankao import mapping csv`` and by the administration."""

from __future__ import annotations

from django.db import transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.models import ImportMapping


def _target_code(mapping: ImportMapping | None) -> str:
    if mapping is None:
        return ""
    target = mapping.category if mapping.column == ImportMapping.Column.CATEGORY \
        else mapping.agency
    return target.code if target is not None else ""


def import_mapping_save(*, actor, mapping: ImportMapping) -> bool:
    """Create or change a mapping (administrators), validated and audited with the code it
    pointed to before and the one it points to now. Returns False when nothing changed.
    Cases already imported under a placeholder move when their file is imported again."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    stored = ImportMapping.objects.filter(pk=mapping.pk).select_related(
        "category", "agency").first() if mapping.pk else None
    if stored is not None and (stored.source, stored.column, stored.value, stored.category_id,
                               stored.agency_id) == (mapping.source, mapping.column,
                                                     mapping.value, mapping.category_id,
                                                     mapping.agency_id):
        return False
    full_clean(mapping)
    with transaction.atomic():
        mapping.save()
        audit_record(actor=actor, action=ServicedeskAction.MAPPING_SET, obj=mapping,
                     from_state=_target_code(stored), to_state=_target_code(mapping),
                     data={"source": mapping.source, "column": mapping.column,
                           "value": mapping.value})
    return True
