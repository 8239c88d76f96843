"""Reads that users see, each scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, QuerySet

from yankao.core.calendar import WorkingCalendar
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import (
    Agency,
    ApiToken,
    Attachment,
    AuditEvent,
    District,
    HeldTask,
    Job,
    Membership,
)
from yankao.core.permissions import actor_scope, can_administer, scope_queryset


def agency_list(*, active: bool | None = True, kind: str | None = None) -> QuerySet[Agency]:
    """The agency directory is public information (every city publishes its organisation)."""
    queryset = Agency.objects.select_related("parent")
    if active is not None:
        queryset = queryset.filter(active=active)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def agency_get(*, code: str) -> Agency:
    agency = Agency.objects.select_related("parent").filter(code=code).first()
    if agency is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"No agency with code {code!r}.")
    return agency


def agency_kind_counts() -> dict[str, int]:
    rows = Agency.objects.filter(active=True).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


AGENCY_COLUMNS = ["code", "name_zh", "name_en", "short_name_zh", "kind", "parent_code", "active"]


def agency_table(*, actor) -> tuple[list[str], QuerySet]:
    """The agency directory in the columns ``yankao import agencies`` reads (public data)."""
    rows = Agency.objects.order_by("sort_order", "code").values_list(
        "code", "name_zh", "name_en", "short_name_zh", "kind", "parent__code", "active")
    return AGENCY_COLUMNS, rows


def held_jobs_count() -> int:
    """Jobs waiting in the database for the queue (Redis) to answer again (decision 0149)."""
    return HeldTask.objects.count()


def district_list() -> QuerySet[District]:
    return District.objects.select_related("office")


def district_boundaries() -> dict | None:
    """The city's district boundaries as GeoJSON, each Feature with the district's postal
    ``code`` and names as the city records them; None when the city has no boundaries."""
    from yankao.core.geo import boundaries_document

    document = boundaries_document()
    if document is None:
        return None
    districts = {d.name_zh: d for d in District.objects.all()}
    features = []
    for feature in document["features"]:
        district = districts.get(feature["properties"]["name_zh"])
        properties = {"name_zh": feature["properties"]["name_zh"],
                      "name_en": district.name_en if district
                      else feature["properties"].get("name_en", ""),
                      "code": district.code if district else ""}
        features.append({**feature, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def membership_list(*, actor) -> QuerySet[Membership]:
    """The actor's own active memberships."""
    if not actor_scope(actor).authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=actor, active=True).select_related("agency")


def api_token_list(*, actor) -> QuerySet[ApiToken]:
    if not actor_scope(actor).authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor)


def api_token_get(*, actor, token_id: int) -> ApiToken:
    """One token the actor may revoke: their own, or anyone's for an administrator."""
    queryset = ApiToken.objects.select_related("user")
    if not can_administer(actor):
        queryset = queryset.filter(user=actor)
    token = queryset.filter(pk=token_id).first()
    if token is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such token.")
    return token


def audit_events_visible(*, actor) -> QuerySet[AuditEvent]:
    """Events the actor may read: all for evaluators and administrators, else their agencies'
    and their own."""
    queryset = AuditEvent.objects.select_related("agency", "object_type")
    scope = actor_scope(actor)
    if not scope.authenticated:
        return queryset.none()
    if scope.sees_all or can_administer(actor):
        return queryset
    return queryset.filter(Q(agency_id__in=scope.agency_ids()) | Q(actor_id=scope.user_id))


def audit_event_list(
    *,
    actor,
    action: str = "",
    agency_code: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    queryset = audit_events_visible(actor=actor)
    if action:
        queryset = queryset.filter(action__startswith=action)
    if agency_code:
        queryset = queryset.filter(agency__code=agency_code)
    if since:
        queryset = queryset.filter(created_at__date__gte=since)
    if until:
        queryset = queryset.filter(created_at__date__lte=until)
    return queryset


def audit_history_for(*, actor, obj: models.Model) -> QuerySet[AuditEvent]:
    """A record's history, oldest first, for the history panel of its page."""
    return audit_events_visible(actor=actor).filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("created_at", "id")


def attachments_owned_by(model: type[models.Model], ids) -> QuerySet[Attachment]:
    """The files attached to these records of ``model``, oldest first. No permission check:
    the caller has already checked that the actor may read the records."""
    return Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(model),
                                     owner_id__in=[str(pk) for pk in ids]
                                     ).order_by("created_at", "id")


def attachment_get(*, actor, uuid) -> Attachment:
    """An attachment the actor may download: public ones, or those of the actor's agencies."""
    attachment = Attachment.objects.filter(uuid=uuid).first()
    if attachment is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if attachment.is_public:
        return attachment
    scope = actor_scope(actor)
    if attachment.agency_id is None:
        # No owning agency: only its uploader (and those who see everything) may read it.
        visible = scope.sees_all or (
            scope.authenticated and attachment.uploaded_by_id == scope.user_id
        )
    else:
        visible = scope_queryset(Attachment.objects.filter(pk=attachment.pk), actor).exists()
    if not visible:
        # The same answer as for a missing file: existence is not disclosed.
        raise DomainError(ErrorCode.NOT_FOUND)
    return attachment


def jobs_visible(*, actor) -> QuerySet[Job]:
    """Background jobs the actor may follow: their own; every job for RDEC evaluators."""
    scope = actor_scope(actor)
    if not scope.authenticated:
        return Job.objects.none()
    queryset = Job.objects.select_related("requested_by")
    return queryset if scope.sees_all else queryset.filter(requested_by_id=scope.user_id)


def job_get(*, actor, job_id: int) -> Job:
    """One job its starter (or an evaluator) may follow; NOT_FOUND otherwise, so another
    person's job is not disclosed."""
    job = jobs_visible(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return job


def job_list(*, actor, limit: int = 50) -> list[Job]:
    """The actor's latest jobs (an evaluator's own too: the page lists one's own work)."""
    scope = actor_scope(actor)
    if not scope.authenticated:
        return []
    return list(Job.objects.filter(requested_by_id=scope.user_id)[:limit])


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    working: bool
    makeup: bool
    holiday: str | None
    closure: str | None


def calendar_month(*, year: int, month: int, language: str = "zh_TW") -> list[CalendarDay]:
    """Each day of a month with whether it is a working day, and why not."""
    from yankao.core.models import ClosureDay

    calendar = WorkingCalendar.load()
    closures = dict(
        ClosureDay.objects.filter(date__year=year, date__month=month).values_list("date", "reason")
    )
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        days.append(
            CalendarDay(
                date=day,
                working=calendar.is_working_day(day),
                makeup=calendar.is_makeup_workday(day),
                holiday=calendar.holiday_name(day, language),
                closure=closures.get(day),
            )
        )
        day += dt.timedelta(days=1)
    return days
