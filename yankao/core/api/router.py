"""Core endpoints of /api/v1: who am I, agencies, districts, calendar, my tokens."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from yankao.core import selectors
from yankao.core.api.params import BIGINT_MAX, YEAR_MAX, YEAR_MIN, Moment
from yankao.core.calendar import TAIPEI, WorkingCalendar, deadline_in_hours
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models.people import person_name
from yankao.core.permissions import actor_scope
from yankao.core.services.tokens import api_token_create, api_token_revoke

router = Router(tags=["core"])


class MembershipOut(Schema):
    agency_code: str
    agency_name_zh: str
    agency_name_en: str
    role: str


class MeOut(Schema):
    username: str
    name: str
    sees_all_agencies: bool
    memberships: list[MembershipOut]


class AgencyOut(Schema):
    code: str
    name_zh: str
    name_en: str
    short_name_zh: str
    kind: str
    parent_code: str | None = None
    active: bool

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class DistrictOut(Schema):
    code: str
    name_zh: str
    name_en: str
    office_code: str = Field(..., alias="office.code")
    latitude: float
    longitude: float


class DeadlineIn(Schema):
    start: Moment
    working_days: int | None = Field(None, ge=0, le=3650)
    hours: float | None = Field(None, ge=0, le=87600)


class DeadlineOut(Schema):
    start: dt.datetime
    due: dt.datetime
    unit: str
    amount: float


class CalendarDayOut(Schema):
    date: dt.date
    working: bool
    makeup_workday: bool
    holiday: str | None
    closure: str | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    key: str = Field(..., description="The token itself. It is shown this once only.")


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest):
    user = request.user
    return {
        "username": user.get_username(),
        "name": person_name(user),
        "sees_all_agencies": actor_scope(user).sees_all,
        "memberships": [
            {
                "agency_code": m.agency.code,
                "agency_name_zh": m.agency.name_zh,
                "agency_name_en": m.agency.name_en,
                "role": m.role,
            }
            for m in selectors.membership_list(actor=user)
        ],
    }


@router.get("/agencies", response=list[AgencyOut], summary="The city's agencies and units")
def agencies(request: HttpRequest, kind: str | None = None, include_inactive: bool = False):
    return list(selectors.agency_list(active=None if include_inactive else True, kind=kind))


@router.get("/agencies/{code}", response=AgencyOut)
def agency(request: HttpRequest, code: str):
    return selectors.agency_get(code=code)


@router.get("/districts", response=list[DistrictOut])
def districts(request: HttpRequest):
    return list(selectors.district_list())


@router.get(
    "/calendar/deadline",
    response=DeadlineOut,
    summary="A deadline in working days (Taiwan calendar, 補班, closure days) or calendar hours",
)
def calendar_deadline(request: HttpRequest, query: Query[DeadlineIn]):
    if (query.working_days is None) == (query.hours is None):
        raise DomainError(ErrorCode.INVALID, "Give exactly one of working_days and hours.")
    start = query.start if query.start.tzinfo else query.start.replace(tzinfo=TAIPEI)
    if query.hours is not None:
        return {"start": start, "due": deadline_in_hours(start, query.hours), "unit": "hours",
                "amount": query.hours}
    due = WorkingCalendar.load().deadline_in_working_days(start, query.working_days)
    return {"start": start, "due": due, "unit": "working_days", "amount": query.working_days}


@router.get("/calendar/{year}/{month}", response=list[CalendarDayOut])
def calendar_month(request: HttpRequest, year: int = Path(..., ge=YEAR_MIN, le=YEAR_MAX),
                   month: int = Path(..., ge=1, le=12)):
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        raise DomainError(ErrorCode.INVALID, "year must be 1900–2200 and month 1–12.")
    return [
        {
            "date": day.date,
            "working": day.working,
            "makeup_workday": day.makeup,
            "holiday": day.holiday,
            "closure": day.closure,
        }
        for day in selectors.calendar_month(year=year, month=month)
    ]


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def tokens(request: HttpRequest):
    return list(selectors.api_token_list(actor=request.user))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn):
    token, raw = api_token_create(actor=request.user, user=request.user, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": raw})


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int = Path(..., ge=1, le=BIGINT_MAX)):
    token = selectors.api_token_get(actor=request.user, token_id=token_id)
    return api_token_revoke(actor=request.user, token=token)
