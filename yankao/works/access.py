"""Who may read and do what in public works.

The inspection team (查核小組: members with the inspector role) and RDEC evaluators read
every agency's tenders and inspections; everyone else reads their own agencies' (and the
units below). Planned inspections and their dates are the team's alone (不預先通知).
"""

from __future__ import annotations

from django.db.models import QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Role
from yankao.core.permissions import actor_scope, require_role, scope_queryset

TEAM_ROLES = (Role.INSPECTOR,)
AGENCY_ROLES = (Role.OFFICER, Role.SECTION_CHIEF)
INTAKE_ROLES = (Role.OPERATOR, Role.REGISTRAR, Role.INSPECTOR)
TRAINING_ROLES = (Role.INSPECTOR, Role.EVALUATOR, Role.ADMINISTRATOR)


def is_team(user) -> bool:
    """A member of the inspection team (or a superuser)."""
    return actor_scope(user).has_role(*TEAM_ROLES)


def reads_all(user) -> bool:
    scope = actor_scope(user)
    return scope.sees_all or scope.has_role(*TEAM_ROLES)


def works_scope(queryset: QuerySet, user, *, agency_field: str = "agency") -> QuerySet:
    """Rows of ``queryset`` the user may read: all for the team and evaluators, else their
    agencies' (and the units below)."""
    scope = actor_scope(user)
    if not scope.authenticated:
        return queryset.none()
    if reads_all(user):
        return queryset
    return scope_queryset(queryset, user, agency_field=agency_field)


def require_team(actor) -> None:
    """The system (actor None) or an inspection-team member."""
    if actor is not None:
        require_role(actor, *TEAM_ROLES)


def require_agency_staff(actor, agency: Agency | None) -> None:
    """The system, or an officer or section chief of ``agency`` (or an agency above it)."""
    if actor is None:
        return
    if agency is None:
        raise DomainError(ErrorCode.INVALID_STATE, "The report has no implementing agency yet.")
    require_role(actor, *AGENCY_ROLES, agency=agency)


def require_agency_staff_or_team(actor, agency: Agency | None) -> None:
    if actor is None or is_team(actor):
        return
    require_agency_staff(actor, agency)


def team_agency(actor) -> Agency:
    """The agency through which ``actor`` is on the inspection team."""
    scope = actor_scope(actor)
    for agency_id, roles in scope.roles_by_agency.items():
        if roles & set(TEAM_ROLES):
            return Agency.objects.get(pk=agency_id)
    raise DomainError(ErrorCode.FORBIDDEN)
