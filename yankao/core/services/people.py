"""Memberships and back-office saves of master data (agencies, users, closure days)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from yankao.core.audit import AuditAction, CoreAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Membership, Role
from yankao.core.permissions import can_administer, forget_scope
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

User = get_user_model()

# Fields whose values never go into an audit event.
SECRET_FIELDS = frozenset({"password", "key_hash"})


def _require_admin(actor) -> None:
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)


def membership_grant(*, actor, user, agency: Agency, role: str) -> Membership:
    """Give ``user`` ``role`` in ``agency`` (re-activating an ended membership)."""
    _require_admin(actor)
    if role not in Role.values:
        raise DomainError(ErrorCode.INVALID, f"Unknown role {role!r}", field="role")
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, agency=agency, role=role
        )
        if not created and membership.active:
            return membership
        before = "new" if created else "ended"
        if not created:
            membership.active = True
            membership.save(update_fields=["active"])
        _sync_staff_flag(user)
        audit_record(
            actor=actor, action=CoreAction.MEMBERSHIP_GRANT, obj=membership, agency=agency,
            from_state=before, to_state="active",
        )
    forget_scope(user)
    return membership


def membership_end(*, actor, membership: Membership, reason: str = "") -> Membership:
    """End a membership. Memberships are kept, not deleted, so history still names the role."""
    _require_admin(actor)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.active:
            return membership
        membership.active = False
        membership.save(update_fields=["active"])
        _sync_staff_flag(membership.user)
        audit_record(
            actor=actor, action=CoreAction.MEMBERSHIP_END, obj=membership, agency=membership.agency,
            from_state="active", to_state="ended", reason=reason,
        )
    forget_scope(membership.user)
    return membership


def _sync_staff_flag(user) -> None:
    """Administrators reach the Django admin; nobody else does (superusers always do)."""
    is_admin = Membership.objects.filter(
        user=user, role=Role.ADMINISTRATOR, active=True
    ).exists()
    wanted = is_admin or user.is_superuser
    if user.is_staff != wanted:
        user.is_staff = wanted
        user.save(update_fields=["is_staff"])


def master_record_save(
    *, actor, instance: models.Model, changed_fields: list[str] | None = None,
    action: AuditAction | None = None,
) -> models.Model:
    """Validate and save a back-office record (used by the admin), with one audit event.

    The event lists the changed fields and their new values, except secrets.
    """
    _require_admin(actor)
    created = instance.pk is None
    exclude = ["password"] if isinstance(instance, User) else None
    full_clean(instance, exclude=exclude)
    with transaction.atomic():
        instance.save()
        changes: dict[str, Any] = {}
        for name in changed_fields or []:
            if name in SECRET_FIELDS:
                changes[name] = "(changed)"
                continue
            value = getattr(instance, name, None)
            changes[name] = value if isinstance(value, int | float | bool | type(None)) else str(
                value
            )
        audit_record(
            actor=actor,
            action=action or (CoreAction.RECORD_CREATE if created else CoreAction.RECORD_UPDATE),
            obj=instance,
            data={"changed": changes} if changes else {},
        )
    return instance


def master_record_delete(*, actor, instance: models.Model, reason: str = "") -> None:
    """Delete a back-office record that may be deleted (a mistaken closure day, say)."""
    _require_admin(actor)
    with transaction.atomic():
        audit_record(
            actor=actor, action=CoreAction.RECORD_DELETE, obj=instance,
            reason=reason, data={"deleted": str(instance)},
        )
        instance.delete()


def staff_user_create(
    *,
    actor,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    password_hash: str | None = None,
):
    """A new staff account. ``password_hash`` lets bulk loaders hash a shared password once."""
    _require_admin(actor)
    if User.objects.filter(username=username).exists():
        raise DomainError(ErrorCode.CONFLICT, f"The username {username!r} is taken.",
                          field="username")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password_hash is not None:
        user.password = password_hash
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    full_clean(user, exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(actor=actor, action=CoreAction.USER_CREATE, obj=user, to_state="active")
    return user
