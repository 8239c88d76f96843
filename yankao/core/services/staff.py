"""``yankao import staff csv FILE``: the city's staff and their roles, from a spreadsheet.

Columns: ``username, agency_code, role`` and, optionally, ``last_name, first_name, email,
active``. One row is one membership (a role in an agency); a person with several roles
has several rows. Roles: operator, registrar, officer, section_chief, evaluator,
inspector, administrator. ``active`` no ends that membership.

The file is checked whole before anything is saved: a row naming an agency this city
does not have (a file of another city's staff, say), an unknown role or a bad e-mail is
refused with its row and column, and then nobody is imported. Importing the file again
changes nothing. New accounts have no password: they sign in through the city's single
sign-on, or an administrator sets one (``yankao manage changepassword USERNAME``).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from yankao.core.audit import CoreAction
from yankao.core.cities import FALSE_WORDS, TRUE_WORDS
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, Progress, read_rows, require_columns
from yankao.core.models import Agency, Membership, Role
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.core.services.people import membership_end, membership_grant, staff_user_create
from yankao.core.validation import full_clean

User = get_user_model()
NAMES = ("last_name", "first_name", "email")


def _check(rows, agencies) -> tuple[ImportResult, list[tuple[int, dict]]]:
    result = ImportResult()
    checked = []
    people: dict[str, dict] = {}
    for number, row in rows:
        username = row["username"]
        problems = len(result.rejected)
        try:
            User.username_validator(username)
        except ValidationError:
            result.reject(number, f"not a valid username: {username!r}", "username")
        if row["agency_code"] not in agencies:
            result.reject(number, f"no agency {row['agency_code']!r} in this city",
                          "agency_code")
        if row["role"] not in Role.values:
            result.reject(number, f"must be one of {', '.join(Role.values)}, not "
                                  f"{row['role']!r}", "role")
        if row.get("email"):
            try:
                validate_email(row["email"])
            except ValidationError:
                result.reject(number, f"not an e-mail address: {row['email']!r}", "email")
        active = (row.get("active") or "yes").lower()
        if active not in TRUE_WORDS | FALSE_WORDS:
            result.reject(number, f"must be yes or no, not {row['active']!r}", "active")
        names = {name: row.get(name, "") for name in NAMES}
        first = people.setdefault(username, {"row": number, **names})
        for name in NAMES:
            if names[name] and first[name] and names[name] != first[name]:
                result.reject(number, f"differs from row {first['row']} of the same person",
                              name)
            first[name] = first[name] or names[name]
        if len(result.rejected) == problems:
            checked.append((number, {**row, **{n: first[n] for n in NAMES},
                                     "active": active in TRUE_WORDS}))
    return result, checked


def staff_import(path: Path, *, actor=None, progress: Progress) -> ImportResult:
    """Create or update staff accounts and their memberships, all or nothing."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    headers, rows = read_rows(Path(path))
    require_columns(headers, ["username", "agency_code", "role"], Path(path))
    agencies = {a.code: a for a in Agency.objects.all()}
    result, checked = _check(rows, agencies)
    if result.rejected:
        return result  # nothing saved: the file is fixed and imported again
    with transaction.atomic():
        users: dict[str, object] = {}
        for _number, row in checked:
            user = users.get(row["username"])
            changed = False
            if user is None:
                user = User.objects.filter(username=row["username"]).first()
                if user is None:
                    user = staff_user_create(actor=actor, username=row["username"],
                                             **{n: row[n] for n in NAMES})
                    changed = True
                elif any(getattr(user, n) != row[n] for n in NAMES if row[n]):
                    for name in NAMES:
                        if row[name]:
                            setattr(user, name, row[name])
                    full_clean(user, exclude=["password"])
                    user.save(update_fields=list(NAMES))
                    audit_record(actor=actor, action=CoreAction.USER_UPDATE, obj=user,
                                 data={"source": "staff import"})
                    changed = True
                users[row["username"]] = user
            agency, role = agencies[row["agency_code"]], row["role"]
            membership = Membership.objects.filter(user=user, agency=agency, role=role).first()
            if row["active"] and (membership is None or not membership.active):
                membership_grant(actor=actor, user=user, agency=agency, role=role)
                changed = True
            elif not row["active"] and membership is not None and membership.active:
                membership_end(actor=actor, membership=membership, reason="staff import")
                changed = True
            if changed:
                result.created += membership is None
                result.updated += membership is not None
            else:
                result.unchanged += 1
            progress(result.read)
    return result
