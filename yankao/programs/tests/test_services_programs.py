"""Programs and work plans: who may create them, and the plan's state machine."""

from decimal import Decimal

import pytest

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent
from yankao.programs import services
from yankao.programs.models import PlanMonth, Program, WorkPlan
from yankao.programs.services import MonthPlan
from yankao.programs.tests.conftest import linear_plan


def test_the_commission_creates_programs_and_officers_cannot(city, evaluator, officer):
    program = services.program_create(actor=evaluator, year=2018, code="107-001",
                                      name_zh="道路平整提升計畫", agency=city["pwb-maintenance"],
                                      budget=300_000_000, control_level="ministry")
    assert program.get_control_level_display() == "Ministry controlled"
    assert AuditEvent.objects.get(action="program.create").agency == city["pwb-maintenance"]
    with pytest.raises(DomainError) as denied:
        services.program_create(actor=officer, year=2018, code="107-002", name_zh="x",
                                agency=city["pwb-maintenance"], budget=1)
    assert denied.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as duplicate:
        services.program_create(actor=evaluator, year=2018, code="107-001", name_zh="y",
                                agency=city["pwb-maintenance"], budget=1)
    assert duplicate.value.code == ErrorCode.CONFLICT
    assert Program.objects.count() == 1


def test_budget_must_be_whole_nt_dollars(city, evaluator):
    for bad in ("12.5", "-3", "abc"):
        with pytest.raises(DomainError) as refused:
            services.program_create(actor=evaluator, year=2018, code=f"X{bad}", name_zh="x",
                                    agency=city["rdec"], budget=bad)
        assert refused.value.field == "budget"
    assert not Program.objects.exists()


def test_plan_goes_draft_submitted_returned_submitted_approved(make_program, officer, evaluator):
    program = make_program(plan=False)
    plan = services.work_plan_create(actor=officer, program=program,
                                     months=linear_plan(program.budget))
    assert plan.status == "draft" and plan.months.count() == 12
    plan = services.work_plan_submit(actor=officer, plan=plan)
    with pytest.raises(DomainError) as no_comment:
        services.work_plan_return(actor=evaluator, plan=plan, comment=" ")
    assert no_comment.value.field == "comment"
    plan = services.work_plan_return(actor=evaluator, plan=plan, comment="請補充查核點")
    assert plan.status == "returned"
    with pytest.raises(DomainError) as not_submitted:
        services.work_plan_approve(actor=evaluator, plan=plan)
    assert not_submitted.value.code == ErrorCode.INVALID_STATE
    services.work_plan_update(actor=officer, plan=plan, months=linear_plan(program.budget,
                                                                          Decimal(90)))
    services.work_plan_submit(actor=officer, plan=plan)
    plan = services.work_plan_approve(actor=evaluator, plan=plan, comment="同意")
    assert plan.status == "approved" and plan.decided_by == evaluator
    events = list(AuditEvent.objects.filter(object_id=str(plan.pk), action__startswith="work_plan")
                  .order_by("id").values_list("action", "from_state", "to_state"))
    assert events == [
        ("work_plan.create", "", "draft"), ("work_plan.submit", "draft", "submitted"),
        ("work_plan.return", "submitted", "returned"), ("work_plan.update", "", ""),
        ("work_plan.submit", "returned", "submitted"),
        ("work_plan.approve", "submitted", "approved"),
    ]


def test_a_plan_is_cumulative_twelve_months_within_the_budget(make_program, officer):
    program = make_program(plan=False, budget=1200)
    months = linear_plan(1200)
    cases = [
        (months[:11], "months"),
        ([*months[:5], MonthPlan(6, "10.00", 600), *months[6:]], "month_6"),
        ([*months[:11], MonthPlan(12, "100.5", 1200)], "month_12"),
        ([*months[:11], MonthPlan(12, "100", 1300)], "budget_12"),
    ]
    for rows, field in cases:
        with pytest.raises(DomainError) as refused:
            services.work_plan_create(actor=officer, program=program, months=rows)
        assert refused.value.field == field
    assert not WorkPlan.objects.exists() and not PlanMonth.objects.exists()


def test_revising_an_approved_plan_needs_a_reason_and_supersedes_it(make_program, officer,
                                                                    evaluator):
    program = make_program()
    first = WorkPlan.objects.get(program=program)
    with pytest.raises(DomainError) as no_reason:
        services.work_plan_revise(actor=officer, program=program,
                                  months=linear_plan(program.budget, Decimal(80)), reason="")
    assert no_reason.value.field == "reason"
    assert WorkPlan.objects.filter(program=program).count() == 1
    revision = services.work_plan_revise(actor=officer, program=program,
                                         months=linear_plan(program.budget, Decimal(80)),
                                         reason="用地取得延宕，調整下半年度進度")
    assert revision.version == 2 and revision.status == "draft"
    with pytest.raises(DomainError) as twice:
        services.work_plan_revise(actor=officer, program=program,
                                  months=linear_plan(program.budget), reason="again")
    assert twice.value.code == ErrorCode.CONFLICT
    services.work_plan_submit(actor=officer, plan=revision)
    first.refresh_from_db()
    assert first.status == "approved"  # still in force until the revision is approved
    services.work_plan_approve(actor=evaluator, plan=revision)
    first.refresh_from_db()
    assert first.status == "superseded"
    supersede = AuditEvent.objects.get(action="work_plan.supersede")
    assert supersede.reason == "用地取得延宕，調整下半年度進度"


def test_an_officer_of_another_agency_cannot_write_the_plan(make_program, epb_officer):
    program = make_program(plan=False)
    with pytest.raises(DomainError) as denied:
        services.work_plan_create(actor=epb_officer, program=program,
                                  months=linear_plan(program.budget))
    assert denied.value.code == ErrorCode.FORBIDDEN
    assert not WorkPlan.objects.exists()


def test_checkpoints(make_program, officer, evaluator):
    import datetime as dt

    program = make_program()
    checkpoint = services.checkpoint_add(actor=evaluator, program=program, title="完成發包",
                                         due_on=dt.date(2018, 5, 31))
    with pytest.raises(DomainError):
        services.checkpoint_complete(actor=officer, checkpoint=checkpoint,
                                     done_on=dt.date(2999, 1, 1))
    services.checkpoint_complete(actor=officer, checkpoint=checkpoint,
                                 done_on=dt.date(2018, 5, 20))
    checkpoint.refresh_from_db()
    assert checkpoint.done_on == dt.date(2018, 5, 20)
    assert AuditEvent.objects.filter(action="checkpoint.complete",
                                     to_state="2018-05-20").exists()
