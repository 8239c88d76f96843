"""Reads anyone may make: the citizen's own case (number + password), Open311 requests.

Nothing here joins the reporter's contact; confidential cases are never listed, and a
confidential case shows its status only to the citizen who has its password.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.keyset import BadCursor, KeysetPage, keyset_cursor, keyset_page
from yankao.servicedesk.models import Case, Category, Open311Client
from yankao.servicedesk.services.cases import case_password_check


@dataclass(frozen=True)
class PublicNote:
    datetime: dt.datetime
    type: str
    description: str


def public_timeline(*, case: Case) -> list[PublicNote]:
    """The case's public updates as notes: what happened, and the published text."""
    from yankao.core.masking import mask_personal_data

    notes = []
    for update in case.updates.order_by("created_at", "id"):
        text = update.public_text or mask_personal_data(update.text)
        label = str(update.get_kind_display())
        # Open311 notes keep the type names they always had ("submitted").
        kind = "submitted" if update.kind == "received" else update.kind
        notes.append(PublicNote(datetime=update.created_at, type=kind,
                                description=f"{label}: {text}" if text else label))
    return notes


def citizen_case_get(*, number: str, password: str) -> Case:
    """The citizen's case. A wrong number and a wrong password give the same answer."""
    case = Case.objects.select_related("category", "district", "agency").filter(
        number=(number or "").strip()).first()
    if case is None or not case_password_check(case, password):
        raise DomainError(ErrorCode.NOT_FOUND, str(_("No case matches this number and "
                                                     "password.")))
    return case


def tracked_case_get(*, number: str) -> Case:
    """A case the citizen opened in this session with its number and password (the view
    checks the session); NOT_FOUND otherwise."""
    case = Case.objects.select_related("category", "district", "agency").filter(
        number=number).first()
    if case is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return case


def open311_cases() -> QuerySet[Case]:
    """Cases published through Open311: not confidential, of public categories."""
    return Case.objects.filter(confidential=False, category__public=True).select_related(
        "category", "category__parent", "agency", "district")


def open311_token_case(*, client, token: str) -> Case | None:
    """The case an Open311 application created with its own client ``token`` (the POST's
    retry handle), or None; another application's tokens are not found."""
    return open311_cases().filter(submission_key=f"o311:{client.pk}:{token[:40]}").first()


def open311_services() -> QuerySet[Category]:
    return Category.objects.filter(active=True, public=True, parent__isnull=False) \
        .select_related("parent").order_by("parent__sort_order", "sort_order", "code")


def open311_service(code: str) -> Category | None:
    """The Open311 service with this code (an active public sub-category), from the policy
    tree kept in the process (no query while it is current)."""
    from yankao.servicedesk.services.policy import category_by_code

    category = category_by_code(code)
    if category is None or not (category.active and category.public
                                and category.parent_id is not None):
        return None
    return category


def open311_client_list() -> QuerySet[Open311Client]:
    """The applications with Open311 keys, working ones first (for administrators; the
    caller checks the role). Only the keys' first characters are stored readable."""
    return Open311Client.objects.order_by("-active", "name")


OPEN311_DEFAULT_DAYS = 90
OPEN311_MAX_PAGE_SIZE = 1000
# The ``page`` extension skips rows (an OFFSET); deeper than this the Link header's cursor
# is the way on (decision 0131).
OPEN311_MAX_OFFSET = 10_000
OPEN311_ORDER = ("-registered_at", "-id")


@dataclass(frozen=True)
class Open311Query:
    """The filters of GET requests (spec and extensions)."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: tuple[str, ...] = ()
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    page: int = 1
    page_size: int = OPEN311_MAX_PAGE_SIZE
    cursor: str | None = None


def open311_request_page(*, query: Open311Query, now: dt.datetime | None = None
                         ) -> KeysetPage:
    """GET requests: service_request_id overrides every other filter; otherwise the date
    range (at most 90 days, the last 90 by default) on requested_datetime, codes, statuses,
    and the extensions updated_after/before; newest first, one page of ``page_size``.

    Pages follow ``cursor`` (the keys of the previous page's last request: no OFFSET, and
    requests arriving meanwhile move nothing); ``page`` without a cursor still counts pages
    from the first, up to ``OPEN311_MAX_OFFSET`` requests deep. Raises INVALID for a cursor
    this list did not make or a page too deep."""
    from django.utils import timezone

    from yankao.servicedesk.models import CaseStatus

    cases = open311_cases()
    if query.ids:
        rows = list(cases.filter(number__in=query.ids).order_by(*OPEN311_ORDER))
        return KeysetPage(rows=rows, next_cursor=None, first=True)
    if not (query.updated_after or query.updated_before) or query.start or query.end:
        end = query.end or ((query.start + dt.timedelta(days=OPEN311_DEFAULT_DAYS))
                            if query.start else (now or timezone.now()))
        start = query.start or end - dt.timedelta(days=OPEN311_DEFAULT_DAYS)
        cases = cases.filter(registered_at__gte=start, registered_at__lte=end)
    if query.service_codes:
        cases = cases.filter(category__code__in=query.service_codes)
    # The spec's "open" is every state before closed.
    if query.statuses and set(query.statuses) != {"open", "closed"}:
        if "open" in query.statuses:
            cases = cases.exclude(status=CaseStatus.CLOSED)
        else:
            cases = cases.filter(status=CaseStatus.CLOSED)
    if query.updated_after:
        cases = cases.filter(updated_at__gt=query.updated_after)
    if query.updated_before:
        cases = cases.filter(updated_at__lt=query.updated_before)
    if query.cursor or query.page == 1:
        try:
            return keyset_page(cases, order=OPEN311_ORDER, size=query.page_size,
                               cursor=query.cursor)
        except BadCursor:
            raise DomainError(ErrorCode.INVALID, "cursor is not one this list gave; start "
                                                 "again without it.") from None
    offset = (query.page - 1) * query.page_size
    if offset + query.page_size > OPEN311_MAX_OFFSET:
        raise DomainError(ErrorCode.INVALID, f"page reaches past the first "
                                             f"{OPEN311_MAX_OFFSET} requests; follow the "
                                             f"cursor in the Link header (rel=\"next\") "
                                             f"instead.")
    found = list(cases.order_by(*OPEN311_ORDER)[offset:offset + query.page_size + 1])
    rows = found[:query.page_size]
    more = len(found) > query.page_size
    return KeysetPage(rows=rows, first=False,
                      next_cursor=keyset_cursor(rows[-1], OPEN311_ORDER) if more else None)


def case_number_exists(*, number: str) -> bool:
    """Whether a case with this number exists (for other modules linking to a case; it
    says nothing else about the case)."""
    return Case.objects.filter(number=number.strip()).exists()


def case_numbers_for_linking(*, year: int, kind: str, limit: int) -> list[str]:
    """The first ``limit`` case numbers of a kind registered in ``year`` (used by the demo
    city to link citizen works reports to the service-desk cases they came in as)."""
    return list(Case.objects.filter(kind=kind, registered_at__year=year)
                .order_by("registered_at", "id").values_list("number", flat=True)[:limit])
