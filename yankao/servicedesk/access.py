"""Who may read and do what in the service desk, in one place (as works/access.py and
programs/access.py for theirs), on top of core.permissions.

- Intake (登錄) is the 1999 operators' and the registrars'; routing (分案), merging and
  the routing queue are the registrars'.
- An agency's officers and section chiefs (承辦人, 科長) handle the cases assigned to it
  (and its units below); extensions are decided by a section chief of the assignment's
  agency, never by the one who asked.
- Operators and registrars read every case, to find duplicates and answer callers; RDEC
  evaluators read everything; others read their agencies' cases.
- ``actor=None`` is the system (the citizen portal, Open311, imports), as everywhere.
"""

from __future__ import annotations

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Role
from yankao.core.permissions import actor_scope, can_administer, require_role

INTAKE_ROLES = (Role.OPERATOR, Role.REGISTRAR)
HANDLER_ROLES = (Role.OFFICER, Role.SECTION_CHIEF)
ALL_CASE_ROLES = (Role.OPERATOR, Role.REGISTRAR)


def is_system(actor) -> bool:
    return actor is None


def reads_all_cases(user) -> bool:
    scope = actor_scope(user)
    return scope.sees_all or scope.has_role(*ALL_CASE_ROLES)


def may_intake(user) -> bool:
    scope = actor_scope(user)
    return scope.sees_all or scope.has_role(*INTAKE_ROLES)


def is_registrar(user) -> bool:
    return actor_scope(user).has_role(Role.REGISTRAR)


def may_route(user) -> bool:
    return actor_scope(user).sees_all or is_registrar(user)


def handles(user, agency: Agency | int | None) -> bool:
    """An officer or section chief of ``agency`` (or of an agency above it)."""
    return agency is not None and actor_scope(user).has_role(*HANDLER_ROLES, agency=agency)


def is_chief_of(user, agency: Agency | int) -> bool:
    return actor_scope(user).has_role(Role.SECTION_CHIEF, agency=agency)


def handler_agency_ids(user) -> frozenset[int]:
    return actor_scope(user).agency_ids(*HANDLER_ROLES)


def chief_agency_ids(user) -> frozenset[int]:
    return actor_scope(user).agency_ids(Role.SECTION_CHIEF)


def require_intake(actor) -> None:
    if not is_system(actor):
        require_role(actor, *INTAKE_ROLES)


def require_registrar(actor) -> None:
    if not is_system(actor):
        require_role(actor, Role.REGISTRAR)


def require_handler(actor, agency: Agency) -> None:
    if not is_system(actor):
        require_role(actor, *HANDLER_ROLES, agency=agency)


def require_chief(actor, agency: Agency) -> None:
    if not is_system(actor):
        require_role(actor, Role.SECTION_CHIEF, agency=agency)


def require_registrar_or_handler(actor, agency: Agency | None) -> None:
    """Transfer, downgrade, close, file: the registrar, or a handler of the case's agency."""
    if is_system(actor) or is_registrar(actor) or handles(actor, agency):
        return
    raise DomainError(ErrorCode.FORBIDDEN)


def require_administrator(actor) -> None:
    if not is_system(actor):
        require_role(actor, Role.ADMINISTRATOR)


def may_administer(user) -> bool:
    return can_administer(user)
