"""Document-processing statistics (公文處理統計), one row per agency, month, category and
urgency, as imported from the document system's monthly CSV."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.programs.access import require_officer_or_commission
from yankao.programs.audit import ProgramsAction
from yankao.programs.models import DocumentCategory, DocumentStat, DocumentUrgency
from yankao.programs.services._common import to_decimal


def _count(value, field: str) -> int:
    number = to_decimal(value, field=field)
    if number < 0 or number != number.to_integral_value():
        raise DomainError(ErrorCode.INVALID, _("A count is a whole number, not negative."),
                          field=field)
    return int(number)


def document_stat_record(*, actor, agency: Agency, year: int, month: int,
                         category: DocumentCategory, urgency: DocumentUrgency, on_time,
                         overdue, average_days) -> tuple[DocumentStat, str]:
    """Record (or correct) one statistic. Returns it and "created", "updated" or
    "unchanged", so importing the same file twice changes nothing."""
    require_officer_or_commission(actor, agency)
    if not 1 <= int(month) <= 12:
        raise DomainError(ErrorCode.INVALID, _("The month must be 1 to 12."), field="month")
    values = {
        "on_time": _count(on_time, "on_time"),
        "overdue": _count(overdue, "overdue"),
        "average_days": to_decimal(average_days, field="average_days").quantize(Decimal("0.01")),
    }
    if values["average_days"] < 0:
        raise DomainError(ErrorCode.INVALID, _("Average days cannot be negative."),
                          field="average_days")
    with transaction.atomic():
        stat = DocumentStat.objects.select_for_update().filter(
            agency=agency, year=year, month=month, category=category, urgency=urgency).first()
        if stat is None:
            stat = DocumentStat(agency=agency, year=year, month=month, category=category,
                                urgency=urgency, **values)
            outcome = "created"
        else:
            changed = {k: v for k, v in values.items() if getattr(stat, k) != v}
            if not changed:
                return stat, "unchanged"
            for name, value in changed.items():
                setattr(stat, name, value)
            outcome = "updated"
        full_clean(stat)
        stat.save()
        action = (ProgramsAction.DOCUMENTSTAT_CREATE if outcome == "created"
                  else ProgramsAction.DOCUMENTSTAT_UPDATE)
        audit_record(actor=actor, action=action, obj=stat,
                     data={k: str(v) for k, v in values.items()})
    return stat, outcome
