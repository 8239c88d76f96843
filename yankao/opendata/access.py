"""Who may read and change what in open data.

Agencies manage their own datasets (officers and section chiefs of the agency and the
units below it); the commission's evaluators read every agency's and moderate what the
public sends; administrators may do anything. Everyone reads published public datasets.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Role
from yankao.core.permissions import actor_scope, can_administer, require_role

WRITER_ROLES = (Role.OFFICER, Role.SECTION_CHIEF)
MODERATOR_ROLES = (Role.EVALUATOR, Role.ADMINISTRATOR)


def is_system(actor) -> bool:
    return actor is None


def may_manage(actor, agency: Agency | int) -> bool:
    """May write datasets of ``agency``: its officers and chiefs (and their parent's)."""
    if is_system(actor) or can_administer(actor):
        return True
    return actor_scope(actor).has_role(*WRITER_ROLES, agency=agency)


def require_manager(actor, agency: Agency | int) -> None:
    if is_system(actor) or can_administer(actor):
        return
    require_role(actor, *WRITER_ROLES, agency=agency)


def require_moderator(actor) -> None:
    if is_system(actor):
        return
    require_role(actor, *MODERATOR_ROLES)


def is_moderator(actor) -> bool:
    return is_system(actor) or actor_scope(actor).has_role(*MODERATOR_ROLES)


def staff_agency_ids(actor) -> frozenset[int] | None:
    """Agencies whose datasets the actor reads as staff; None: every agency."""
    scope = actor_scope(actor)
    if not scope.authenticated:
        return frozenset()
    if scope.sees_all or can_administer(actor):
        return None
    return scope.agency_ids()


def shared_dataset_filter(actor) -> Q:
    """Restricted datasets shared with one of the actor's agencies, grant still running."""
    scope = actor_scope(actor)
    if not scope.authenticated:
        return Q(pk__in=[])
    now = timezone.now()
    return Q(grants__agency_id__in=scope.agency_ids(include_descendants=False),
             grants__revoked_at__isnull=True, grants__expires_at__gt=now)


def scoped_datasets(queryset: QuerySet, actor) -> QuerySet:
    """The datasets the actor reads as staff: their agencies' (or all), any state."""
    ids = staff_agency_ids(actor)
    if ids is None:
        return queryset
    return queryset.filter(agency_id__in=ids)


def require_authenticated(actor) -> None:
    if not actor_scope(actor).authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
