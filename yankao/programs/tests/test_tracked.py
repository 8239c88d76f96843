"""The other tracked items: the shared release mechanism and each kind's own steps."""

import datetime as dt
from decimal import Decimal

import pytest

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent
from yankao.programs import selectors, services
from yankao.programs.models import EnterpriseEvaluation, RecommendationTopic, ResolutionCategory
from yankao.programs.services import IndicatorIn


def test_subsidy_case_spending_closing_and_the_execution_rate(city, officer, evaluator):
    agency = city["pwb-maintenance"]
    a = services.subsidy_case_create(actor=evaluator, year=2018, code="B1", title="前鎮區道路改善",
                                     agency=agency, budget=3_000_000)
    b = services.subsidy_case_create(actor=evaluator, year=2018, code="B2", title="小港區排水改善",
                                     agency=agency, budget=1_000_000)
    with pytest.raises(DomainError) as too_much:
        services.subsidy_case_record_execution(actor=officer, case=a, executed=3_000_001)
    assert too_much.value.field == "executed"
    services.subsidy_case_record_execution(actor=officer, case=a, executed=3_000_000)
    services.subsidy_case_record_execution(actor=officer, case=b, executed=995_600)
    with pytest.raises(DomainError) as officers_cannot_close:
        services.subsidy_case_close(actor=officer, case=a, closed_on=dt.date(2018, 12, 1))
    assert officers_cannot_close.value.code == ErrorCode.FORBIDDEN
    a = services.subsidy_case_close(actor=evaluator, case=a, closed_on=dt.date(2018, 12, 1))
    assert (a.control_status, a.closed_on) == ("released", dt.date(2018, 12, 1))
    summary = selectors.subsidy_summary(actor=evaluator, year=2018)
    assert (summary.cases, summary.closed, summary.tracking) == (2, 1, 1)
    assert summary.execution_rate == Decimal("99.89")  # 3,995,600 / 4,000,000
    with pytest.raises(DomainError):
        services.subsidy_case_record_execution(actor=officer, case=a, executed=1)


def test_release_and_resume_are_shared_by_the_tracked_kinds(city, officer, evaluator):
    topic = RecommendationTopic.objects.get(code="road-safety")
    recommendation = services.recommendation_create(
        actor=evaluator, topic=topic, year=2018, source="道安年終視導",
        item="改善路口號誌時相", agency=city["pwb-maintenance"])
    with pytest.raises(DomainError) as not_responded:
        services.recommendation_adopt(actor=evaluator, recommendation=recommendation,
                                      adopted_on=dt.date(2018, 9, 1))
    assert not_responded.value.code == ErrorCode.INVALID_STATE
    services.recommendation_respond(actor=officer, recommendation=recommendation,
                                    response="已完成號誌時相調整")
    services.recommendation_adopt(actor=evaluator, recommendation=recommendation,
                                  adopted_on=dt.date(2018, 9, 1))
    with pytest.raises(DomainError) as reasonless:
        services.controlled_item_release(actor=evaluator, item=recommendation,
                                         released_on=dt.date(2018, 10, 30), reason="")
    assert reasonless.value.field == "reason"
    services.controlled_item_release(actor=evaluator, item=recommendation,
                                     released_on=dt.date(2018, 10, 30),
                                     reason="道安大會決議解除列管")
    summary = selectors.recommendation_summary(actor=evaluator, topic_code="road-safety")
    assert (summary.total, summary.adopted, summary.released, summary.adopted_share) == (
        1, 1, 1, Decimal("100.00"))
    with pytest.raises(DomainError) as twice:
        services.controlled_item_release(actor=evaluator, item=recommendation,
                                         released_on=dt.date(2018, 10, 30), reason="x")
    assert twice.value.code == ErrorCode.INVALID_STATE

    resolution = services.council_resolution_create(
        actor=evaluator, session="第二屆第八次定期大會", number=1,
        category=ResolutionCategory.objects.get(code="public-works"), proposer="陳志偉",
        subject="建請改善前鎮區路面坑洞", agency=city["pwb-maintenance"],
        resolved_on=dt.date(2018, 11, 2))
    services.council_resolution_reply(actor=officer, resolution=resolution,
                                      reply="已完成路面刨鋪")
    services.controlled_item_release(actor=evaluator, item=resolution,
                                     released_on=dt.date(2019, 1, 5), reason="已辦理完成")
    with pytest.raises(DomainError):
        services.council_resolution_reply(actor=officer, resolution=resolution, reply="x")
    services.controlled_item_resume(actor=evaluator, item=resolution, reason="議員再次質詢")
    resolution.refresh_from_db()
    assert resolution.control_status == "tracking" and resolution.released_on is None
    counts = {row.code: (row.count, row.replied) for row in
              selectors.council_resolution_counts(actor=evaluator)}
    assert counts["public-works"] == (1, 1) and counts["interior"] == (0, 0)
    assert list(AuditEvent.objects.filter(action__endswith=(".release")).values_list(
        "action", flat=True).order_by("id")) == ["recommendation.release",
                                                 "councilresolution.release"]


def test_enterprise_indicators_are_fixed_before_the_year(city, evaluator):
    indicators = [IndicatorIn("營業收入達成率", 60, "100%"), IndicatorIn("顧客滿意度", 40, "85%")]
    with pytest.raises(DomainError) as late:
        services.enterprise_evaluation_create(actor=evaluator, enterprise=city["pawnshop"],
                                              year=2017, indicators=indicators,
                                              fixed_on=dt.date(2017, 1, 5))
    assert late.value.field == "indicators_fixed_on"
    with pytest.raises(DomainError) as not_enterprise:
        services.enterprise_evaluation_create(actor=evaluator, enterprise=city["rdec"],
                                              year=2017, indicators=indicators,
                                              fixed_on=dt.date(2016, 12, 20))
    assert not_enterprise.value.field == "enterprise"
    assert not EnterpriseEvaluation.objects.exists()
    evaluation = services.enterprise_evaluation_create(
        actor=evaluator, enterprise=city["pawnshop"], year=2017, indicators=indicators,
        fixed_on=dt.date(2016, 12, 20))
    ids = list(evaluation.indicators.values_list("pk", flat=True))
    evaluation = services.enterprise_evaluation_approve(
        actor=evaluator, evaluation=evaluation, scores={ids[0]: "86", ids[1]: "80"},
        reviewed_on=dt.date(2018, 7, 16))
    assert (evaluation.final_score, evaluation.grade.label_zh) == (Decimal("83.60"), "甲等")


def test_budget_pre_review(city, officer, evaluator):
    review = services.budget_pre_review_create(actor=evaluator, budget_year=2019,
                                               title="108年度重要施政計畫先期作業")
    request = services.budget_request_submit(actor=officer, review=review,
                                             agency=city["pwb-maintenance"], title="道路品質提升",
                                             requested=500_000_000)
    with pytest.raises(DomainError):
        services.budget_request_decide(actor=evaluator, request=request,
                                       approved_public=400_000_000, approved_fund=200_000_000)
    services.budget_request_decide(actor=evaluator, request=request, approved_public=300_000_000,
                                   approved_fund=0)
    services.pre_review_meeting_record(actor=evaluator, review=review, kind="meeting",
                                       held_on=dt.date(2018, 5, 2), subject="初審會議")
    services.pre_review_meeting_record(actor=evaluator, review=review, kind="site_visit",
                                       held_on=dt.date(2018, 5, 24), subject="現勘")
    summary = selectors.budget_pre_review_summary(actor=evaluator, budget_year=2019)
    assert (summary.requested, summary.approved_public, summary.meetings,
            summary.site_visits, summary.approved_share) == (
        500_000_000, 300_000_000, 1, 1, Decimal("60.00"))
