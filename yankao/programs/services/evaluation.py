"""Year-end evaluation (年終考核): self-evaluation → first review → second review → approval.

The final score is the weighted sum of the second review's component scores with the
year's weights; the grade is the band of the year's grade scale it falls in.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.numbers import round_half_up
from yankao.core.services.audit import audit_record
from yankao.programs.access import require_commission, require_officer
from yankao.programs.audit import ProgramsAction
from yankao.programs.models import (
    EvaluationRound,
    EvaluationScore,
    GradeScale,
    Program,
    RoundWeight,
    ScoreComponent,
    YearEndEvaluation,
)
from yankao.programs.reference import PROGRAM_GRADES
from yankao.programs.selectors.policy import grade_bands, grade_for
from yankao.programs.services._common import require_text, score_value
from yankao.programs.states import YEAR_END_EVALUATION

Stage = YearEndEvaluation.Stage


def weighted_score(scores: Mapping[str, Decimal], weights: Mapping[str, int]) -> Decimal:
    """Σ score × weight ÷ 100, rounded half up to two decimals."""
    total = sum((Decimal(scores[code]) * weight for code, weight in weights.items()),
                Decimal(0)) / 100
    return round_half_up(total, 2)


def default_weights() -> dict[str, int]:
    """The weights the administration proposes for a new year (ScoreComponent data)."""
    return dict(ScoreComponent.objects.filter(default_weight__gt=0)
                .values_list("code", "default_weight"))


def round_weights(evaluation_round: EvaluationRound) -> dict[str, int]:
    return dict(evaluation_round.weights.values_list("component__code", "weight"))


def evaluation_round_open(*, actor, year: int, weights: Mapping[str, int] | None = None,
                          scale_code: str = PROGRAM_GRADES) -> EvaluationRound:
    """Open the year-end evaluation of ``year``: weights that sum to 100, and one evaluation
    for every program controlled that year."""
    require_commission(actor)
    weights = dict(weights or default_weights())
    components = {c.code: c for c in ScoreComponent.objects.filter(code__in=weights)}
    unknown = set(weights) - set(components)
    if unknown:
        raise DomainError(ErrorCode.INVALID, _("Unknown score components: %(codes)s")
                          % {"codes": ", ".join(sorted(unknown))}, field="weights")
    # A component weighted 0 is left out of this year's evaluation.
    weights = {code: int(weight) for code, weight in weights.items() if int(weight) != 0}
    if any(int(w) < 1 for w in weights.values()) or sum(int(w) for w in weights.values()) != 100:
        raise DomainError(ErrorCode.INVALID, _("The weights must be positive and add up to 100."),
                          field="weights")
    scale = GradeScale.objects.filter(code=scale_code).first()
    if scale is None:
        raise DomainError(ErrorCode.INVALID, _("No grade scale “%(code)s”.")
                          % {"code": scale_code}, field="scale")
    grade_bands(scale_code)
    with transaction.atomic():
        if EvaluationRound.objects.filter(year=year).exists():
            raise DomainError(ErrorCode.CONFLICT, _("The %(year)s evaluation is already open.")
                              % {"year": year})
        evaluation_round = EvaluationRound.objects.create(year=year, grade_scale=scale)
        RoundWeight.objects.bulk_create([
            RoundWeight(round=evaluation_round, component=components[code], weight=int(weight))
            for code, weight in weights.items()
        ])
        programs = Program.objects.filter(year=year, evaluation__isnull=True)
        YearEndEvaluation.objects.bulk_create([
            YearEndEvaluation(round=evaluation_round, program=program) for program in programs
        ])
        audit_record(actor=actor, action=ProgramsAction.EVALUATION_ROUND_OPEN, obj=evaluation_round,
                     to_state="open", data={"weights": weights, "scale": scale_code,
                                            "programs": programs.count()})
    return evaluation_round


def _store_scores(evaluation: YearEndEvaluation, stage: str,
                  scores: Mapping[str, Decimal | str]) -> dict[str, Decimal]:
    weights = round_weights(evaluation.round)
    missing = set(weights) - set(scores)
    extra = set(scores) - set(weights)
    if missing or extra:
        raise DomainError(ErrorCode.INVALID, _("Give a score for each of: %(codes)s")
                          % {"codes": ", ".join(sorted(weights))}, field="scores")
    values = {code: score_value(scores[code], field=f"score_{code}") for code in weights}
    components = {c.code: c for c in ScoreComponent.objects.filter(code__in=weights)}
    EvaluationScore.objects.filter(evaluation=evaluation, stage=stage).delete()
    EvaluationScore.objects.bulk_create([
        EvaluationScore(evaluation=evaluation, stage=stage, component=components[code],
                        score=value)
        for code, value in values.items()
    ])
    return values


def _step(*, actor, evaluation: YearEndEvaluation, action: str, stage: str,
          scores: Mapping[str, Decimal | str], comment: str, fields: dict) -> YearEndEvaluation:
    with transaction.atomic():
        evaluation = YearEndEvaluation.objects.select_for_update().select_related(
            "round", "program__agency").get(pk=evaluation.pk)
        before = evaluation.status
        target = YEAR_END_EVALUATION.target(action, before)
        if stage == Stage.SECOND and actor is not None and (
            evaluation.first_reviewer_id == actor.pk
        ):
            raise DomainError(ErrorCode.FORBIDDEN, _(
                "The second review must be done by someone other than the first reviewer."))
        values = _store_scores(evaluation, stage, scores)
        evaluation.status = target
        for name, value in fields.items():
            setattr(evaluation, name, value)
        evaluation.save(update_fields=["status", *fields])
        audit_record(
            actor=actor, action=ProgramsAction(f"evaluation.{action}"), obj=evaluation,
            agency=evaluation.program.agency, from_state=before, to_state=target,
            reason=comment,
            data={"scores": {k: str(v) for k, v in values.items()},
                  "weighted": str(weighted_score(values, round_weights(evaluation.round)))},
        )
    return evaluation


def evaluation_self_submit(*, actor, evaluation: YearEndEvaluation,
                           scores: Mapping[str, Decimal | str], comment: str) -> (
    YearEndEvaluation
):
    """自評: the agency scores its own program and explains the results."""
    require_officer(actor, evaluation.program.agency)
    comment = require_text(comment, field="comment",
                           message=_("Write the self-evaluation of the year's results."))
    return _step(actor=actor, evaluation=evaluation, action="self_submit", stage=Stage.SELF,
                 scores=scores, comment=comment,
                 fields={"self_comment": comment, "self_submitted_by": actor})


def _commission_review(*, actor, evaluation: YearEndEvaluation, stage: str,
                       scores: Mapping[str, Decimal | str], comment: str) -> YearEndEvaluation:
    require_commission(actor)
    comment = require_text(comment, field="comment", message=_("Write the review opinion."))
    return _step(actor=actor, evaluation=evaluation, action=f"{stage}_review", stage=stage,
                 scores=scores, comment=comment,
                 fields={f"{stage}_comment": comment, f"{stage}_reviewer": actor})


def evaluation_first_review(*, actor, evaluation: YearEndEvaluation,
                            scores: Mapping[str, Decimal | str], comment: str) -> (
    YearEndEvaluation
):
    """初評 by the commission."""
    return _commission_review(actor=actor, evaluation=evaluation, stage=Stage.FIRST,
                              scores=scores, comment=comment)


def evaluation_second_review(*, actor, evaluation: YearEndEvaluation,
                             scores: Mapping[str, Decimal | str], comment: str) -> (
    YearEndEvaluation
):
    """複評, by someone other than the first reviewer."""
    return _commission_review(actor=actor, evaluation=evaluation, stage=Stage.SECOND,
                              scores=scores, comment=comment)


def evaluation_approve(*, actor, evaluation: YearEndEvaluation) -> YearEndEvaluation:
    """核定: fixes the final score (weighted second-review scores) and the grade."""
    require_commission(actor)
    with transaction.atomic():
        evaluation = YearEndEvaluation.objects.select_for_update().select_related(
            "round__grade_scale", "program__agency").get(pk=evaluation.pk)
        before = evaluation.status
        target = YEAR_END_EVALUATION.target("approve", before)
        scores = dict(evaluation.scores.filter(stage=Stage.SECOND).values_list(
            "component__code", "score"))
        weights = round_weights(evaluation.round)
        if set(scores) != set(weights):
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "The second review has not scored every component."))
        score = weighted_score(scores, weights)
        band = grade_for(score, grade_bands(evaluation.round.grade_scale.code))
        evaluation.status = target
        evaluation.final_score = score
        evaluation.grade = band
        evaluation.approved_by = actor
        evaluation.approved_at = timezone.now()
        evaluation.save(update_fields=["status", "final_score", "grade", "approved_by",
                                       "approved_at"])
        audit_record(actor=actor, action=ProgramsAction.EVALUATION_APPROVE, obj=evaluation,
                     agency=evaluation.program.agency, from_state=before, to_state=target,
                     data={"final_score": str(score), "grade": band.label_zh})
    return evaluation


def evaluation_return(*, actor, evaluation: YearEndEvaluation, reason: str) -> (
    YearEndEvaluation
):
    """Send an evaluation back one step, with the reason."""
    require_commission(actor)
    reason = require_text(reason, field="reason", message=_("Say why it is sent back."))
    with transaction.atomic():
        evaluation = YearEndEvaluation.objects.select_for_update().select_related(
            "program__agency").get(pk=evaluation.pk)
        before = evaluation.status
        evaluation.status = YEAR_END_EVALUATION.target("return", before)
        evaluation.save(update_fields=["status"])
        audit_record(actor=actor, action=ProgramsAction.EVALUATION_RETURN, obj=evaluation,
                     agency=evaluation.program.agency, from_state=before,
                     to_state=evaluation.status, reason=reason)
    return evaluation
