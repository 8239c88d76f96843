"""Who may see and do what: the one set of permission helpers every selector uses.

A membership gives its role in its agency and in the units below it (工務局 covers
養工處). RDEC evaluators — and superusers — read across all agencies. Rules stricter than
this, such as the reporter vault's "officers of the handling agency only", pass
``include_descendants=False``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, Membership, Role

READ_ALL_ROLES = frozenset({Role.EVALUATOR})


@dataclass(frozen=True)
class ActorScope:
    """What one user may reach, computed once per request (cached on the user object)."""

    user_id: int | None
    is_superuser: bool = False
    roles_by_agency: dict[int, frozenset[str]] = field(default_factory=dict)
    children: dict[int | None, tuple[int, ...]] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for roles in self.roles_by_agency.values() for role in roles)

    @property
    def sees_all(self) -> bool:
        return self.is_superuser or bool(self.roles & READ_ALL_ROLES)

    def agency_ids(
        self, *roles: str, include_descendants: bool = True
    ) -> frozenset[int]:
        """Agencies where the user holds any of ``roles`` (any role when none are given)."""
        wanted = set(roles)
        direct = [
            agency_id
            for agency_id, held in self.roles_by_agency.items()
            if not wanted or held & wanted
        ]
        if not include_descendants:
            return frozenset(direct)
        found: set[int] = set()
        stack = list(direct)
        while stack:
            agency_id = stack.pop()
            if agency_id in found:
                continue
            found.add(agency_id)
            stack.extend(self.children.get(agency_id, ()))
        return frozenset(found)

    def has_role(
        self, *roles: str, agency: Agency | int | None = None, include_descendants: bool = True
    ) -> bool:
        if self.is_superuser:
            return True
        if agency is None:
            return bool(self.roles & set(roles)) if roles else bool(self.roles_by_agency)
        agency_id = agency if isinstance(agency, int) else agency.pk
        return agency_id in self.agency_ids(*roles, include_descendants=include_descendants)


ANONYMOUS = ActorScope(user_id=None)


def owning_agency(obj) -> Agency | None:
    """The agency a record belongs to: its ``agency`` field, or itself for an agency."""
    if obj is None:
        return None
    if isinstance(obj, Agency):
        return obj
    return getattr(obj, "agency", None)


def actor_scope(user) -> ActorScope:
    """The scope of ``user`` (anonymous users reach nothing). Two queries, then cached."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_yankao_scope", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = defaultdict(set)
    for agency_id, role in Membership.objects.filter(
        user=user, active=True, agency__active=True
    ).values_list("agency_id", "role"):
        roles[agency_id].add(role)
    children: dict[int | None, list[int]] = defaultdict(list)
    if roles:
        for agency_id, parent_id in Agency.objects.values_list("id", "parent_id"):
            children[parent_id].append(agency_id)
    scope = ActorScope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        roles_by_agency={agency_id: frozenset(held) for agency_id, held in roles.items()},
        children={parent: tuple(kids) for parent, kids in children.items()},
    )
    user._yankao_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships change."""
    if hasattr(user, "_yankao_scope"):
        del user._yankao_scope


def sees_all(user) -> bool:
    return actor_scope(user).sees_all


def has_role(user, *roles: str, agency: Agency | int | None = None, **kwargs) -> bool:
    return actor_scope(user).has_role(*roles, agency=agency, **kwargs)


def can_administer(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def require_role(user, *roles: str, agency: Agency | int | None = None, **kwargs) -> None:
    """Raise FORBIDDEN (or UNAUTHENTICATED) unless ``user`` holds one of ``roles``."""
    scope = actor_scope(user)
    if not scope.authenticated:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    if not scope.has_role(*roles, agency=agency, **kwargs):
        raise DomainError(ErrorCode.FORBIDDEN)


def scope_queryset(
    queryset: QuerySet,
    user,
    *,
    agency_field: str = "agency",
    roles: Iterable[str] = (),
    include_descendants: bool = True,
) -> QuerySet:
    """Only the rows of ``queryset`` whose agency the user may read."""
    scope = actor_scope(user)
    if not scope.authenticated:
        return queryset.none()
    if scope.sees_all:
        return queryset
    ids = scope.agency_ids(*roles, include_descendants=include_descendants)
    return queryset.filter(**{f"{agency_field}__in": ids})


class CityWideReader:
    """The reader of published, city-wide aggregates: the annual performance report and the
    public dashboards. It reads like an RDEC evaluator and belongs to no agency.

    Pass it only to selectors that return aggregate figures, never to a service that
    writes or to a selector that returns personal data.
    """

    pk = 0
    id = 0
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False

    def __init__(self) -> None:
        self._yankao_scope = ActorScope(
            user_id=0, roles_by_agency={0: frozenset({Role.EVALUATOR})}
        )

    def get_username(self) -> str:
        return "city-wide figures"

    def __str__(self) -> str:
        return self.get_username()


CITY_WIDE = CityWideReader()
