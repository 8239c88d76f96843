"""The works policy: the defaults for a database whose policy tables are empty, and the
head's approved adjustment of a year's minimum of inspections (§4 ¶2)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.works.access import is_team
from yankao.works.audit import WorksAction
from yankao.works.models import MinimumAdjustment, MinimumFormulaBand, WorksPolicy
from yankao.works.policy import formula_for_year
from yankao.works.policy_defaults import load_defaults
from yankao.works.services.common import full_clean, now_taipei, today_taipei


def works_policy_seed(*, actor) -> bool:
    """Load the default policy (grade bands, defect codes, deduction rates, the 丙等
    checklist, the minimum formulas) where there is none. Returns whether it did."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        created = load_defaults(apps.get_model)
        if created:
            audit_record(actor=actor, action=WorksAction.WORKS_POLICY_SEED,
                         obj=WorksPolicy.objects.order_by("effective_from").first())
    return created


def minimum_adjustment_record(*, actor, year: int, band_id: int, count: int,
                              approved_by: str, approved_on: dt.date, document_number: str,
                              reason: str, reported_on: dt.date | None = None
                              ) -> MinimumAdjustment:
    """Record the count of one band of ``year`` that the head of the inspection team's
    agency approved instead of the law's (工程施工查核小組作業辦法 §4 ¶2: 「前項各款之查核
    件數，必要時得經查核小組（設立）機關首長核准予以調整，並報主管機關備查」). The band
    must belong to the text of §4 for that year; recording the band again corrects it.
    The inspection team or an administrator; audited with the law's count and the new."""
    if actor is not None and not (is_team(actor) or can_administer(actor)):
        raise DomainError(ErrorCode.FORBIDDEN)
    formula = formula_for_year(year)
    band = MinimumFormulaBand.objects.filter(pk=band_id).first()
    if band is None or band.formula_id != formula.pk:
        raise DomainError(ErrorCode.INVALID, _("That band is not one of the text of §4 for "
                                               "%(year)s.") % {"year": year}, field="band")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise DomainError(ErrorCode.INVALID, _("The approved count is a whole number."),
                          field="count")
    for name, value in (("approved_by", approved_by), ("document_number", document_number),
                        ("reason", reason)):
        if not (value or "").strip():
            raise DomainError(ErrorCode.INVALID, _("This field is required."), field=name)
    if approved_on > today_taipei():
        raise DomainError(ErrorCode.INVALID, _("The approval is dated in the future."),
                          field="approved_on")
    with transaction.atomic():
        adjustment = MinimumAdjustment.objects.select_for_update().filter(
            year=year, band=band).first()
        before = str(adjustment.count) if adjustment else ""
        adjustment = adjustment or MinimumAdjustment(year=year, band=band)
        adjustment.count = count
        adjustment.approved_by, adjustment.document_number = (approved_by.strip(),
                                                               document_number.strip())
        adjustment.approved_on, adjustment.reported_on = approved_on, reported_on
        adjustment.reason = reason.strip()
        adjustment.recorded_by = actor if actor is not None and actor.is_authenticated else None
        adjustment.recorded_at = now_taipei()
        full_clean(adjustment)
        adjustment.save()
        audit_record(actor=actor, action=WorksAction.MINIMUM_ADJUSTMENT_RECORD, obj=adjustment,
                     from_state=before, to_state=str(count),
                     data={"year": year, "formula": formula.code, "band": band.label_zh,
                           "document_number": adjustment.document_number})
    return adjustment
