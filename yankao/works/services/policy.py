"""The works policy defaults, for a database whose policy tables are empty."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.works.audit import WorksAction
from yankao.works.models import WorksPolicy
from yankao.works.policy_defaults import load_defaults


def works_policy_seed(*, actor) -> bool:
    """Load the default policy (grade bands, defect codes, deduction rates, the 丙等
    checklist, the minimum formulas) where there is none. Returns whether it did."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        created = load_defaults(apps.get_model)
        if created:
            audit_record(actor=actor, action=WorksAction.WORKS_POLICY_SEED,
                         obj=WorksPolicy.objects.order_by("effective_from").first())
    return created
