"""Running the machine checks (``yankao.opendata.quality``) and recording the label."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction

from yankao.core.services.audit import audit_record
from yankao.opendata import quality
from yankao.opendata.audit import OpendataAction
from yankao.opendata.models import Dataset, QualityAssessment, Resource, SearchDocument
from yankao.opendata.services.common import now


def resource_check(resource: Resource) -> quality.ResourceResult:
    """The six checks of one resource, reading its stored file or fetching its address."""
    names = [f.name for f in resource.fields.all()]
    if resource.kind == Resource.Kind.LINK:
        return quality.check_link(resource.url, format_code=resource.format,
                                  character_set=resource.character_set, field_names=names)
    try:
        with resource.attachment.file.open("rb") as handle:
            data = handle.read(quality.TABLE_MAX_BYTES + 1)
    except OSError:
        return quality.unreachable(str(resource.attachment.file.name))
    return quality.check_bytes(data, format_code=resource.format,
                               character_set=resource.character_set, field_names=names)


def findings_of(resources: list[Resource]) -> dict:
    return {"resources": len(resources), "failed": [
        {"resource": r.identifier, "check": check, "note": r.checks.get("notes", {}).get(check, "")}
        for r in resources for check in quality.CHECKS
        if r.checks.get("results", {}).get(check) is False]}


def quality_assess(*, actor, dataset: Dataset,
                   checked_at: dt.datetime | None = None) -> QualityAssessment:
    """Check every resource of the dataset now and record the label it earns."""
    moment = checked_at or now()
    resources = list(dataset.resources.filter(removed_at__isnull=True)
                     .select_related("attachment").prefetch_related("fields"))
    for resource in resources:  # outside the transaction: links may take seconds
        resource.checks = resource_check(resource).as_json()
        resource.checked_at = moment
    level = quality.level_of([r.checks["results"] for r in resources])
    with transaction.atomic():
        current = Dataset.objects.select_for_update().get(pk=dataset.pk)
        Resource.objects.bulk_update(resources, ["checks", "checked_at"])
        assessment = QualityAssessment.objects.create(
            dataset=current, assessed_at=moment, level=level, findings=findings_of(resources))
        before = current.quality
        current.quality, current.quality_checked_at = level, moment
        current.save(update_fields=["quality", "quality_checked_at"])
        SearchDocument.objects.filter(dataset=current).update(quality=level)
        if before != level:
            audit_record(actor=actor, action=OpendataAction.QUALITY_ASSESS, obj=current,
                         from_state=before, to_state=level)
    dataset.quality, dataset.quality_checked_at = level, moment
    return assessment


def quality_assess_many(datasets: Iterable[Dataset], *, checked_at: dt.datetime | None = None,
                        progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Check many datasets (the weekly run, the demo); returns how many earned each label."""
    counts: dict[str, int] = {}
    for dataset in datasets:
        assessment = quality_assess(actor=None, dataset=dataset, checked_at=checked_at)
        counts[assessment.level] = counts.get(assessment.level, 0) + 1
        if progress:
            progress(1)
    return counts


def quality_due(older_than: dt.timedelta, limit: int = 500) -> list[Dataset]:
    """Published datasets not checked for ``older_than`` (never checked first)."""
    from django.db.models import F, Q

    cutoff = now() - older_than
    return list(Dataset.objects.filter(state=Dataset.State.PUBLISHED).filter(
        Q(quality_checked_at__isnull=True) | Q(quality_checked_at__lt=cutoff))
        .order_by(F("quality_checked_at").asc(nulls_first=True))[:limit])
