"""Figures and scoping: one selector per figure, from counts, scoped to the actor; planned
inspections stay hidden from the agency until their day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent
from yankao.works import selectors
from yankao.works.models import MinimumAdjustment, MinimumFormula
from yankao.works.services.citizen import (
    citizen_report_improvement,
    citizen_report_route,
    citizen_report_submit,
    citizen_report_survey,
    citizen_report_verify,
)
from yankao.works.services.common import today_taipei
from yankao.works.services.inspections import inspection_plan
from yankao.works.services.policy import minimum_adjustment_record
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


def budget_tender(agency, number, budget, **overrides):
    return make_tender(agency, number=number, amount=max(1, budget * 9 // 10),
                       budget_amount=budget, **overrides)


def test_summary_counts_first_and_re_inspections_against_the_minimum(city, inspector):
    agency = city["pwb-maintenance"]
    # By budget, under the text in force in 2018 (2003-09-10): 3 tenders of NT$50 M or
    # more (all, fewer than 20), 4 of NT$10–50 M (all), 30 of NT$1–10 M (20), 5 small ones.
    budgets = [50_000_000] * 3 + [10_000_000] * 4 + [1_000_000] * 30 + [999_999] * 5
    tenders = [budget_tender(agency, f"107-{index:03d}", budget)
               for index, budget in enumerate(budgets)]
    budget_tender(agency, "106-999", 300_000_000, start_date=dt.date(2016, 1, 4),
                  end_date=dt.date(2017, 6, 30))  # finished before 2018: not counted
    first = record(tenders[0], scores=(60,), actor=inspector)
    record(tenders[1], actor=inspector)
    record(tenders[0], first_inspection=first, day=dt.date(2018, 7, 2), actor=inspector)
    summary = selectors.inspection_summary(actor=inspector, year=2018)
    assert (summary.inspections, summary.first_inspections, summary.re_inspections,
            summary.legal_minimum) == (3, 2, 1, 27)
    assert summary.ratio_percent == Decimal("11.11")
    assert summary.formula_code == "2003"
    minimum = selectors.inspection_minimum(actor=inspector, year=2018)
    assert [(row.tenders, row.required) for row in minimum.rows] == [(3, 3), (4, 4), (30, 20)]
    assert (minimum.below_floor, minimum.excluded, minimum.tenders) == (5, 0, 42)
    assert minimum.citation.startswith("工程施工查核小組作業辦法第4條")
    # The 2023 text, asked for by name: NT$1 M no longer counts, and the share of all.
    text_2023 = selectors.inspection_minimum(actor=inspector, year=2018, formula_code="2023")
    assert [row.tenders for row in text_2023.rows] == [3, 4, 0]
    assert (text_2023.below_floor, text_2023.overall_tenders, text_2023.total) == (35, 7, 7)
    with pytest.raises(DomainError) as refused:
        selectors.inspection_minimum(actor=inspector, year=2018, formula_code="1999")
    assert refused.value.field == "formula"
    # A year with no text in force has no minimum, said so, and no crash.
    assert selectors.inspection_summary(actor=inspector, year=2001).legal_minimum is None


def test_2021_counts_only_own_tenders_and_at_least_ten_percent(city, inspector, officer):
    agency = city["pwb-maintenance"]
    year = {"start_date": dt.date(2021, 1, 4), "end_date": dt.date(2021, 12, 31)}
    for index in range(25):
        budget_tender(agency, f"110-{index:03d}", 2_000_000, **year)
    budget_tender(agency, "110-900", 2_000_000, arrangement="subsidised", **year)
    budget_tender(agency, "110-901", 60_000_000, arrangement="delegated", **year)
    minimum = selectors.inspection_minimum(actor=inspector, year=2021)
    assert minimum.formula_code == "2021"  # in force on 31 December 2021
    assert [(row.tenders, row.required) for row in minimum.rows] == [(0, 0), (0, 0), (25, 10)]
    assert (minimum.excluded, minimum.overall_tenders, minimum.overall_required,
            minimum.total) == (2, 25, 3, 10)


def test_the_heads_adjustment_is_recorded_audited_and_applied(city, inspector, officer):
    agency = city["pwb-maintenance"]
    for index in range(30):
        budget_tender(agency, f"107-{index:03d}", 3_000_000)
    minimum = selectors.inspection_minimum(actor=inspector, year=2018)
    band = minimum.rows[2]
    assert (band.legal, band.required) == (20, 20)
    with pytest.raises(DomainError) as refused:
        minimum_adjustment_record(actor=officer, year=2018, band_id=band.band_id, count=8,
                                  approved_by="市長", approved_on=dt.date(2018, 3, 1),
                                  document_number="高市府研管字第1070000001號",
                                  reason="人力不足")
    assert refused.value.code == ErrorCode.FORBIDDEN
    other_year = selectors.inspection_minimum(actor=inspector, year=2022).rows[2].band_id
    with pytest.raises(DomainError) as refused:
        minimum_adjustment_record(actor=inspector, year=2018, band_id=other_year, count=8,
                                  approved_by="市長", approved_on=dt.date(2018, 3, 1),
                                  document_number="1", reason="r")
    assert refused.value.field == "band"
    with pytest.raises(DomainError) as refused:
        minimum_adjustment_record(actor=inspector, year=2018, band_id=band.band_id, count=8,
                                  approved_by="市長", approved_on=dt.date(2018, 3, 1),
                                  document_number=" ", reason="人力不足")
    assert refused.value.field == "document_number"
    assert not MinimumAdjustment.objects.exists()
    minimum_adjustment_record(actor=inspector, year=2018, band_id=band.band_id, count=8,
                              approved_by="市長 陳○○", approved_on=dt.date(2018, 3, 1),
                              document_number="高市府研管字第1070000001號",
                              reason="颱風災後復建優先", reported_on=dt.date(2018, 3, 5))
    adjusted = selectors.inspection_minimum(actor=inspector, year=2018)
    row = adjusted.rows[2]
    assert (row.legal, row.required, adjusted.total) == (20, 8, 8)
    assert row.adjustment.document_number == "高市府研管字第1070000001號"
    # An agency's own view of its tenders keeps the law's count.
    assert selectors.inspection_minimum(actor=officer, year=2018).total == 20
    event = AuditEvent.objects.get(action="minimum_adjustment.record")
    assert (event.from_state, event.to_state) == ("", "8")


def test_a_version_whose_dates_overlap_another_is_refused_on_its_date(city):
    clash = MinimumFormula(code="2022", title="x", citation="x",
                           effective_from=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError) as refused:
        clash.full_clean()
    assert "effective_from" in refused.value.error_dict
    before = MinimumFormula(code="2000", title="x", citation="x",
                            effective_from=dt.date(2000, 1, 1),
                            effective_until=dt.date(2003, 9, 10))
    with pytest.raises(ValidationError) as refused:
        before.full_clean()
    assert "effective_until" in refused.value.error_dict
    MinimumFormula(code="2000", title="x", citation="x", effective_from=dt.date(2000, 1, 1),
                   effective_until=dt.date(2003, 9, 9)).full_clean()


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
