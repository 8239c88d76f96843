"""Who runs the counters: staff of the site's own agency (the joint service centre's for
四維, each district office's for its own); evaluators read every site."""

from __future__ import annotations

from yankao.core.models import Role
from yankao.core.permissions import actor_scope, require_role

COUNTER_ROLES = (Role.OPERATOR, Role.REGISTRAR, Role.OFFICER, Role.SECTION_CHIEF)


def site_agency_ids(user) -> frozenset[int] | None:
    """Agencies whose sites the user may run; None means every site (read)."""
    scope = actor_scope(user)
    if scope.sees_all:
        return None
    return scope.agency_ids(*COUNTER_ROLES)


def require_counter(user, site) -> None:
    """FORBIDDEN unless the user works at the site's agency. ``None`` is the system."""
    if user is None:
        return
    require_role(user, *COUNTER_ROLES, agency=site.agency_id)


def can_run(user, site) -> bool:
    return actor_scope(user).has_role(*COUNTER_ROLES, agency=site.agency_id)
