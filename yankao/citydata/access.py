"""Who reads and writes what on the city data platform (decision 0701).

A request carries at most one of: nothing (the public), an API key (``sta_…``: a reader
key, or a sensor's own key), or a staff user (signed-in session or a personal ``yk_`` API
token). Datastreams and their observations are filtered by tier; the other entities
describe sensors and places and are open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from yankao.citydata.models import Access, AccessKey, Datastream
from yankao.core.models import Role
from yankao.core.permissions import actor_scope

STAFF_ROLES = (Role.OFFICER, Role.SECTION_CHIEF, Role.EVALUATOR, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Caller:
    user: object = None  # an authenticated staff user
    key: AccessKey | None = None

    @property
    def anonymous(self) -> bool:
        return self.user is None and self.key is None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.key is not None:
            return f"key:{self.key.prefix}"
        return "public"

    def is_staff(self) -> bool:
        return self.user is not None and actor_scope(self.user).has_role(*STAFF_ROLES)

    def sees_all(self) -> bool:
        return self.user is not None and actor_scope(self.user).sees_all

    def agency_ids(self) -> frozenset[int]:
        if self.user is not None:
            return actor_scope(self.user).agency_ids()
        if self.key is not None and self.key.agency_id:
            return frozenset({self.key.agency_id})
        return frozenset()


PUBLIC = Caller()


def readable_datastreams(caller: Caller, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Datastream.objects.all() if queryset is None else queryset
    if caller.sees_all():
        return queryset
    visible = Q(access=Access.PUBLIC)
    if not caller.anonymous:
        visible |= Q(access=Access.KEYED)
    agencies = caller.agency_ids()
    if agencies:
        allowed = Datastream.reader_agencies.through.objects.filter(
            agency_id__in=agencies).values("datastream_id")
        visible |= Q(access=Access.RESTRICTED, pk__in=allowed)
        if caller.user is not None:
            visible |= Q(access=Access.RESTRICTED, thing__agency_id__in=agencies)
    if caller.key is not None and caller.key.thing_id:
        visible |= Q(thing_id=caller.key.thing_id)
    return queryset.filter(visible)


def may_write_metadata(caller: Caller) -> bool:
    """Things, locations, sensors, properties, datastreams: staff only."""
    return caller.is_staff()


def writable_datastream_ids(caller: Caller, datastream_ids: set[int]) -> set[int]:
    """The given datastreams this caller may add observations to: staff of the agency that
    maintains the thing (evaluators and administrators: any), or the thing's own key."""
    rows = Datastream.objects.filter(pk__in=datastream_ids)
    if caller.key is not None:
        if caller.key.kind != AccessKey.Kind.SENSOR:
            return set()
        return set(rows.filter(thing_id=caller.key.thing_id).values_list("pk", flat=True))
    if caller.user is None or not caller.is_staff():
        return set()
    if caller.sees_all() or actor_scope(caller.user).has_role(Role.ADMINISTRATOR):
        return set(rows.values_list("pk", flat=True))
    agencies = caller.agency_ids()
    return set(rows.filter(Q(thing__agency_id__in=agencies) | Q(thing__agency__isnull=True))
               .values_list("pk", flat=True))
