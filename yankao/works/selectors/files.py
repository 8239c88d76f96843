"""Photos of works records (progress, defects, citizen reports), read with the works
scope: core's download view knows agencies only, and the inspection team reads all."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment
from yankao.core.selectors import attachments_owned_by
from yankao.works.models import CitizenReport, Defect, MonthlyProgress, Tender
from yankao.works.selectors.citizen import citizen_report_get, citizen_report_visible
from yankao.works.selectors.inspections import defect_list
from yankao.works.selectors.tenders import tender_get, tender_visible


def _owned_by(model, ids) -> QuerySet[Attachment]:
    return attachments_owned_by(model, ids)


def citizen_report_photos(*, actor, report: CitizenReport) -> QuerySet[Attachment]:
    """The photos of a report the actor may read (the reporter's and the agency's)."""
    citizen_report_get(actor=actor, number=report.number)
    return _owned_by(CitizenReport, [report.pk])


def tender_progress_photos(*, actor, tender: Tender) -> dict[int, list[Attachment]]:
    """Site photos of each monthly progress row of a tender, by row id."""
    tender_get(actor=actor, tender_id=tender.pk)
    rows = MonthlyProgress.objects.filter(tender=tender).values_list("pk", flat=True)
    photos: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in _owned_by(MonthlyProgress, rows):
        photos[int(attachment.owner_id)].append(attachment)
    return dict(photos)


def works_photo_get(*, actor, uuid) -> Attachment:
    """One photo of a progress row, defect or citizen report the actor may read; anything
    else, or another agency's, answers as missing."""
    attachment = Attachment.objects.select_related("owner_type").filter(uuid=uuid).first()
    model = attachment.owner_type.model_class() if attachment and attachment.owner_type else None
    readable = {
        Defect: lambda: defect_list(actor=actor),
        CitizenReport: lambda: citizen_report_visible(actor=actor),
        MonthlyProgress: lambda: MonthlyProgress.objects.filter(
            tender__in=tender_visible(actor=actor)),
    }
    if model not in readable or not readable[model]().filter(pk=attachment.owner_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "No such photo.")
    return attachment
