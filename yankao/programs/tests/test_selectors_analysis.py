"""The monthly analysis: delay classes at their thresholds, by agency, trends, overview,
late reports and risk ratings."""

import datetime as dt
from decimal import Decimal

import pytest

from yankao.core.numbers import percent
from yankao.programs import selectors, services
from yankao.programs.models import ControlPolicy, ProgressReport
from yankao.programs.tests.conftest import submit


def december(make_program, officer, actuals: dict[str, str], agency_code="pwb-maintenance"):
    """One program per code, each reporting December at the given actual %."""
    for code, actual in actuals.items():
        program = make_program(code, agency_code=agency_code)
        submit(program, 12, actual, actor=None, delay_reason="落後")


def test_classes_at_their_boundaries(make_program, officer, evaluator):
    # Planned 100 % in December: delay = 100 − actual.
    december(make_program, officer, {"A": "100", "B": "95.01", "C": "95", "D": "90.01",
                                      "E": "90", "F": "60"})
    make_program("G")  # not reported
    counts = selectors.delay_class_counts(actor=evaluator, year=2018, month=12)
    assert (counts.on_track, counts.behind, counts.severely_behind) == (2, 2, 2)
    assert (counts.total, counts.reported, counts.not_reported, counts.behind_total) == (
        7, 6, 1, 4)
    assert counts.share("on_track") == Decimal("28.57")
    assert counts.share("behind_total") == Decimal("57.14")


def test_thresholds_are_policy_data_dated_by_month(make_program, officer, evaluator):
    december(make_program, officer, {"A": "96", "B": "93"})
    counts = selectors.delay_class_counts(actor=evaluator, year=2018, month=12)
    assert (counts.on_track, counts.behind) == (1, 1)
    # A stricter rule from December 2018 on: 3 and 6 points.
    ControlPolicy.objects.create(effective_from=dt.date(2018, 12, 1),
                                 delay_minor_points=Decimal(3), delay_severe_points=Decimal(6))
    counts = selectors.delay_class_counts(actor=evaluator, year=2018, month=12)
    assert (counts.on_track, counts.behind, counts.severely_behind) == (0, 1, 1)
    assert counts.minor_points == Decimal(3)
    # November is still judged by the old rule, in the same query as December.
    program = make_program("N")
    submit(program, 11, "87.67", actor=None, delay_reason="x")  # 4 points behind
    trend = selectors.delay_class_trend(actor=evaluator, year=2018)
    assert (trend[10].on_track, trend[10].behind) == (1, 0)
    assert (trend[11].behind, trend[11].severely_behind) == (1, 1)
    labels = selectors.delay_class_labels(ControlPolicy.objects.get(
        effective_from=dt.date(2018, 12, 1)))
    assert labels["on_track"] == "On schedule or less than 3 points behind"


def test_python_and_database_classification_agree(make_program, officer, evaluator):
    december(make_program, officer, {str(i): str(100 - i * 1.5) for i in range(12)})
    policy = selectors.policy_for_month(2018, 12)
    from yankao.programs.selectors.analysis import classified_reports

    for row in classified_reports(actor=evaluator, year=2018, months=[12]):
        assert selectors.delay_class_of(row.planned_bp - row.actual_bp, policy) == (
            row.delay_class)


def test_shares_are_computed_from_counts():
    assert percent(103, 163) == Decimal("63.19")
    assert percent(60, 163) == Decimal("36.81")
    assert percent(2, 159) == Decimal("1.26")
    assert percent(1, 0) is None


def test_by_agency_and_the_overview(make_program, officer, epb_officer, evaluator):
    december(make_program, officer, {"A": "100", "B": "85"})
    december(make_program, epb_officer, {"C": "97"}, agency_code="environmental-protection")
    rows = selectors.delay_class_by_agency(actor=evaluator, year=2018, month=12)
    by_code = {row.agency_code: row for row in rows}
    assert (by_code["pwb-maintenance"].on_track, by_code["pwb-maintenance"].severely_behind) == (
        1, 1)
    assert by_code["environmental-protection"].on_track == 1
    overview = {row.agency_code: row for row in selectors.agency_month_overview(
        actor=evaluator, year=2018)}
    assert overview["pwb-maintenance"].months[11].worst == "severely_behind"
    assert overview["environmental-protection"].months[11].worst == "on_track"
    assert overview["pwb-maintenance"].months[0].worst is None


def test_officers_see_only_their_agencies_figures(make_program, officer, epb_officer):
    december(make_program, officer, {"A": "100", "B": "85"})
    december(make_program, epb_officer, {"C": "97"}, agency_code="environmental-protection")
    mine = selectors.delay_class_counts(actor=epb_officer, year=2018, month=12)
    assert (mine.total, mine.on_track, mine.severely_behind) == (1, 1, 0)
    assert [r.agency_code for r in selectors.delay_class_by_agency(
        actor=epb_officer, year=2018, month=12)] == ["environmental-protection"]
    from django.contrib.auth.models import AnonymousUser

    assert selectors.delay_class_counts(actor=AnonymousUser(), year=2018, month=12).total == 0


def test_late_and_missing_reports(make_program, officer, evaluator):
    on_time, late = make_program("ON"), make_program("LATE")
    make_program("MISSING")
    submit(on_time, 1, "8.33", actor=officer, now=dt.datetime(2018, 2, 5, 2, tzinfo=dt.UTC))
    submit(late, 1, "8.33", actor=officer, now=dt.datetime(2018, 2, 14, 2, tzinfo=dt.UTC))
    result = selectors.late_reports(actor=evaluator, year=2018, month=1,
                                    today=dt.date(2018, 2, 20))
    assert result.due_on == dt.date(2018, 2, 12)
    assert [(r.program_code, r.days_late) for r in result.late] == [("LATE", 2)]
    assert [(r.program_code, r.days_late) for r in result.missing] == [("MISSING", 8)]
    before_due = selectors.late_reports(actor=evaluator, year=2018, month=1,
                                        today=dt.date(2018, 2, 12))
    assert before_due.missing == []


def test_quarterly_risk_rating_with_reasons(make_program, officer, evaluator):
    steady, slipping, severe, quiet, thrifty = (make_program(c) for c in
                                                ("STEADY", "SLIP", "SEVERE", "QUIET", "THRIFT"))
    for month, values in ((10, ("83.33", "80", "75", None, "83.33")),
                          (11, ("91.67", "86", "80", None, "91.67")),
                          (12, ("100", "93", "85", None, "100"))):
        for program, actual in zip((steady, slipping, severe, quiet, thrifty), values,
                                   strict=True):
            if actual is not None:
                budget = program.budget * month // 12
                submit(program, month, actual, actor=None, delay_reason="x",
                       budget=budget // 2 if program is thrifty else budget,
                       budget_reason="x")
    ratings = {r.program_code: r for r in selectors.quarterly_risk_ratings(
        actor=evaluator, year=2018, quarter=4, today=dt.date(2019, 2, 1))}
    assert ratings["STEADY"].rating == "low"
    assert ratings["SLIP"].rating == "high" and "further behind" in ratings["SLIP"].reasons[0]
    assert ratings["SEVERE"].rating == "high" and "15.00 points" in ratings["SEVERE"].reasons[0]
    assert ratings["QUIET"].rating == "high" and "No report" in ratings["QUIET"].reasons[0]
    assert ratings["THRIFT"].rating == "medium" and "50.00%" in ratings["THRIFT"].reasons[0]
    assert ratings["SEVERE"].delays == {10: Decimal("8.33"), 11: Decimal("11.67"),
                                        12: Decimal("15.00")}
    assert selectors.risk_rating_counts(actor=evaluator, year=2018, quarter=4) == {
        "high": 3, "medium": 1, "low": 1}
    with pytest.raises(ValueError):
        selectors.quarterly_risk_ratings(actor=evaluator, year=2018, quarter=5)


def test_s_curve_keeps_the_plan_in_force_when_reported(make_program, officer, evaluator):
    program = make_program()
    submit(program, 1, "5", actor=officer, delay_reason="x")
    from yankao.programs.tests.conftest import linear_plan

    revision = services.work_plan_revise(actor=officer, program=program,
                                         months=linear_plan(program.budget, Decimal(60)),
                                         reason="調整")
    services.work_plan_submit(actor=officer, plan=revision)
    services.work_plan_approve(actor=evaluator, plan=revision)
    curve = selectors.program_s_curve(actor=evaluator, program=program)
    assert curve[0].planned_pct == Decimal("5.00")  # the new plan
    assert curve[0].delay_points == Decimal("3.33")  # against the plan of January's report
    assert curve[1].actual_pct is None
    assert ProgressReport.objects.get().planned_bp == 833
