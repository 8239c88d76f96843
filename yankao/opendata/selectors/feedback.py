"""Reads of data requests and comments: what the public may see, and the staff queues."""

from __future__ import annotations

from django.db.models import QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.opendata.access import is_moderator, staff_agency_ids
from yankao.opendata.models import DataRequest, DatasetComment

PUBLIC = (DataRequest.Status.OPEN, DataRequest.Status.ANSWERED)


def public_requests() -> QuerySet:
    return DataRequest.objects.filter(status__in=PUBLIC).select_related(
        "agency", "dataset").order_by("-moderated_at", "-pk")


def public_comments(*, dataset) -> QuerySet:
    return DatasetComment.objects.filter(dataset=dataset, status__in=PUBLIC).order_by(
        "moderated_at", "pk")


def public_request_get(*, number: str) -> DataRequest:
    item = public_requests().filter(number=number).first()
    if item is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return item


def _model(kind: str):
    return DataRequest if kind == "request" else DatasetComment


def feedback_queue(*, actor, kind: str, status: str = "") -> QuerySet:
    """Moderators see everything; agency staff see what was sent to their agencies."""
    model = _model(kind)
    queryset = model.objects.select_related("agency")
    if kind == "comment":
        queryset = queryset.select_related("dataset")
    if not is_moderator(actor):
        ids = staff_agency_ids(actor)
        if ids is not None:
            queryset = queryset.filter(agency_id__in=ids)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "due_at", "-submitted_at")


def feedback_get(*, actor, kind: str, number: str):
    item = feedback_queue(actor=actor, kind=kind).filter(number=number).first()
    if item is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return item
