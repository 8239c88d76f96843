"""The policy in force on a day: deadlines and thresholds, grade bands, deduction rates,
the minimum formula. Reads of policy data, for services and selectors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.works.models import DeductionRate, MinimumFormula, WorksPolicy
from yankao.works.rules import Band, MinimumBand, MinimumVersion


def policy_on(day: dt.date) -> WorksPolicy:
    policy = (WorksPolicy.objects.filter(effective_from__lte=day)
              .prefetch_related("grade_bands").order_by("-effective_from").first())
    if policy is None:
        raise DomainError(ErrorCode.INVALID_STATE,
                          f"No works policy is in force on {day:%Y-%m-%d}; add one in "
                          "administration.")
    return policy


def grade_bands(policy: WorksPolicy) -> list[Band]:
    bands = [Band(code=band.code, label_zh=band.label_zh, label_en=band.label_en,
                  min_score=band.min_score, triggers_consequences=band.triggers_consequences)
             for band in policy.grade_bands.all()]
    if not bands:
        raise DomainError(ErrorCode.INVALID_STATE, "The works policy has no grade bands.")
    return bands


def deduction_rate(contract_amount: int, day: dt.date) -> int:
    """NT$ per deduction point for a contract of this size on ``day`` (0 when none set)."""
    latest = (DeductionRate.objects.filter(effective_from__lte=day)
              .order_by("-effective_from").values_list("effective_from", flat=True).first())
    if latest is None:
        return 0
    rate = (DeductionRate.objects.filter(effective_from=latest,
                                         min_contract_amount__lte=contract_amount)
            .order_by("-min_contract_amount").first())
    return rate.amount_per_point if rate else 0


def formula_for_year(year: int, code: str = "") -> MinimumFormula:
    """The text of §4 named ``code``, or the one that gives ``year``'s minimum: in force on
    31 December of the year (``rules.version_for_year``)."""
    queryset = MinimumFormula.objects.prefetch_related("bands", "priority_categories")
    if code:
        formula = queryset.filter(code=code).first()
    else:
        last_day = dt.date(year, 12, 31)
        formula = (queryset.filter(effective_from__lte=last_day)
                   .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=last_day))
                   .first())
    if formula is None:
        raise DomainError(ErrorCode.NOT_FOUND,
                          (_("No version of §4 named %(code)s.") % {"code": code}) if code else
                          _("No version of §4 (the yearly minimum of inspections) was in force "
                            "on 31 December %(year)s; an administrator adds its text.")
                          % {"year": year}, field="formula")
    return formula


def formula_on(day: dt.date) -> MinimumFormula | None:
    """The text of §4 in force on ``day`` (for the priority categories of that day)."""
    return (MinimumFormula.objects.prefetch_related("priority_categories")
            .filter(effective_from__lte=day)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=day)).first())


def minimum_version(formula: MinimumFormula) -> MinimumVersion:
    """The stored text of §4 as the rules read it."""
    return MinimumVersion(
        code=formula.code, effective_from=formula.effective_from,
        effective_until=formula.effective_until,
        bands=tuple(MinimumBand(label_zh=band.label_zh, label_en=band.label_en,
                                min_amount=band.min_amount, max_amount=band.max_amount,
                                percent=band.percent, minimum_count=band.minimum_count,
                                citation=band.citation)
                    for band in formula.bands.all()),
        overall_percent=formula.overall_percent, overall_floor=formula.overall_floor_amount,
        excludes_subsidised_and_delegated=formula.excludes_subsidised_and_delegated)
