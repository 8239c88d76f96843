"""Reads of cases that staff see, each scoped to the actor's agencies.

Operators, registrars and evaluators see every case (they take and route them); officers
and section chiefs see the cases their agencies (and units below) handle. The reporter's
contact is never part of these reads: it goes through the vault on request.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.keyset import BadCursor, KeysetPage, keyset_page
from yankao.core.models import Attachment, AuditEvent
from yankao.core.permissions import actor_scope
from yankao.core.selectors import attachments_owned_by
from yankao.servicedesk import access
from yankao.servicedesk.models import (
    ACTIVE_ASSIGNMENT,
    OPEN_STATUSES,
    Assignment,
    Case,
    CaseKind,
    Category,
    DeadlineRule,
    Extension,
    ExtensionStatus,
)


def case_visible(*, actor) -> QuerySet[Case]:
    """Every case the actor may read."""
    scope = actor_scope(actor)
    queryset = Case.objects.select_related("category", "category__parent", "district", "agency")
    if not scope.authenticated:
        return queryset.none()
    if access.reads_all_cases(actor):
        return queryset
    agencies = scope.agency_ids()
    handled = Assignment.objects.filter(case=OuterRef("pk"), agency_id__in=agencies)
    return queryset.filter(Q(agency_id__in=agencies) | Exists(handled))


def case_numbers_visible(*, actor, numbers: Iterable[str]) -> set[str]:
    """Which of these case numbers ``actor`` may open: other apps print a link to a case
    only for these, and the bare number for the rest (whose page would be a 404)."""
    wanted = {number for number in numbers if number}
    if not wanted:
        return set()
    return set(case_visible(actor=actor).filter(number__in=wanted)
               .values_list("number", flat=True))


def case_get(*, actor, number: str) -> Case:
    case = case_visible(actor=actor).filter(number=number).first()
    if case is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No case {number}.")
    return case


def remind_windows() -> dict[str, dt.timedelta]:
    """The "due soon" window of each kind (its general deadline rule's reminder time)."""
    windows = {kind: dt.timedelta(hours=24) for kind in CaseKind.values}
    for kind, hours in DeadlineRule.objects.filter(category__isnull=True).order_by(
            "valid_from").values_list("kind", "remind_before_hours"):
        windows[kind] = dt.timedelta(hours=hours)
    return windows


def due_flags(*, prefix: str = "", now: dt.datetime | None = None,
              windows: dict[str, dt.timedelta] | None = None) -> dict:
    """Annotations ``is_overdue`` and ``is_due_soon``, computed in the query from due_at."""
    now = now or timezone.now()
    kind_field = f"{prefix}kind"
    soon = Q()
    for kind, window in (windows or remind_windows()).items():
        soon |= Q(**{kind_field: kind, "due_at__lte": now + window})
    return {
        "is_overdue": ExpressionWrapper(Q(due_at__lt=now), output_field=BooleanField()),
        "is_due_soon": ExpressionWrapper(Q(due_at__gte=now) & soon,
                                         output_field=BooleanField()),
    }


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""  # "overdue", "due_soon" or an assignment status
    kind: str = ""
    category: Category | None = None
    agency_id: int | None = None
    query: str = ""


INBOX_ORDER = ("due_at", "id")
ROUTING_ORDER = ("registered_at", "id")


def _inbox_rows(*, actor, filters: InboxFilters, now: dt.datetime,
                flags: bool) -> QuerySet[Assignment]:
    """The inbox's rows; ``flags`` adds ``is_overdue`` and ``is_due_soon`` (they join the
    case, for its kind), which the "due soon" filter needs anyway."""
    scope = actor_scope(actor)
    queryset = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT)
    windows = remind_windows() if flags or filters.status == "due_soon" else {}
    if windows:
        queryset = queryset.annotate(**due_flags(prefix="case__", now=now, windows=windows))
    if not scope.authenticated:
        return queryset.none()
    if not scope.sees_all:
        queryset = queryset.filter(agency_id__in=access.handler_agency_ids(actor))
    if filters.agency_id:
        queryset = queryset.filter(agency_id=filters.agency_id)
    if filters.kind:
        queryset = queryset.filter(case__kind=filters.kind)
    if filters.category is not None:
        queryset = queryset.filter(case__category=filters.category)
    if filters.status == "overdue":
        queryset = queryset.filter(due_at__lt=now)
    elif filters.status == "due_soon":
        # The widest window bounds the due time first, so that only the assignments due
        # within it join their case for its kind (the header's to-do count on every page of
        # an officer; without the bound, every open assignment of the agency joined its case).
        queryset = queryset.filter(due_at__gte=now, due_at__lte=now + max(windows.values()),
                                   is_due_soon=True)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.query:
        queryset = queryset.filter(Q(case__number__icontains=filters.query)
                                   | Q(case__address__icontains=filters.query))
    return queryset


def inbox(*, actor, filters: InboxFilters | None = None,
          now: dt.datetime | None = None) -> QuerySet[Assignment]:
    """收件匣: the active assignments of the actor's agencies, overdue first, then by due time,
    each with ``is_overdue`` and ``is_due_soon``."""
    rows = _inbox_rows(actor=actor, filters=filters or InboxFilters(),
                       now=now or timezone.now(), flags=True)
    # Overdue first, then by due time: that is simply the due time, ascending.
    return rows.select_related("case", "case__category", "case__district", "agency",
                               "officer").order_by(*INBOX_ORDER)


STAFF_PAGE_SIZE = 50


def _keyset(queryset: QuerySet, order: tuple[str, ...], after: str | None) -> KeysetPage:
    """One page of a staff list after the cursor ``after``; a cursor this list did not
    make (edited by hand, from another list) gives the first page."""
    try:
        return keyset_page(queryset, order=order, size=STAFF_PAGE_SIZE, cursor=after or None)
    except BadCursor:
        return keyset_page(queryset, order=order, size=STAFF_PAGE_SIZE)


def inbox_page(*, actor, filters: InboxFilters | None = None, after: str | None = None,
               now: dt.datetime | None = None) -> KeysetPage:
    """One page of the inbox, in its order (due time, then id), after the cursor."""
    return _keyset(inbox(actor=actor, filters=filters, now=now), INBOX_ORDER, after)


def inbox_count(*, actor, filters: InboxFilters | None = None,
                now: dt.datetime | None = None) -> int:
    """How many rows ``inbox`` gives, counted without its flags: they need the case's kind,
    and the join to every case would cost more than the count (the count reads the
    partial index of open assignments alone)."""
    return _inbox_rows(actor=actor, filters=filters or InboxFilters(),
                       now=now or timezone.now(), flags=False).count()


def routing_queue(*, actor) -> QuerySet[Case]:
    """分案: registered cases waiting for an agency, oldest first."""
    if not access.may_route(actor):
        return Case.objects.none()
    return case_visible(actor=actor).filter(status="registered").order_by(*ROUTING_ORDER)


def routing_queue_page(*, actor, after: str | None = None) -> KeysetPage:
    """One page of the routing queue, oldest first, after the cursor."""
    return _keyset(routing_queue(actor=actor), ROUTING_ORDER, after)


def pending_extensions(*, actor) -> QuerySet[Extension]:
    """Extensions waiting for this section chief's decision."""
    agencies = access.chief_agency_ids(actor)
    return Extension.objects.select_related("assignment__case", "assignment__agency",
                                            "requested_by").filter(
        status=ExtensionStatus.PENDING, assignment__agency_id__in=agencies)


def case_attachments(*, case: Case) -> QuerySet[Attachment]:
    """The photos and scans of a case (the caller has checked that the actor may read the
    case; the files are the case's, whatever agency handled it when they came)."""
    return attachments_owned_by(Case, [case.pk])


def case_extension(*, case: Case, extension_id) -> Extension | None:
    """One extension request of a case the caller has checked the actor may read."""
    try:
        extension_id = int(extension_id or 0)
    except (TypeError, ValueError):
        return None
    return Extension.objects.filter(assignment__case=case, pk=extension_id).first()


def case_assignments(*, case: Case) -> QuerySet[Assignment]:
    """The case's assignments, first to last. A transferred one's successor is the next of
    the same case in this list: no join of the assignments to themselves (decision 0146:
    a join of two case-owned tables goes by the case)."""
    return case.assignments.select_related("agency", "officer") \
        .prefetch_related("extensions").order_by("assigned_at", "id")


def case_history(*, actor, case: Case):
    """The case's own audit events, oldest first, for whoever may read the case (the
    events written before it was routed carry no agency, so the audit log's agency rule
    would hide them from the handling agency)."""
    if not case_visible(actor=actor).filter(pk=case.pk).exists():
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        object_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk),
    ).order_by("created_at", "id")


def _metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Distance on the sphere (haversine), in metres."""
    radius = 6_371_000
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def duplicate_candidates(*, category: Category, latitude, longitude,
                         exclude: Case | None = None, limit: int = 5) -> list[tuple[Case, int]]:
    """Open cases of the same category within the category's radius: (case, metres), nearest
    first. A bounding box in the query, the exact distance here."""
    radius = category.duplicate_radius_m
    if not radius or latitude is None or longitude is None:
        return []
    lat, lng = float(latitude), float(longitude)
    d_lat = radius / 111_320
    d_lng = radius / (111_320 * max(0.01, math.cos(math.radians(lat))))
    candidates = Case.objects.filter(
        category=category, status__in=OPEN_STATUSES,
        latitude__range=(lat - d_lat, lat + d_lat), longitude__range=(lng - d_lng, lng + d_lng),
    ).exclude(merged_into__isnull=False)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for case in candidates[:200]:
        metres = _metres(lat, lng, float(case.latitude), float(case.longitude))
        if metres <= radius:
            found.append((case, round(metres)))
    return sorted(found, key=lambda item: item[1])[:limit]


def category_choices(*, public_only: bool = False) -> QuerySet[Category]:
    queryset = Category.objects.filter(active=True, parent__isnull=False).select_related("parent")
    if public_only:
        queryset = queryset.filter(public=True)
    return queryset.order_by("parent__sort_order", "sort_order", "code")


def category_choice(*, code: str, public_only: bool = False) -> Category | None:
    """The active sub-category with this code (what ``category_choices`` offers), from the
    policy tree kept in the process."""
    from yankao.servicedesk.services.policy import category_by_code

    category = category_by_code(code)
    if category is None or not category.active or category.parent_id is None:
        return None
    if public_only and not category.public:
        return None
    return category
