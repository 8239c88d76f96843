"""Year-end evaluation: weights and grade bands as data, the four steps, the distribution."""

from decimal import Decimal

import pytest

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent
from yankao.programs import selectors, services
from yankao.programs.models import GradeBand, YearEndEvaluation

SCORES = {"progress": "92", "budget": "85", "kpi": "88", "quality": "80.5"}


def test_weighted_score():
    weights = {"progress": 40, "budget": 20, "kpi": 20, "quality": 20}
    assert services.weighted_score({k: Decimal(v) for k, v in SCORES.items()}, weights) == (
        Decimal("87.50"))
    assert services.weighted_score({"a": Decimal("89.994")}, {"a": 100}) == Decimal("89.99")
    assert services.weighted_score({"a": Decimal("89.995")}, {"a": 100}) == Decimal("90.00")


def test_opening_a_round_checks_the_weights(make_program, evaluator, officer):
    make_program()
    for weights in ({"progress": 50, "budget": 40}, {"progress": 100, "speed": 0},
                    {"progress": -5, "budget": 105}):
        with pytest.raises(DomainError) as refused:
            services.evaluation_round_open(actor=evaluator, year=2018, weights=weights)
        assert refused.value.field == "weights"
    with pytest.raises(DomainError) as denied:
        services.evaluation_round_open(actor=officer, year=2018)
    assert denied.value.code == ErrorCode.FORBIDDEN
    evaluation_round = services.evaluation_round_open(actor=evaluator, year=2018)
    assert evaluation_round.evaluations.count() == 1
    with pytest.raises(DomainError) as twice:
        services.evaluation_round_open(actor=evaluator, year=2018)
    assert twice.value.code == ErrorCode.CONFLICT


def test_four_steps_to_a_grade(make_program, officer, evaluator, evaluator2):
    make_program()
    services.evaluation_round_open(actor=evaluator, year=2018)
    evaluation = YearEndEvaluation.objects.get()
    with pytest.raises(DomainError) as wrong_step:
        services.evaluation_first_review(actor=evaluator, evaluation=evaluation, scores=SCORES,
                                         comment="x")
    assert wrong_step.value.code == ErrorCode.INVALID_STATE
    with pytest.raises(DomainError) as partial:
        services.evaluation_self_submit(actor=officer, evaluation=evaluation,
                                        scores={"progress": "90"}, comment="自評")
    assert partial.value.field == "scores"
    with pytest.raises(DomainError) as out_of_range:
        services.evaluation_self_submit(actor=officer, evaluation=evaluation,
                                        scores={**SCORES, "kpi": "101"}, comment="自評")
    assert out_of_range.value.field == "score_kpi"
    assert not evaluation.scores.exists()
    evaluation = services.evaluation_self_submit(actor=officer, evaluation=evaluation,
                                                 scores=SCORES, comment="年度目標均已達成")
    evaluation = services.evaluation_first_review(actor=evaluator, evaluation=evaluation,
                                                  scores={**SCORES, "progress": "85"},
                                                  comment="進度略有落後")
    with pytest.raises(DomainError) as same_person:
        services.evaluation_second_review(actor=evaluator, evaluation=evaluation,
                                          scores=SCORES, comment="同意")
    assert same_person.value.code == ErrorCode.FORBIDDEN
    evaluation = services.evaluation_second_review(
        actor=evaluator2, evaluation=evaluation,
        scores={"progress": "84", "budget": "85", "kpi": "88", "quality": "80.5"},
        comment="同意初評")
    evaluation = services.evaluation_approve(actor=evaluator, evaluation=evaluation)
    # 84×0.4 + 85×0.2 + 88×0.2 + 80.5×0.2 = 84.30
    assert evaluation.final_score == Decimal("84.30") and evaluation.grade.label_zh == "甲等"
    assert list(AuditEvent.objects.filter(action__startswith="evaluation.").order_by("id")
                .values_list("to_state", flat=True)) == [
        "first_review", "second_review", "awaiting_approval", "approved"]
    distribution = selectors.grade_distribution(actor=evaluator, year=2018)
    assert [(g.label_zh, g.count, g.share) for g in distribution.grades] == [
        ("優等", 0, Decimal("0.00")), ("甲等", 1, Decimal("100.00")),
        ("乙等", 0, Decimal("0.00")), ("丙等", 0, Decimal("0.00"))]


def test_grade_bands_are_data(make_program, officer, evaluator, evaluator2):
    GradeBand.objects.filter(label_zh="優等").update(min_score=Decimal(84))
    make_program()
    services.evaluation_round_open(actor=evaluator, year=2018)
    evaluation = YearEndEvaluation.objects.get()
    services.evaluation_self_submit(actor=officer, evaluation=evaluation, scores=SCORES,
                                    comment="x")
    services.evaluation_first_review(actor=evaluator, evaluation=evaluation, scores=SCORES,
                                     comment="x")
    services.evaluation_second_review(actor=evaluator2, evaluation=evaluation, scores=SCORES,
                                      comment="x")
    evaluation = services.evaluation_approve(actor=evaluator, evaluation=evaluation)
    assert evaluation.grade.label_zh == "優等"


def test_sending_back_one_step(make_program, officer, evaluator):
    make_program()
    services.evaluation_round_open(actor=evaluator, year=2018)
    evaluation = YearEndEvaluation.objects.get()
    with pytest.raises(DomainError):
        services.evaluation_return(actor=evaluator, evaluation=evaluation, reason="x")
    services.evaluation_self_submit(actor=officer, evaluation=evaluation, scores=SCORES,
                                    comment="x")
    with pytest.raises(DomainError) as no_reason:
        services.evaluation_return(actor=evaluator, evaluation=evaluation, reason="")
    assert no_reason.value.field == "reason"
    evaluation = services.evaluation_return(actor=evaluator, evaluation=evaluation,
                                            reason="請補附佐證資料")
    assert evaluation.status == "self_evaluation"
