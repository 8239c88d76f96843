"""Figures and scoping: one selector per figure, from counts, scoped to the actor; planned
inspections stay hidden from the agency until their day."""

import datetime as dt
from decimal import Decimal

import pytest

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.works import selectors
from yankao.works.models import MinimumFormula
from yankao.works.services.citizen import (
    citizen_report_improvement,
    citizen_report_route,
    citizen_report_submit,
    citizen_report_survey,
    citizen_report_verify,
)
from yankao.works.services.common import today_taipei
from yankao.works.services.inspections import inspection_plan
from yankao.works.services.tenders import progress_submit
from yankao.works.tests.factories import make_tender, record


def test_planned_inspections_are_hidden_from_the_agency_until_their_day(
        tender, inspector, officer, evaluator):
    today = today_taipei()
    planned = inspection_plan(actor=inspector, tender=tender,
                              planned_on=today + dt.timedelta(days=2))
    past = record(tender, actor=inspector)
    for actor in (inspector, evaluator):
        assert set(selectors.inspection_visible(actor=actor)) == {planned, past}
    assert list(selectors.inspection_visible(actor=officer)) == [past]
    with pytest.raises(DomainError):
        selectors.inspection_get(actor=officer, number=planned.number)
    # On its day it is still hidden while only planned; once recorded the agency sees it.
    assert planned not in selectors.inspection_visible(
        actor=officer, today=today + dt.timedelta(days=2))
    assert selectors.inspection_summary(actor=officer, year=today.year).inspections == (
        1 if past.inspected_on.year == today.year else 0)


def test_agencies_see_their_own_and_units_below(tender, epb_tender, inspector, officer,
                                                pwb_officer, epb_officer):
    record(tender, actor=inspector)
    record(epb_tender, actor=inspector)
    assert [t.pk for t in selectors.tender_list(actor=officer)] == [tender.pk]
    assert [t.pk for t in selectors.tender_list(actor=pwb_officer)] == [tender.pk]
    assert [t.pk for t in selectors.tender_list(actor=epb_officer)] == [epb_tender.pk]
    assert selectors.tender_list(actor=inspector).count() == 2
    assert selectors.inspection_list(actor=epb_officer).get().tender == epb_tender
    with pytest.raises(DomainError):
        selectors.tender_get(actor=officer, pcc_number=epb_tender.pcc_number)


def test_summary_counts_first_and_re_inspections_against_the_minimum(city, inspector):
    agency = city["pwb-maintenance"]
    # 巨額 3 → ceil(0.6) = 1; 查核 4 → 1; 公告 30 → 2; small ones do not count.
    amounts = [300_000_000] * 3 + [80_000_000] * 4 + [3_000_000] * 30 + [500_000] * 5
    tenders = [make_tender(agency, number=f"107-{index:03d}", amount=amount)
               for index, amount in enumerate(amounts)]
    make_tender(agency, number="106-999", start_date=dt.date(2016, 1, 4),
                end_date=dt.date(2017, 6, 30), amount=300_000_000)
    first = record(tenders[0], scores=(60,), actor=inspector)
    record(tenders[1], actor=inspector)
    record(tenders[0], first_inspection=first, day=dt.date(2018, 7, 2), actor=inspector)
    summary = selectors.inspection_summary(actor=inspector, year=2018)
    assert (summary.inspections, summary.first_inspections, summary.re_inspections,
            summary.legal_minimum) == (3, 2, 1, 4)
    assert summary.ratio_percent == Decimal("75.00")
    assert summary.formula_code == "2018"
    assert summary.formula_verified is False
    minimum = selectors.inspection_minimum(actor=inspector, year=2018)
    assert [(row.tenders, row.required) for row in minimum.rows] == [(3, 1), (4, 1), (30, 2)]
    # The 2023 text, asked for by name, raises the announcement threshold to NT$1.5 million.
    make_tender(agency, number="107-500", amount=1_200_000)
    assert selectors.inspection_minimum(actor=inspector, year=2018).rows[2].tenders == 31
    assert selectors.inspection_minimum(actor=inspector, year=2018,
                                        formula_code="2023").rows[2].tenders == 30
    with pytest.raises(DomainError):
        selectors.inspection_minimum(actor=inspector, year=2018, formula_code="1999")


def test_the_minimum_formula_is_corrected_as_data(city, inspector):
    agency = city["pwb-maintenance"]
    for index in range(10):
        make_tender(agency, number=f"107-{index:03d}", amount=3_000_000)
    assert selectors.inspection_minimum(actor=inspector, year=2018).total == 1
    formula = MinimumFormula.objects.get(code="2018")
    formula.bands.filter(min_amount=1_000_000).update(percent=Decimal("25"))
    assert selectors.inspection_minimum(actor=inspector, year=2018).total == 3
    assert selectors.inspection_minimum(actor=inspector, year=2024).formula_code == "2023"


def test_grade_distribution_and_record_timeliness(tender, inspector):
    record(tender, scores=(95,), actor=inspector)
    record(tender, scores=(85,), actor=inspector)
    record(tender, scores=(84, 86), tests=[("asphalt", "pending")], actor=inspector)
    record(tender, scores=(40,), actor=inspector)
    distribution = selectors.grade_distribution(actor=inspector, year=2018)
    assert [(g.code, g.label, g.count, g.percent) for g in distribution.grades] == [
        ("excellent", "Excellent", 1, Decimal("25.00")), ("good", "Good", 2, Decimal("50.00")),
        ("fair", "Fair", 0, Decimal("0.00")), ("poor", "Poor", 1, Decimal("25.00"))]
    assert (distribution.graded, distribution.provisional) == (4, 1)


def _progress(tender, officer, month, actual, when, **kwargs):
    return progress_submit(
        actor=officer, tender=tender, month=month, actual_percent=Decimal(actual),
        amount_spent=1, submitted_at=dt.datetime.combine(when, dt.time(9), tzinfo=TAIPEI),
        **kwargs)


def test_update_compliance_by_month_and_agency(tender, epb_tender, officer, epb_officer,
                                               inspector):
    _progress(tender, officer, dt.date(2018, 1, 1), "5", dt.date(2018, 2, 5))
    _progress(tender, officer, dt.date(2018, 2, 1), "12", dt.date(2018, 3, 7))
    _progress(epb_tender, epb_officer, dt.date(2018, 1, 1), "5", dt.date(2018, 2, 6))
    months = selectors.progress_compliance_by_month(actor=inspector, year=2018)
    assert (months[0].expected, months[0].on_time, months[0].rate_percent) == (
        2, 2, Decimal("100.00"))
    assert (months[1].expected, months[1].on_time, months[1].late, months[1].missing) == (
        2, 0, 1, 1)
    mine = selectors.progress_compliance_by_month(actor=officer, year=2018)
    assert mine[1].expected == 1
    agencies = selectors.progress_compliance_by_agency(actor=inspector, year=2018, month=1)
    assert [(row.agency_code, row.rate_percent) for row in agencies] == [
        ("environmental-protection", Decimal("100.00")), ("pwb-maintenance", Decimal("100.00"))]


def test_priority_list_gives_reasons_and_is_the_teams(city, inspector, officer):
    agency = city["pwb-maintenance"]
    behind = make_tender(agency, number="A-1", amount=30_000_000)
    cheap = make_tender(agency, number="A-2", amount=7_000_000, budget_amount=10_000_000)
    changed = make_tender(agency, number="A-3")
    poor = make_tender(agency, number="A-4")
    fine = make_tender(agency, number="A-5")
    _progress(behind, officer, dt.date(2018, 5, 1), "30", dt.date(2018, 6, 3),
              delay_reason="用地取得延宕", design_change=True, design_change_note="變更路線")
    _progress(changed, officer, dt.date(2018, 4, 1), "30", dt.date(2018, 5, 3),
              design_change=True, design_change_note="增加排水")
    _progress(changed, officer, dt.date(2018, 5, 1), "42", dt.date(2018, 6, 3),
              design_change=True, design_change_note="變更鋪面")
    _progress(fine, officer, dt.date(2018, 5, 1), "42", dt.date(2018, 6, 3))
    record(poor, scores=(50,), actor=inspector, day=dt.date(2018, 3, 1))
    report = citizen_report_submit(actor=None, channel="web", subject="積水",
                                   description="工區積水", location="x", tender=behind,
                                   received_at=dt.datetime(2018, 6, 1, 9, tzinfo=TAIPEI))
    assert report.pk
    entries = selectors.inspection_priority_list(actor=inspector, as_of=dt.date(2018, 6, 10))
    reasons = {entry.pcc_number: [reason.code for reason in entry.reasons] for entry in entries}
    assert reasons == {"A-1": ["behind", "citizen_reports"], "A-2": ["low_award_ratio"],
                       "A-3": ["change_orders"], "A-4": ["previous_poor"]}
    assert entries[0].pcc_number == "A-1"
    assert entries[0].delay == Decimal("12")
    assert cheap.award_ratio == Decimal("70.00")
    with pytest.raises(DomainError):
        selectors.inspection_priority_list(actor=officer)


def test_citizen_report_figures(tender, inspector, officer, city):
    reports = []
    for index in range(8):
        report = citizen_report_submit(actor=None, channel="web" if index % 2 else "phone",
                                       subject=f"通報{index}", description="d", location="l",
                                       name="王先生", phone="0911000111")
        reports.append(report)
    for index, report in enumerate(reports[:3]):
        report = citizen_report_route(actor=inspector, report=report, agency=tender.agency)
        report = citizen_report_improvement(actor=officer, report=report, note="改善")
        reports[index] = citizen_report_verify(actor=inspector, report=report, accepted=True)
    for report, satisfied in zip(reports[:3], (True, True, False), strict=True):
        citizen_report_survey(actor=inspector, report=report, satisfied=satisfied)
    year = reports[0].received_at.year
    record(tender, actor=inspector, day=today_taipei(), origin="citizen_report",
           citizen_report=reports[0])
    satisfaction = selectors.citizen_report_satisfaction(actor=inspector, year=year)
    assert (satisfaction.surveyed, satisfaction.satisfied, satisfaction.satisfied_percent,
            satisfaction.dissatisfied_percent) == (3, 2, Decimal("66.67"), Decimal("33.33"))
    rate = selectors.citizen_report_inspection_rate(actor=inspector, year=year)
    assert (rate.reports, rate.inspections, rate.rate_percent) == (8, 1, Decimal("12.50"))
    review = selectors.citizen_report_review_list(actor=inspector, year=year)
    assert [(row.agency_code, row.reports, row.dissatisfied) for row in review.most_reports] == [
        ("pwb-maintenance", 3, 1)]
    assert [row.agency_code for row in review.most_dissatisfied] == ["pwb-maintenance"]
    # The agency sees only the reports routed to it, none of the others.
    assert selectors.citizen_report_list(actor=officer).count() == 3
    channels = {row.channel: row.count for row in
                selectors.citizen_report_channels(actor=inspector, year=year)}
    assert channels == {"web": 4, "phone": 4, "1999": 0}
