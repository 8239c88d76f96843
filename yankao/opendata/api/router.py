"""/api/v1/opendata: the module's figures, the staff list of datasets (scoped to the token
user's agencies) and sending a dataset to the national portal again. Public programs use
the CKAN API (/api/3/action/) and the DCAT-AP catalogue instead."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from yankao.core.api.params import INT_MAX
from yankao.core.errors import DomainError, ErrorCode
from yankao.opendata import selectors
from yankao.opendata.selectors.catalogue import dataset_manageable
from yankao.opendata.services.national import national_push, national_push_again

router = Router(tags=["opendata"])


class Year(Schema):
    year: int = Field(..., ge=2000, le=2100)


class FiguresOut(Schema):
    year: int
    datasets: int
    datasets_added: int
    resources: int
    resources_added: int
    agencies: int
    gold: int
    silver: int
    bronze: int
    unlabelled: int
    requests_received: int
    requests_answered: int
    requests_answered_on_time: int


@router.get("/figures", response=FiguresOut, summary="Open-data figures of a year")
def figures(request: HttpRequest, filters: Query[Year]):
    """Datasets and resources open to everyone at the end of the year, the quality labels
    as they stood then, and the data requests of the year (the annual report's 陸 一(三))."""
    actor, year = request.user, filters.year
    catalogue = selectors.catalogue_figures(actor=actor, year=year)
    labels = selectors.quality_figures(actor=actor, year=year)
    requests = selectors.feedback_figures(actor=actor, year=year)
    return FiguresOut(
        year=year, datasets=catalogue.datasets, datasets_added=catalogue.datasets_added,
        resources=catalogue.resources, resources_added=catalogue.resources_added,
        agencies=catalogue.agencies, gold=labels.gold, silver=labels.silver,
        bronze=labels.bronze, unlabelled=labels.unlabelled,
        requests_received=requests.received, requests_answered=requests.answered,
        requests_answered_on_time=requests.answered_on_time)


class DatasetOut(Schema):
    id: uuid.UUID
    identifier: str
    name: str
    title: str
    agency: str = Field(..., alias="agency.code")
    state: str
    access: str
    quality: str
    national_state: str
    version: int
    modified_at: dt.datetime


class DatasetFilter(Schema):
    state: str = ""
    quality: str = ""
    national_state: str = ""
    q: str = ""
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=INT_MAX)


@router.get("/datasets", response=list[DatasetOut], summary="Your agencies' datasets")
def datasets(request: HttpRequest, filters: Query[DatasetFilter]):
    """Every state, for the agencies the token user works for (evaluators: all)."""
    rows = selectors.dataset_staff_list(actor=request.user, text=filters.q, state=filters.state,
                                        quality=filters.quality,
                                        national_state=filters.national_state)
    return list(rows[filters.offset:filters.offset + filters.limit])


class PushOut(Schema):
    dataset: str
    outcome: str
    operation: str
    message: str


class PushIn(Schema):
    dry_run: bool = False


@router.post("/datasets/{name}/national", response={200: PushOut, 202: PushOut},
             summary="Send a dataset to the national portal")
def national(request: HttpRequest, name: str, payload: PushIn):
    """A dry run checks the metadata and sends nothing (200); otherwise the dataset is
    queued and sent by the worker (202)."""
    try:
        dataset = dataset_manageable(actor=request.user, key=name)
    except DomainError:
        raise DomainError(ErrorCode.NOT_FOUND) from None
    if payload.dry_run:
        push = national_push(actor=request.user, dataset=dataset, dry_run=True)
        if push is None:
            raise DomainError(ErrorCode.INVALID_STATE, "There is nothing to send.")
        return Status(200, PushOut(dataset=dataset.identifier, outcome=push.outcome,
                                   operation=push.operation, message=push.message))
    national_push_again(actor=request.user, dataset=dataset)
    return Status(202, PushOut(dataset=dataset.identifier, outcome="queued", operation="",
                               message=""))
