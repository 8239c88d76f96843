"""Reads of the citizen's side: topics, public reports and their updates, the nearby open
reports a citizen may follow instead of reporting again, and Open311's updates.

Public reads never join the reporter's contact; texts are the published ones (personal
data masked automatically or by a moderator).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from yankao.core.models import Attachment, District
from yankao.core.selectors import attachments_owned_by
from yankao.servicedesk.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    CaseUpdate,
    Category,
    RoutingRule,
    Subscription,
    Topic,
)
from yankao.servicedesk.selectors.cases import duplicate_candidates


def public_cases() -> QuerySet[Case]:
    """Reports anyone may see (the same rule as Open311): not confidential, of a category
    offered to the public."""
    return Case.objects.filter(confidential=False, category__public=True).select_related(
        "category", "category__parent", "agency", "district")


def public_case_get(*, number: str) -> Case | None:
    return public_cases().filter(number=(number or "").strip()).first()


@dataclass(frozen=True)
class PublicFilters:
    district: District | None = None
    status: str = ""  # "open", "closed" or ""
    query: str = ""


def public_case_page(*, filters: PublicFilters, page: int | str | None = 1, per_page: int = 20):
    """One page of public reports, newest first (a Django Page)."""
    cases = public_cases()
    if filters.district is not None:
        cases = cases.filter(district=filters.district)
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        cases = cases.exclude(status__in=OPEN_STATUSES)
    if filters.query:
        cases = cases.filter(Q(number__icontains=filters.query)
                             | Q(address__icontains=filters.query)
                             | Q(category__name_zh__icontains=filters.query)
                             | Q(category__name_en__icontains=filters.query))
    return Paginator(cases.order_by("-registered_at", "-id"), per_page).get_page(page)


def public_updates(*, case: Case) -> QuerySet[CaseUpdate]:
    return case.updates.select_related("agency").order_by("created_at", "id")


def case_photos(*, case: Case, public_only: bool) -> QuerySet[Attachment]:
    """The case's photos: every one for the citizen who reported it and for staff; only the
    public ones (photos of the repaired site) for everyone else."""
    files = attachments_owned_by(Case, [case.pk]).filter(content_type__startswith="image/")
    return files.filter(is_public=True) if public_only else files


def district_list() -> QuerySet[District]:
    return District.objects.order_by("code")


def district_get(*, code: str) -> District | None:
    return District.objects.filter(code=code).first()


# --- topics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicGroup:
    topic: Topic
    items: list[Topic]


def _categories_served(district: District | None) -> set[int] | None:
    """Ids of the categories some agency handles in ``district`` (a routing rule for it or
    for every district, or a default agency); None means every category."""
    if district is None:
        return None
    routed = set(RoutingRule.objects.filter(active=True).filter(
        Q(district__isnull=True) | Q(district=district)).values_list("category_id", flat=True))
    with_default = set(Category.objects.filter(default_agency__isnull=False)
                       .values_list("pk", flat=True))
    return routed | with_default


def topic_groups(*, district: District | None = None, query: str = "") -> list[TopicGroup]:
    """The topics a citizen chooses from, grouped, for a place in ``district`` (the
    categories that apply there), optionally narrowed by words in either language."""
    served = _categories_served(district)
    items = Topic.objects.filter(active=True, parent__isnull=False, category__active=True,
                                 category__public=True).select_related("parent", "category")
    if served is not None:
        items = items.filter(category_id__in=served)
    for word in (query or "").split():
        items = items.filter(Q(name_zh__icontains=word) | Q(name_en__icontains=word)
                             | Q(keywords__icontains=word) | Q(category__name_zh__icontains=word))
    groups: dict[int, TopicGroup] = {}
    for item in items.order_by("parent__sort_order", "sort_order"):
        groups.setdefault(item.parent_id, TopicGroup(item.parent, [])).items.append(item)
    return list(groups.values())


def topic_get(*, code: str) -> Topic | None:
    return Topic.objects.filter(code=code, active=True, parent__isnull=False,
                                category__isnull=False).select_related("category",
                                                                       "parent").first()


def nearby_public_reports(*, category: Category, latitude, longitude,
                          limit: int = 5) -> list[tuple[Case, int]]:
    """Open public reports of the same category near the point — "is it one of these?" —
    nearest first, with their distance in metres."""
    found = duplicate_candidates(category=category, latitude=latitude, longitude=longitude,
                                 limit=limit * 2)
    return [(case, metres) for case, metres in found
            if not case.confidential and case.category.public][:limit]


def cases_by_numbers(*, numbers: list[str]) -> list[Case]:
    """The citizen's own reports in this browser (numbers kept in the session)."""
    by_number = {case.number: case for case in Case.objects.select_related(
        "category", "agency").filter(number__in=numbers[:50])}
    return [by_number[n] for n in reversed(numbers) if n in by_number]


def subscription_by_token(*, token: str) -> Subscription | None:
    return Subscription.objects.select_related("case", "district").filter(
        token=(token or "")[:64]).first()


# --- Open311 servicerequestupdates --------------------------------------------------------

OPEN311_UPDATE_DAYS = 90
OPEN311_UPDATE_LIMIT = 1000


def open311_updates(*, start: dt.datetime | None, end: dt.datetime | None,
                    now: dt.datetime) -> list[CaseUpdate]:
    """Public updates of public cases with ``start <= time < end`` (by default the last
    day), oldest first, at most ``OPEN311_UPDATE_LIMIT``."""
    end = end or now
    start = start or end - dt.timedelta(days=1)
    return list(CaseUpdate.objects.filter(
        created_at__gte=start, created_at__lt=end, case__confidential=False,
        case__category__public=True).select_related("case", "agency")
        .order_by("created_at", "id")[:OPEN311_UPDATE_LIMIT])


def map_pins(cases, url_for) -> list[dict]:
    """The pins a public map draws (location, a label, status and link; nothing else)."""
    pins = []
    for case in cases:
        if case.latitude is None or case.longitude is None:
            continue
        lat, lng = float(case.latitude), float(case.longitude)
        if math.isnan(lat) or math.isnan(lng):
            continue
        pins.append({"lat": lat, "lng": lng, "url": url_for(case),
                     "label": f"{case.number} {case.category.name}",
                     "status": "closed" if case.status == CaseStatus.CLOSED else "open"})
    return pins


def answer_due(*, case: Case) -> dt.datetime | None:
    """When an answer is due: the case's due time once routed, otherwise what the
    category's clock gives from now (dispatch: from dispatch, which is at once)."""
    from django.utils import timezone

    from yankao.core.errors import DomainError
    from yankao.servicedesk.services.policy import deadline_rule_for, due_time

    if case.due_at:
        return case.due_at
    try:
        rule = deadline_rule_for(case.kind, case.category, case.registered_at.date())
    except DomainError:
        return None
    start = timezone.now() if case.kind == "dispatch" else case.registered_at
    return due_time(rule, start)


def district_updates(*, district: District, limit: int = 50) -> QuerySet[CaseUpdate]:
    return CaseUpdate.objects.filter(
        case__district=district, case__confidential=False, case__category__public=True
    ).select_related("case", "agency").order_by("-created_at", "-id")[:limit]
