"""Monthly reports: the checks on what is reported, and the review chain."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment, AuditEvent, ClosureDay
from yankao.programs import selectors, services
from yankao.programs.models import ProgressReport
from yankao.programs.tests.conftest import submit


def snapshot():
    return (ProgressReport.objects.count(), AuditEvent.objects.count(),
            list(ProgressReport.objects.values_list("status", "actual_bp")))


def test_a_report_copies_the_plan_and_its_due_day(make_program, officer):
    program = make_program()
    report = submit(program, 3, "25", actor=officer)
    assert report.planned_pct == Decimal("25.00") and report.actual_pct == Decimal("25.00")
    assert report.planned_budget == 3_000_000 and report.status == "submitted"
    assert report.due_on == dt.date(2018, 4, 10)
    event = AuditEvent.objects.get(action="progress_report.submit")
    assert (event.to_state, event.actor, event.agency) == ("submitted", officer, program.agency)


def test_the_due_day_moves_past_holidays_and_closure_days(make_program, officer):
    program = make_program()
    # 2018-02-10 is a Saturday: the January report is due on Monday the 12th…
    assert selectors.report_due_on(year=2018, month=1) == dt.date(2018, 2, 12)
    # …and a typhoon closure on the 10th of another month moves it to the next working day.
    ClosureDay.objects.create(date=dt.date(2018, 7, 10), reason="颱風停班")
    assert selectors.report_due_on(year=2018, month=6) == dt.date(2018, 7, 11)
    report = submit(program, 6, "50", actor=officer,
                    now=dt.datetime(2018, 7, 12, 9, tzinfo=dt.UTC))
    assert report.due_on == dt.date(2018, 7, 11) and report.is_late


@pytest.mark.parametrize("actual", ["100.01", "-1", "50.123", "abc", "NaN"])
def test_actual_outside_0_to_100_is_refused_and_nothing_is_saved(make_program, officer, actual):
    program = make_program()
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        submit(program, 2, actual, actor=officer, delay_reason="x") if actual not in (
            "abc", "NaN") else services.progress_report_submit(
            actor=officer, program=program, month=2, actual_pct=actual, budget_executed=0,
            narrative="x", delay_reason="x", budget_reason="x")
    assert refused.value.code == ErrorCode.INVALID and refused.value.field == "actual_pct"
    assert snapshot() == before


def test_lower_than_last_month_needs_a_reason(make_program, officer):
    program = make_program()
    submit(program, 4, "40", actor=officer, delay_reason="x")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        submit(program, 5, "38", actor=officer, delay_reason="施工中止")
    assert refused.value.field == "regression_reason"
    assert "40" in refused.value.message
    assert snapshot() == before
    report = submit(program, 5, "38", actor=officer, delay_reason="施工中止",
                    regression_reason="前月進度經查核後下修")
    assert report.regression_reason == "前月進度經查核後下修"


def test_a_report_needs_an_approved_plan(make_program, officer):
    unapproved = make_program("NO-PLAN", approve=False)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        submit(unapproved, 1, "5", actor=officer)
    assert refused.value.code == ErrorCode.INVALID_STATE
    assert "not approved" in refused.value.message
    assert snapshot() == before


def test_a_second_submission_of_a_month_is_refused(make_program, officer):
    program = make_program()
    submit(program, 1, "8.33", actor=officer)
    before = snapshot()
    with pytest.raises(DomainError) as duplicate:
        submit(program, 1, "9", actor=officer)
    assert duplicate.value.code == ErrorCode.CONFLICT
    assert snapshot() == before


def test_behind_plan_or_low_spending_needs_a_reason(make_program, officer):
    program = make_program()  # month 6 plans 50 % and NT$6,000,000
    with pytest.raises(DomainError) as behind:
        submit(program, 6, "49.99", actor=officer)
    assert behind.value.field == "delay_reason"
    with pytest.raises(DomainError) as spending:
        submit(program, 6, "50", actor=officer, budget=4_799_999)
    assert spending.value.field == "budget_reason"
    assert "80" in spending.value.message
    assert not ProgressReport.objects.exists()
    report = submit(program, 6, "50", actor=officer, budget=4_800_000)  # exactly 80 %: fine
    assert report.budget_reason == ""


def test_the_budget_floor_is_policy_data(make_program, officer):
    from yankao.programs.models import ControlPolicy

    ControlPolicy.objects.update(budget_execution_floor_pct=Decimal("90"))
    program = make_program()
    with pytest.raises(DomainError) as spending:
        submit(program, 6, "50", actor=officer, budget=5_000_000)
    assert spending.value.field == "budget_reason" and "90" in spending.value.message


def test_other_bad_input(make_program, officer, epb_officer, evaluator):
    program = make_program()
    cases = [
        (dict(actor=officer, month=13), "month", ErrorCode.INVALID),
        (dict(actor=officer, month=2, budget=program.budget + 1), "budget_executed",
         ErrorCode.INVALID),
        (dict(actor=officer, month=2, narrative=" "), "narrative", ErrorCode.INVALID),
        (dict(actor=epb_officer, month=2), None, ErrorCode.FORBIDDEN),
        (dict(actor=evaluator, month=2), None, ErrorCode.FORBIDDEN),
    ]
    before = snapshot()
    for kwargs, field, code in cases:
        actor, month = kwargs.pop("actor"), kwargs.pop("month")
        with pytest.raises(DomainError) as refused:
            submit(program, month, "16.67", actor=actor, **kwargs)
        assert (refused.value.code, refused.value.field) == (code, field), kwargs
    assert snapshot() == before


def test_a_month_not_yet_begun_cannot_be_reported(make_program, officer):
    program = make_program(year=2018)
    with pytest.raises(DomainError) as refused:
        submit(program, 3, "25", actor=officer, now=dt.datetime(2018, 2, 20, tzinfo=dt.UTC))
    assert refused.value.field == "month"


def test_evidence_is_attached_to_the_report(make_program, officer):
    program = make_program()
    pdf = SimpleUploadedFile("施工照片.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
                             content_type="application/pdf")
    report = submit(program, 1, "8.33", actor=officer, evidence=[pdf])
    attachment = Attachment.objects.get()
    assert attachment.owner_id == str(report.pk) and attachment.agency == program.agency


def test_review_chain_unit_head_then_commission(make_program, officer, chief, evaluator):
    program = make_program()
    report = submit(program, 1, "8.33", actor=officer)
    with pytest.raises(DomainError) as too_early:
        services.progress_report_commission_review(actor=evaluator, report=report, approve=True)
    assert too_early.value.code == ErrorCode.INVALID_STATE
    with pytest.raises(DomainError) as not_head:
        services.progress_report_unit_review(actor=officer, report=report, approve=True)
    assert not_head.value.code == ErrorCode.FORBIDDEN
    report = services.progress_report_unit_review(actor=chief, report=report, approve=True)
    assert report.status == "unit_approved" and report.unit_reviewed_by == chief
    with pytest.raises(DomainError) as no_comment:
        services.progress_report_commission_review(actor=evaluator, report=report,
                                                   approve=False, comment="")
    assert no_comment.value.field == "comment"
    report = services.progress_report_commission_review(actor=evaluator, report=report,
                                                        approve=True)
    assert report.status == "approved" and report.approved_by == evaluator
    with pytest.raises(DomainError):
        services.progress_report_commission_review(actor=evaluator, report=report,
                                                   approve=False, comment="again")
    chain = list(AuditEvent.objects.filter(object_id=str(report.pk),
                                           action__startswith="progress_report")
                 .order_by("id").values_list("from_state", "to_state"))
    assert chain == [("", "submitted"), ("submitted", "unit_approved"),
                     ("unit_approved", "approved")]


def test_a_returned_report_is_corrected_and_resubmitted(make_program, officer, chief,
                                                        evaluator):
    program = make_program()
    report = submit(program, 2, "10", actor=officer, delay_reason="招標流標")
    report = services.progress_report_unit_review(actor=chief, report=report, approve=True)
    report = services.progress_report_commission_review(
        actor=evaluator, report=report, approve=False, comment="進度與查核結果不符，請更正")
    assert report.status == "returned" and report.review_comment.startswith("進度")
    # A returned month no longer counts in the analysis until it is corrected.
    counts = selectors.delay_class_counts(actor=evaluator, year=2018, month=2)
    assert counts.not_reported == 1
    report = submit(program, 2, "16.67", actor=officer)
    assert report.status == "submitted" and report.unit_reviewed_by is None
    assert report.review_comment == ""
    assert AuditEvent.objects.filter(action="progress_report.resubmit",
                                     from_state="returned").exists()
    with pytest.raises(DomainError):
        submit(program, 2, "16.67", actor=officer)


def test_a_chief_of_another_agency_cannot_review(make_program, officer, epb_chief):
    program = make_program()
    report = submit(program, 1, "8.33", actor=officer)
    with pytest.raises(DomainError) as denied:
        services.progress_report_unit_review(actor=epb_chief, report=report, approve=True)
    assert denied.value.code == ErrorCode.FORBIDDEN
    report.refresh_from_db()
    assert report.status == "submitted"
