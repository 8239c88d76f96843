"""The demo city's 2018 public works give the reference report's figures, from records."""

import datetime as dt
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client

from yankao.core.demo import demo_build
from yankao.works import selectors
from yankao.works.models import MonthlyProgress, Tender, TrainingSession
from yankao.works.tests.test_ocds import validate


def test_demo_figures_of_2018(db):
    demo_build(scale=0.001, out=io.StringIO(), show_progress=False)
    evaluator = get_user_model().objects.get(username="evaluator")
    summary = selectors.inspection_summary(actor=evaluator, year=2018)
    assert (summary.inspections, summary.first_inspections, summary.re_inspections,
            summary.legal_minimum) == (148, 137, 11, 63)
    assert summary.ratio_percent == Decimal("234.92")
    # 63 from §4 as in force in 2018, by budget amount: 20 % of 140 (≥ NT$50 M) = 28,
    # 15 of 300 (NT$10–50 M), 20 of 700 (NT$1–10 M); 12 below NT$1 M do not count.
    minimum = selectors.inspection_minimum(actor=evaluator, year=2018)
    assert minimum.formula_code == "2003"
    assert [(row.tenders, row.required) for row in minimum.rows] == [(140, 28), (300, 15),
                                                                      (700, 20)]
    assert (minimum.below_floor, minimum.excluded, minimum.tenders) == (12, 0, 1152)
    assert Tender.objects.filter(budget_amount__lt=1_000_000).count() == 12
    satisfaction = selectors.citizen_report_satisfaction(actor=evaluator, year=2018)
    assert (satisfaction.surveyed, satisfaction.satisfied) == (21, 17)
    assert satisfaction.satisfied_percent == Decimal("80.95")
    rate = selectors.citizen_report_inspection_rate(actor=evaluator, year=2018)
    assert (rate.reports, rate.inspections, rate.rate_percent) == (80, 11, Decimal("13.75"))
    months = selectors.progress_compliance_by_month(actor=evaluator, year=2018)
    assert len(months) == 12
    assert all(month.rate_percent == Decimal("100.00") and month.expected >= 20
               for month in months)
    # Every month of 2018: 20 or more written progress checks, the most behind first.
    checks = selectors.progress_checks_by_month(actor=evaluator, year=2018)
    assert len(checks) == 12 and all(month.count >= 20 and month.met for month in checks)
    december = selectors.progress_checks_month(actor=evaluator, month=dt.date(2018, 12, 1))
    most_behind = MonthlyProgress.objects.filter(month=dt.date(2018, 12, 1)).order_by(
        F("actual_percent") - F("planned_percent")).first()
    assert most_behind.tender_id in {check.tender_id for check in december.checks}
    sessions = list(TrainingSession.objects.order_by("held_on", "id"))
    assert [session.attendance for session in sessions] == [42, 97, 83, 76, 29, 50, 30]
    assert sessions[0].title == "工程災害與設計施工研習班"
    assert sessions[0].co_organiser == "公務人力發展中心"
    assert selectors.training_summary(year=2018).attendance == 407
    # Behind-schedule progress always carries its reason.
    assert not MonthlyProgress.objects.filter(
        actual_percent__lt=F("planned_percent"), delay_reason="").exists()
    # The demo officer of 養工處 has defects to improve and sees only 養工處.
    officer = get_user_model().objects.get(username="officer")
    board = selectors.defect_board(actor=officer)
    assert board[0].status == "open" and board[0].total > 0
    assert {defect.inspection.agency.code for column in board for defect in column.defects} == {
        "pwb-maintenance"}
    assert selectors.inspection_priority_list(actor=evaluator, as_of=dt.date(2018, 12, 31))
    # The demo year as OCDS: a page of 100 tenders with their releases validates.
    response = Client().get("/works/ocds/2018.json?page=3")
    assert 'rel="next"' in response["Link"]
    package = response.json()
    validate(package)
    assert len({release["ocid"] for release in package["releases"]}) == 100
