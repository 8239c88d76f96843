"""Reads of sharing: the grants of a dataset, and the restricted datasets shared with the
actor's agencies."""

from __future__ import annotations

from django.db.models import QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.opendata.access import scoped_datasets, shared_dataset_filter
from yankao.opendata.models import Dataset, ShareGrant, ShareLink


def grants_of(*, dataset: Dataset) -> QuerySet:
    return ShareGrant.objects.filter(dataset=dataset).select_related(
        "agency", "granted_by").prefetch_related("links").order_by("-granted_at")


def shared_with_me(*, actor) -> QuerySet:
    return Dataset.objects.filter(shared_dataset_filter(actor), state=Dataset.State.PUBLISHED
                                  ).select_related("agency").distinct().order_by("title")


def grant_get(*, actor, grant_id: int) -> ShareGrant:
    """A grant the actor's agency gave or received."""
    grant = ShareGrant.objects.select_related("dataset__agency", "agency").filter(
        pk=grant_id).first()
    if grant is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    own = scoped_datasets(Dataset.objects.filter(pk=grant.dataset_id), actor).exists()
    received = Dataset.objects.filter(shared_dataset_filter(actor), pk=grant.dataset_id,
                                      grants__pk=grant.pk).exists()
    if not (own or received):
        raise DomainError(ErrorCode.NOT_FOUND)
    return grant


def link_get(*, actor, link_id: int) -> ShareLink:
    link = ShareLink.objects.select_related("grant").filter(pk=link_id).first()
    if link is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    grant_get(actor=actor, grant_id=link.grant_id)
    return link
