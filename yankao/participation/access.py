"""Who may do what in participation.

The commission (RDEC evaluators) runs participatory budgets and the innovation awards
city-wide; an organising agency's officers and section chiefs run their own processes; a
responsible agency's officers review the feasibility of its proposals and report their
execution. Citizens vote without a staff role.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Role
from yankao.core.permissions import actor_scope

STAFF_ROLES = (Role.OFFICER, Role.SECTION_CHIEF)
COMMISSION_ROLES = (Role.EVALUATOR,)


def is_commission(user) -> bool:
    return actor_scope(user).sees_all


def require_commission(user) -> None:
    if user is None:  # the system itself (demo loader, imports, jobs)
        return
    scope = actor_scope(user)
    if not scope.authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if not scope.sees_all:
        raise DomainError(ErrorCode.FORBIDDEN)


def require_agency_staff(user, agency: Agency | None) -> None:
    """The commission, or an officer or section chief of ``agency`` (or a unit above it).
    ``None`` is the system itself (demo loader, imports, jobs)."""
    if user is None:
        return
    scope = actor_scope(user)
    if not scope.authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if scope.sees_all:
        return
    if agency is None or not scope.has_role(*STAFF_ROLES, agency=agency):
        raise DomainError(ErrorCode.FORBIDDEN)


def process_scope(queryset: QuerySet, user, *, prefix: str = "") -> QuerySet:
    """Processes (or records under them, with ``prefix``) the user may manage: all for the
    commission; else those their agencies organise or hold proposals in."""
    scope = actor_scope(user)
    if not scope.authenticated:
        return queryset.none()
    if scope.sees_all:
        return queryset
    ids = scope.agency_ids(*STAFF_ROLES)
    return queryset.filter(
        Q(**{f"{prefix}agency__in": ids}) | Q(**{f"{prefix}pots__proposals__agency__in": ids})
    ).distinct()
