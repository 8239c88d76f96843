"""The policy in force on a day: deadlines and thresholds, grade bands, deduction rates,
the minimum formula. Reads of policy data, for services and selectors."""

from __future__ import annotations

import datetime as dt

from yankao.core.errors import DomainError, ErrorCode
from yankao.works.models import DeductionRate, MinimumFormula, WorksPolicy
from yankao.works.rules import Band, MinimumBand


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
    """The formula named ``code``, or the one in force on 1 January of ``year``."""
    queryset = MinimumFormula.objects.prefetch_related("bands")
    formula = (queryset.filter(code=code).first() if code else
               queryset.filter(effective_from__lte=dt.date(year, 1, 1))
               .order_by("-effective_from").first())
    if formula is None:
        raise DomainError(ErrorCode.NOT_FOUND,
                          f"No inspection minimum formula {code or 'in force'} for {year}.",
                          field="formula")
    return formula


def minimum_bands(formula: MinimumFormula) -> list[MinimumBand]:
    return [MinimumBand(label_zh=band.label_zh, label_en=band.label_en,
                        min_amount=band.min_amount, max_amount=band.max_amount,
                        percent=band.percent, minimum_count=band.minimum_count)
            for band in formula.bands.all()]
