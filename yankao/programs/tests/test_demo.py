"""The demo city's figures come out of its records, the same at every scale."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from yankao.core import demo as core_demo
from yankao.programs import demo, selectors


@pytest.mark.parametrize("scale", [0.001, 1.0])
def test_the_2018_report_figures(db, scale):
    ctx = core_demo.DemoContext(scale=scale, seed=7, out=io.StringIO(), show_progress=False)
    core_demo.build(ctx)
    demo.build(ctx)
    evaluator = get_user_model().objects.get(username="evaluator")

    counts = selectors.delay_class_counts(actor=evaluator, year=2018, month=12)
    assert (counts.total, counts.on_track, counts.behind_total) == (163, 103, 60)
    assert (counts.share("on_track"), counts.share("behind_total")) == (
        Decimal("63.19"), Decimal("36.81"))

    grades = selectors.grade_distribution(actor=evaluator, year=2017)
    assert [(g.label_zh, g.count) for g in grades.grades][:3] == [
        ("優等", 2), ("甲等", 52), ("乙等", 105)]
    assert [g.share for g in grades.grades][:3] == [Decimal("1.26"), Decimal("32.70"),
                                                    Decimal("66.04")]

    subsidy = selectors.subsidy_summary(actor=evaluator, year=2018)
    assert (subsidy.cases, subsidy.closed, subsidy.budget, subsidy.meetings) == (
        145, 135, 3_756_946_000, 4)
    assert subsidy.execution_rate == Decimal("99.89")

    assert [selectors.kpi_achievement(actor=evaluator, year=y).rate
            for y in (2015, 2016, 2017)] == [Decimal("95.9"), Decimal("96.1"), Decimal("96.7")]

    road = selectors.recommendation_summary(actor=evaluator, topic_code="road-safety")
    assert (road.total, road.adopted, road.released) == (83, 83, 83)

    resolutions = {r.name_zh: r.count for r in selectors.council_resolution_counts(
        actor=evaluator, session="第二屆第八次定期大會")}
    assert resolutions == {"內政": 52, "社政": 40, "財經": 37, "教育": 61, "農林": 87,
                           "交通": 80, "衛生環境": 24, "工務": 139}

    enterprises = {e.enterprise.code: e.grade.label_zh
                   for e in selectors.enterprise_evaluation_list(actor=evaluator, year=2017)}
    assert enterprises == {"pawnshop": "甲等", "ferry": "甲等"}

    pre_review = selectors.budget_pre_review_summary(actor=evaluator, budget_year=2019)
    assert (pre_review.requested, pre_review.meetings, pre_review.site_visits,
            pre_review.approved_public, pre_review.approved_fund) == (
        31_550_000_000, 24, 3, 9_164_000_000, 1_847_000_000)

    documents = selectors.document_overdue_by_category(actor=evaluator, year=2018)
    assert [d.name for d in documents] == [
        "General documents", "Legislators' interpellations", "Applications by the public",
        "Petitions", "Administrative appeals", "Specially controlled documents",
        "Control Yuan cases"]
    assert all(d.total for d in documents)
    assert any(row.flagged for row in selectors.document_overdue_by_agency(
        actor=evaluator, year=2018))

    # The demo users have something to do: the chief and the commission each have a
    # December report to review, and the commission a plan revision to decide.
    chief = get_user_model().objects.get(username="chief")
    assert selectors.review_queue(actor=chief).count() == 1
    assert selectors.review_queue(actor=evaluator).count() == 1
    assert selectors.program_list(actor=get_user_model().objects.get(username="officer"),
                                  year=2018).exists()
