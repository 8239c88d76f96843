"""The reporter-data vault: store a reporter's contact apart, reveal it to the handling
agency only, and log every reveal (個人資料保護法)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from yankao.core.audit import CoreAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.inserts import insert_new, update_fields
from yankao.core.models import Agency, PersonalContact, Role
from yankao.core.permissions import actor_scope
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

REVEAL_ROLES = frozenset({Role.OFFICER, Role.SECTION_CHIEF})


def personal_contact_store(
    *, actor, owner: models.Model, name: str = "", phone: str = "", email: str = "",
    address: str = "", bind_later: bool = False, key: int | None = None,
) -> PersonalContact:
    """Keep a reporter's contact apart from ``owner``. The audit event holds no personal data.

    With ``bind_later`` the owner may not be saved yet: the contact is stored first, so the
    owner's own INSERT can carry its pointer to it. If the owner has no key yet,
    :func:`personal_contact_bind` gives the contact the owner's key in the same
    transaction; an owner whose key was reserved (``reserve_keys``) has it at once, as the
    contact has ``key`` if given (the intake on PostgreSQL: no UPDATE of either). Without
    ``bind_later`` the owner must be saved."""
    if owner.pk is None and not bind_later:
        raise ValueError("personal_contact_store: save the owner first, or bind_later=True")
    contact = PersonalContact(
        pk=key,
        name=name.strip(), phone=phone.strip(), email=email.strip(), address=address.strip(),
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=str(owner.pk) if owner.pk is not None else "",
    )
    # The owner's type comes from get_for_model and the uuid is new: no query checks them
    # (the database's constraints still do). Inside the caller's transaction no savepoint.
    full_clean(contact, exclude=["owner_type"], validate_unique=False)
    with transaction.atomic(savepoint=False):
        insert_new([contact])
        audit_record(actor=actor, action=CoreAction.CONTACT_STORE, obj=contact,
                     agency=getattr(owner, "agency", None))
    return contact


def personal_contact_bind(contact: PersonalContact, owner: models.Model) -> None:
    """Give a contact stored with ``bind_later`` its owner's key, once the owner is saved
    (inside the transaction that stored both)."""
    if owner.pk is None or contact.owner_type_id != ContentType.objects.get_for_model(owner).pk:
        raise ValueError("personal_contact_bind: a saved owner of the contact's own type")
    contact.owner_id = str(owner.pk)
    update_fields(contact, ["owner_id"])


def can_reveal(actor, handling_agencies: Iterable[Agency | int]) -> Agency | int | None:
    """The handling agency through which ``actor`` may read the contact, or None.

    Only an officer or section chief *of a handling agency itself* qualifies: not its
    parent agency, not an evaluator, not a superuser, not the operator who took the call.
    """
    scope = actor_scope(actor)
    for agency in handling_agencies:
        agency_id = agency if isinstance(agency, int) else agency.pk
        if scope.roles_by_agency.get(agency_id, frozenset()) & REVEAL_ROLES:
            return agency
    return None


def personal_contact_reveal(
    *, actor, contact: PersonalContact, handling_agencies: Iterable[Agency | int],
    reason: str = "",
) -> PersonalContact:
    """Return the contact to an officer of a handling agency; log the reveal, or the refusal.

    Call it outside any transaction that may roll back, so a refusal stays logged.
    """
    handling = list(handling_agencies)
    through = can_reveal(actor, handling)
    if through is None:
        audit_record(actor=actor, action=CoreAction.CONTACT_REVEAL_DENIED, obj=contact,
                     agency=handling[0] if handling and isinstance(handling[0], Agency) else None)
        raise DomainError(ErrorCode.FORBIDDEN, "Only the handling agency may see the reporter's "
                          "contact details.")
    agency = through if isinstance(through, Agency) else Agency.objects.get(pk=through)
    audit_record(actor=actor, action=CoreAction.CONTACT_REVEAL, obj=contact, agency=agency,
                 reason=reason)
    return contact


def personal_contact_for_notice(*, contact: PersonalContact, purpose: str) -> PersonalContact:
    """The contact, read by the system itself to send the person a notice they asked for
    (an acknowledgement, an update of a case they follow). No person sees it; the read is
    logged like a reveal."""
    audit_record(actor=None, action=CoreAction.CONTACT_USE, obj=contact, reason=purpose[:200])
    return contact
VAULT_FIELDS = ("name", "phone", "email", "address")


def vault_rotate(*, actor=None, batch_size: int = 500) -> int:
    """Encrypt every contact again with the first of YANKAO_VAULT_KEYS (key rotation: put
    the new key first, run this, then drop the old key). Returns how many were rewritten.
    Each batch is its own transaction; running it again after an interruption finishes
    the job. The audit event names no contact and holds no key."""
    from django.db.models import Max

    rewritten = 0
    last = 0
    top = PersonalContact.objects.aggregate(top=Max("pk"))["top"] or 0
    while last < top:
        with transaction.atomic():
            contacts = list(PersonalContact.objects.select_for_update()
                            .filter(pk__gt=last).order_by("pk")[:batch_size])
            if not contacts:
                break
            # Read with any key (from_db_value), written with the first (get_prep_value).
            PersonalContact.objects.bulk_update(contacts, VAULT_FIELDS)
            rewritten += len(contacts)
            last = contacts[-1].pk
    with transaction.atomic():
        audit_record(actor=actor, action=CoreAction.VAULT_ROTATE, data={"contacts": rewritten})
    return rewritten
