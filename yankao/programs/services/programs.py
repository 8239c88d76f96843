"""Programs, checkpoints and work plans (作業計畫): create, submit, approve, return, revise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.programs.access import (
    require_commission,
    require_officer,
    require_officer_or_commission,
)
from yankao.programs.audit import ProgramsAction
from yankao.programs.models import Checkpoint, ControlLevel, PlanMonth, Program, WorkPlan
from yankao.programs.services._common import amount_value, pct_to_bp, require_text
from yankao.programs.states import WORK_PLAN


@dataclass(frozen=True)
class MonthPlan:
    """One month of a work plan as entered: planned cumulative % and spending (NT$)."""

    month: int
    planned_pct: Decimal | str | float
    planned_budget: int = 0


def program_create(
    *,
    actor,
    year: int,
    code: str,
    name_zh: str,
    agency: Agency,
    budget: int,
    name_en: str = "",
    control_level: str = ControlLevel.CITY,
    summary: str = "",
) -> Program:
    """選項列管: the commission puts a program under control for a year."""
    require_commission(actor)
    code = require_text(code, field="code", message=_("Give the program a code."))
    if Program.objects.filter(year=year, code=code).exists():
        raise DomainError(ErrorCode.CONFLICT,
                          _("A program with the code %(code)s already exists in %(year)s.")
                          % {"code": code, "year": year}, field="code")
    program = full_clean(Program(
        year=year, code=code, name_zh=(name_zh or "").strip(), name_en=(name_en or "").strip(),
        agency=agency, control_level=control_level, budget=amount_value(budget, field="budget"),
        summary=summary,
    ))
    with transaction.atomic():
        program.save()
        audit_record(actor=actor, action=ProgramsAction.PROGRAM_CREATE, obj=program,
                     to_state="controlled",
                     data={"year": year, "budget": program.budget,
                           "control_level": control_level})
    return program


PROGRAM_EDITABLE = ("name_zh", "name_en", "agency", "control_level", "budget", "summary")


def program_update(*, actor, program: Program, **changes) -> Program:
    """Change a program's details (not its year or code, which identify it)."""
    require_commission(actor)
    unknown = set(changes) - set(PROGRAM_EDITABLE)
    if unknown:
        raise DomainError(ErrorCode.INVALID, _("These fields cannot be changed: %(fields)s")
                          % {"fields": ", ".join(sorted(unknown))})
    if "budget" in changes:
        changes["budget"] = amount_value(changes["budget"], field="budget")
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        changed = {name: value for name, value in changes.items()
                   if getattr(program, name) != value}
        if not changed:
            return program
        for name, value in changed.items():
            setattr(program, name, value)
        full_clean(program)
        program.save()
        audit_record(actor=actor, action=ProgramsAction.PROGRAM_UPDATE, obj=program,
                     data={"changed": {k: str(v) for k, v in changed.items()}})
    return program


def checkpoint_add(*, actor, program: Program, title: str, due_on: dt.date) -> Checkpoint:
    require_officer_or_commission(actor, program.agency)
    checkpoint = full_clean(Checkpoint(
        program=program, title=require_text(title, field="title",
                                            message=_("Name the milestone.")),
        due_on=due_on))
    with transaction.atomic():
        checkpoint.save()
        audit_record(actor=actor, action=ProgramsAction.CHECKPOINT_ADD, obj=checkpoint,
                     agency=program.agency, data={"program": program.code})
    return checkpoint


def checkpoint_complete(*, actor, checkpoint: Checkpoint, done_on: dt.date) -> Checkpoint:
    require_officer(actor, checkpoint.program.agency)
    if done_on > timezone.localdate():
        raise DomainError(ErrorCode.INVALID, _("A milestone cannot be done in the future."),
                          field="done_on")
    with transaction.atomic():
        checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
        before = checkpoint.done_on
        checkpoint.done_on = done_on
        checkpoint.save(update_fields=["done_on"])
        audit_record(actor=actor, action=ProgramsAction.CHECKPOINT_COMPLETE, obj=checkpoint,
                     agency=checkpoint.program.agency,
                     from_state=before.isoformat() if before else "open",
                     to_state=done_on.isoformat())
    return checkpoint


def _plan_rows(program: Program, months: Iterable[MonthPlan]) -> list[PlanMonth]:
    """Twelve months, cumulative values never falling, spending within the budget."""
    rows = sorted(months, key=lambda row: row.month)
    if [row.month for row in rows] != list(range(1, 13)):
        raise DomainError(ErrorCode.INVALID, _("A work plan gives each month from 1 to 12 once."),
                          field="months")
    built: list[PlanMonth] = []
    previous_bp, previous_budget = 0, 0
    for row in rows:
        field = f"month_{row.month}"
        planned_bp = pct_to_bp(row.planned_pct, field=field)
        planned_budget = amount_value(row.planned_budget, field=f"budget_{row.month}")
        if planned_bp < previous_bp:
            raise DomainError(ErrorCode.INVALID, _(
                "Planned progress is cumulative: month %(month)s cannot plan less than the "
                "month before.") % {"month": row.month}, field=field)
        if planned_budget < previous_budget:
            raise DomainError(ErrorCode.INVALID, _(
                "Planned spending is cumulative: month %(month)s cannot plan less than the "
                "month before.") % {"month": row.month}, field=f"budget_{row.month}")
        if planned_budget > program.budget:
            raise DomainError(ErrorCode.INVALID, _(
                "Planned spending in month %(month)s is more than the program's budget.")
                % {"month": row.month}, field=f"budget_{row.month}")
        previous_bp, previous_budget = planned_bp, planned_budget
        built.append(PlanMonth(month=row.month, planned_bp=planned_bp,
                               planned_budget=planned_budget))
    return built


def work_plan_create(*, actor, program: Program, months: Iterable[MonthPlan]) -> WorkPlan:
    """The first work plan of a program, as a draft."""
    require_officer(actor, program.agency)
    rows = _plan_rows(program, months)
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        if program.plans.exists():
            raise DomainError(ErrorCode.CONFLICT, _(
                "This program already has a work plan; revise it instead."))
        plan = WorkPlan.objects.create(program=program, version=1)
        for row in rows:
            row.plan = plan
        PlanMonth.objects.bulk_create(rows)
        audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_CREATE, obj=plan,
                     to_state=plan.status,
                     data={"planned_pct": {r.month: str(r.planned_pct) for r in rows}})
    return plan


def work_plan_update(*, actor, plan: WorkPlan, months: Iterable[MonthPlan]) -> WorkPlan:
    """Change the months of a draft or returned plan."""
    require_officer(actor, plan.program.agency)
    rows = _plan_rows(plan.program, months)
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (WorkPlan.Status.DRAFT, WorkPlan.Status.RETURNED):
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "Only a draft or returned work plan can be changed; revise an approved one."))
        plan.months.all().delete()
        for row in rows:
            row.plan = plan
        PlanMonth.objects.bulk_create(rows)
        audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_UPDATE, obj=plan,
                     data={"planned_pct": {r.month: str(r.planned_pct) for r in rows}})
    return plan


def work_plan_submit(*, actor, plan: WorkPlan) -> WorkPlan:
    require_officer(actor, plan.program.agency)
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        before = plan.status
        plan.status = WORK_PLAN.target("submit", before)
        plan.submitted_at = timezone.now()
        plan.save(update_fields=["status", "submitted_at"])
        audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_SUBMIT, obj=plan,
                     from_state=before,
                     to_state=plan.status, reason=plan.revision_reason)
    return plan


def work_plan_approve(*, actor, plan: WorkPlan, comment: str = "") -> WorkPlan:
    """The commission approves a plan; an earlier approved version is superseded."""
    require_commission(actor)
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        before = plan.status
        target = WORK_PLAN.target("approve", before)
        for old in WorkPlan.objects.select_for_update().filter(
            program=plan.program, status=WorkPlan.Status.APPROVED
        ):
            old.status = WORK_PLAN.target("supersede", old.status)
            old.save(update_fields=["status"])
            audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_SUPERSEDE, obj=old,
                         from_state=WorkPlan.Status.APPROVED, to_state=old.status,
                         reason=plan.revision_reason)
        plan.status = target
        plan.decided_at = timezone.now()
        plan.decided_by = actor
        plan.decision_comment = comment.strip()
        plan.save(update_fields=["status", "decided_at", "decided_by", "decision_comment"])
        audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_APPROVE, obj=plan,
                     from_state=before,
                     to_state=plan.status, reason=plan.decision_comment)
    return plan


def work_plan_return(*, actor, plan: WorkPlan, comment: str) -> WorkPlan:
    require_commission(actor)
    comment = require_text(comment, field="comment",
                           message=_("Say what must change before the plan can be approved."))
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        before = plan.status
        plan.status = WORK_PLAN.target("return", before)
        plan.decided_at = timezone.now()
        plan.decided_by = actor
        plan.decision_comment = comment
        plan.save(update_fields=["status", "decided_at", "decided_by", "decision_comment"])
        audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_RETURN, obj=plan,
                     from_state=before,
                     to_state=plan.status, reason=comment)
    return plan


def work_plan_revise(*, actor, program: Program, months: Iterable[MonthPlan],
                     reason: str) -> WorkPlan:
    """A new version of an approved plan, as a draft; it needs a written reason. The
    approved plan stays in force until the commission approves the revision."""
    require_officer(actor, program.agency)
    reason = require_text(reason, field="reason",
                          message=_("Revising a work plan needs a reason."))
    rows = _plan_rows(program, months)
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        plans = WorkPlan.objects.filter(program=program)
        if not plans.filter(status=WorkPlan.Status.APPROVED).exists():
            raise DomainError(ErrorCode.INVALID_STATE, _(
                "Only an approved work plan can be revised."))
        if plans.filter(status__in=[WorkPlan.Status.DRAFT, WorkPlan.Status.SUBMITTED,
                                    WorkPlan.Status.RETURNED]).exists():
            raise DomainError(ErrorCode.CONFLICT, _(
                "A revision of this plan is already in progress."))
        version = max(plans.values_list("version", flat=True)) + 1
        plan = WorkPlan.objects.create(program=program, version=version, revision_reason=reason)
        for row in rows:
            row.plan = plan
        PlanMonth.objects.bulk_create(rows)
        audit_record(actor=actor, action=ProgramsAction.WORK_PLAN_REVISE, obj=plan,
                     to_state=plan.status,
                     reason=reason,
                     data={"planned_pct": {r.month: str(r.planned_pct) for r in rows}})
    return plan
