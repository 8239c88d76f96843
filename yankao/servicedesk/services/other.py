"""Writes outside the case lifecycle: the 1999 call log and Open311 client keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Role
from yankao.core.permissions import require_role
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.servicedesk import access
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.models import Call, CallOutcome, Case, Category, Open311Client
from yankao.servicedesk.services.policy import open311_client_by_hash, policy_changed

MAX_CALL_SECONDS = 4 * 3600


def call_log(*, actor, outcome: str, duration_seconds: int, category: Category | None = None,
             answered_at_once: bool = False, case: Case | None = None,
             received_at: dt.datetime | None = None) -> Call:
    """話務紀錄: one 1999 call with its outcome, duration and operator."""
    require_role(actor, *access.INTAKE_ROLES)
    if outcome not in CallOutcome.values:
        raise DomainError(ErrorCode.INVALID, _("Choose the outcome of the call."),
                          field="outcome")
    if not 0 <= duration_seconds <= MAX_CALL_SECONDS:
        raise DomainError(ErrorCode.INVALID, _("The duration must be between 0 and 4 hours."),
                          field="duration_seconds")
    if outcome == CallOutcome.CASE_CREATED and case is None:
        raise DomainError(ErrorCode.INVALID, _("Name the case that the call created."),
                          field="case")
    membership = actor.memberships.filter(
        active=True, role__in=[Role.OPERATOR, Role.REGISTRAR]).select_related("agency").first()
    call = Call(
        received_at=received_at or timezone.now(), duration_seconds=duration_seconds,
        operator=actor, outcome=outcome,
        answered_at_once=answered_at_once and outcome == CallOutcome.CONSULTATION,
        category=category, case=case, agency=membership.agency if membership else None,
    )
    # Operator, category, case and agency are the caller's own objects: no query checks
    # that they exist (the foreign keys still do).
    full_clean(call, exclude=["operator", "category", "case", "agency"], validate_unique=False)
    with transaction.atomic():
        call.save(force_insert=True)
        audit_record(actor=actor, action=ServicedeskAction.CALL_LOG, obj=call, agency=call.agency,
                     to_state=outcome, data={"duration_seconds": duration_seconds})
    return call


def open311_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def open311_client_create(*, actor, name: str, contact_email: str = "",
                          raw_key: str | None = None) -> tuple[Open311Client, str]:
    """A new Open311 api_key for an application; the key is returned once, only its hash
    is kept. ``raw_key`` is for the demo city's documented key."""
    access.require_administrator(actor)
    raw = raw_key or f"o311_{secrets.token_urlsafe(32)}"
    client = Open311Client(name=name.strip(), contact_email=contact_email, prefix=raw[:12],
                           key_hash=open311_key_hash(raw))
    full_clean(client)
    with transaction.atomic():
        client.save()
        audit_record(actor=actor, action=ServicedeskAction.OPEN311_CLIENT_CREATE, obj=client)
        policy_changed()
    return client, raw


def open311_client_revoke(*, actor, client: Open311Client) -> Open311Client:
    """Stop an application's api_key from working (administrators). The record stays, for
    the audit trail of the cases it sent."""
    access.require_administrator(actor)
    with transaction.atomic():
        client = Open311Client.objects.select_for_update().get(pk=client.pk)
        if client.active:
            client.active = False
            client.save(update_fields=["active"])
            audit_record(actor=actor, action=ServicedeskAction.OPEN311_CLIENT_REVOKE, obj=client,
                         from_state="active", to_state="revoked")
            policy_changed()
    return client


DEMO_KEY_PREFIX = "o311_demo_"  # the demo city's documented key; refused in production


def open311_client_for_key(raw_key: str) -> Open311Client | None:
    if not raw_key:
        return None
    if settings.YANKAO_PRODUCTION and raw_key.strip().startswith(DEMO_KEY_PREFIX):
        return None
    # The active keys are held with the policy (decision 0132): no query per request.
    return open311_client_by_hash(open311_key_hash(raw_key.strip()))
