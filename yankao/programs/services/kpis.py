"""Medium-term plan KPIs: indicators, yearly targets (lowering one needs a justification)
and actual values."""

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
from yankao.programs.models import Kpi, KpiTarget
from yankao.programs.services._common import require_text, to_decimal


def kpi_create(*, actor, agency: Agency, code: str, indicator_zh: str, unit: str,
               direction: str = Kpi.Direction.HIGHER, indicator_en: str = "",
               definition: str = "") -> Kpi:
    require_officer_or_commission(actor, agency)
    code = require_text(code, field="code", message=_("Give the indicator a code."))
    if Kpi.objects.filter(code=code).exists():
        raise DomainError(ErrorCode.CONFLICT, _("The KPI code %(code)s is taken.")
                          % {"code": code}, field="code")
    kpi = full_clean(Kpi(agency=agency, code=code, indicator_zh=indicator_zh.strip(),
                        indicator_en=indicator_en.strip(), unit=unit.strip(),
                        direction=direction, definition=definition))
    with transaction.atomic():
        kpi.save()
        audit_record(actor=actor, action=ProgramsAction.KPI_CREATE, obj=kpi)
    return kpi


def _harder(kpi: Kpi, new: Decimal, old: Decimal) -> bool:
    """Is ``new`` a more demanding target than ``old``?"""
    return new < old if kpi.direction == Kpi.Direction.LOWER else new > old


def target_needs_reason(kpi: Kpi, year: int, target: Decimal) -> str:
    """Why a written justification is needed for this target, or "" when none is."""
    current = KpiTarget.objects.filter(kpi=kpi, year=year).values_list("target", flat=True).first()
    if current is not None and target != current and not _harder(kpi, target, current):
        return _("The target is lowered from %(old)s to %(new)s.") % {"old": current,
                                                                       "new": target}
    previous = KpiTarget.objects.filter(kpi=kpi, year=year - 1).values_list(
        "target", flat=True).first()
    if previous is not None and not _harder(kpi, target, previous):
        return _("The target is no harder than last year's %(old)s; targets must rise every "
                 "year.") % {"old": previous}
    return ""


def kpi_target_set(*, actor, kpi: Kpi, year: int, target, reason: str = "") -> KpiTarget:
    """Set a year's target. Lowering a target, or a target no harder than the year before,
    needs a written justification."""
    require_officer_or_commission(actor, kpi.agency)
    value = to_decimal(target, field="target")
    if value < 0:
        raise DomainError(ErrorCode.INVALID, _("A target cannot be negative."), field="target")
    reason = reason.strip()
    with transaction.atomic():
        why = target_needs_reason(kpi, year, value)
        if why and not reason:
            raise DomainError(ErrorCode.INVALID, why + " " + _("Give a written justification."),
                              field="reason")
        row = KpiTarget.objects.select_for_update().filter(kpi=kpi, year=year).first()
        before = "" if row is None else str(row.target)
        if row is None:
            row = KpiTarget(kpi=kpi, year=year, target=value, target_reason=reason)
        elif row.target == value:
            return row
        else:
            row.target, row.target_reason = value, reason or row.target_reason
        full_clean(row)
        row.save()
        audit_record(actor=actor, action=ProgramsAction.KPI_TARGET_SET, obj=row, agency=kpi.agency,
                     from_state=before, to_state=str(value), reason=reason)
    return row


def kpi_actual_record(*, actor, kpi_target: KpiTarget, actual) -> KpiTarget:
    require_officer_or_commission(actor, kpi_target.kpi.agency)
    value = to_decimal(actual, field="actual")
    if value < 0:
        raise DomainError(ErrorCode.INVALID, _("An actual value cannot be negative."),
                          field="actual")
    with transaction.atomic():
        row = KpiTarget.objects.select_for_update().select_related("kpi__agency").get(
            pk=kpi_target.pk)
        before = "" if row.actual is None else str(row.actual)
        if row.actual == value:
            return row
        row.actual = value
        full_clean(row)
        row.save(update_fields=["actual"])
        audit_record(actor=actor, action=ProgramsAction.KPI_TARGET_ACTUAL, obj=row,
                     agency=row.kpi.agency,
                     from_state=before, to_state=str(value))
    return row
