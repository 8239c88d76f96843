"""/api/v1/servicedesk: cases as the caller may see them, and the figures. No reporter data."""


import datetime as dt
from dataclasses import asdict

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yankao.core.api.params import Moment
from yankao.core.errors import DomainError, ErrorCode
from yankao.servicedesk import selectors
from yankao.servicedesk.selectors import statistics as figures

router = Router(tags=["servicedesk"])


class CaseOut(Schema):
    number: str
    kind: str
    channel: str
    status: str
    category_code: str = Field(..., alias="category.code")
    description: str
    address: str
    district_code: str | None = None
    agency_code: str | None = None
    confidential: bool
    registered_at: dt.datetime
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_district_code(obj) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_agency_code(obj) -> str | None:
        return obj.agency.code if obj.agency_id else None


class CaseFilters(Schema):
    status: str | None = None
    kind: str | None = None
    registered_after: Moment | None = None


class PeriodIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month_from: int = Field(1, ge=1, le=12)
    month_to: int = Field(12, ge=1, le=12)


@router.get("/servicedesk/cases", response=list[CaseOut],
            summary="Cases the caller may see, newest first")
@paginate
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    cases = selectors.case_visible(actor=request.user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.registered_after:
        cases = cases.filter(registered_at__gt=filters.registered_after)
    return cases.order_by("-registered_at", "-id")


@router.get("/servicedesk/cases/{number}", response=CaseOut)
def case_detail(request: HttpRequest, number: str):
    return selectors.case_get(actor=request.user, number=number)


@router.get("/servicedesk/statistics", summary="The service desk's figures for a period",
            url_name="servicedesk_statistics")
def statistics(request: HttpRequest, period: Query[PeriodIn]):
    if period.month_from > period.month_to:
        raise DomainError(ErrorCode.INVALID, "month_from must not be after month_to.",
                          field="month_from")
    span = {"year": period.year, "months": (period.month_from, period.month_to)}
    return {
        "counts_by_kind": figures.counts_by_kind(**span),
        "counts_by_channel": figures.counts_by_channel(**span),
        "counts_by_month": figures.counts_by_month(**span),
        "on_time": asdict(figures.on_time(**span)),
        "dispatch_four_hour": asdict(figures.dispatch_four_hour(**span)),
        "handling_time": asdict(figures.handling_time(**span)),
        "satisfaction": asdict(figures.satisfaction(**span)),
        "consultation_answered": asdict(figures.consultation_answered(**span)),
        "calls_per_month": figures.calls_per_month(**span),
    }
