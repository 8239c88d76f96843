"""Year-end evaluations and the grade distribution."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.numbers import percent
from yankao.programs.access import scoped
from yankao.programs.models import (
    EvaluationRound,
    GradeBand,
    ScoreComponent,
    YearEndEvaluation,
)
from yankao.programs.reference import PROGRAM_GRADES


def evaluation_list(*, actor, year: int, status: str | None = None,
                    agency_code: str | None = None) -> QuerySet[YearEndEvaluation]:
    queryset = scoped(YearEndEvaluation.objects.select_related(
        "program__agency", "grade", "round"), actor, agency_field="program__agency").filter(
        round__year=year)
    if status:
        queryset = queryset.filter(status=status)
    if agency_code:
        queryset = queryset.filter(program__agency__code=agency_code)
    return queryset


def evaluation_get(*, actor, evaluation_id: int) -> YearEndEvaluation:
    evaluation = scoped(YearEndEvaluation.objects.select_related(
        "program__agency", "grade", "round__grade_scale"), actor,
        agency_field="program__agency").filter(pk=evaluation_id).first()
    if evaluation is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("No such evaluation."))
    return evaluation


def evaluation_round_get(*, year: int) -> EvaluationRound | None:
    return EvaluationRound.objects.filter(year=year).select_related("grade_scale").first()


def evaluation_scores(evaluation: YearEndEvaluation) -> dict[str, dict[str, Decimal]]:
    """{stage: {component code: score}} of one evaluation (its page shows all stages)."""
    scores: dict[str, dict[str, Decimal]] = {}
    for stage, code, score in evaluation.scores.values_list("stage", "component__code",
                                                            "score"):
        scores.setdefault(stage, {})[code] = score
    return scores


@dataclass(frozen=True)
class GradeCount:
    label_zh: str
    label_en: str
    min_score: Decimal
    count: int
    share: Decimal | None


@dataclass(frozen=True)
class GradeDistribution:
    year: int
    evaluated: int
    approved: int
    grades: list[GradeCount]


def grade_distribution(*, actor, year: int, agency_code: str | None = None) -> GradeDistribution:
    """Approved year-end grades of ``year``'s programs, each with its share of the approved
    evaluations (the demo's 2017: 優等 2, 甲等 52, 乙等 105 of 159)."""
    evaluations = evaluation_list(actor=actor, year=year, agency_code=agency_code)
    counts = dict(evaluations.filter(status=YearEndEvaluation.Status.APPROVED).order_by()
                  .values("grade_id").annotate(n=Count("id")).values_list("grade_id", "n"))
    approved = sum(counts.values())
    evaluation_round = evaluation_round_get(year=year)
    scale = evaluation_round.grade_scale.code if evaluation_round else PROGRAM_GRADES
    grades = [
        GradeCount(band.label_zh, band.label_en, band.min_score, counts.get(band.pk, 0),
                   percent(counts.get(band.pk, 0), approved))
        for band in GradeBand.objects.filter(scale__code=scale).order_by("-min_score")
    ]
    return GradeDistribution(year, evaluations.count(), approved, grades)


def score_components() -> list[ScoreComponent]:
    """The components a year-end score is made of (reference data, the same for everyone)."""
    return list(ScoreComponent.objects.all())


def round_components(evaluation_round: EvaluationRound) -> list[tuple[ScoreComponent, int]]:
    """(component, weight) of a round: the components it weighs, with their weights."""
    weights = dict(evaluation_round.weights.values_list("component_id", "weight"))
    return [(component, weights[component.pk])
            for component in ScoreComponent.objects.filter(pk__in=weights)]
