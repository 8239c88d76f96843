"""Monthly progress reports (月報) and their review chain:
submitted → unit head (科長) → commission (研考會), which approves or returns with a comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.services.attachments import attachment_create
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.programs.access import require_commission, require_officer, require_unit_head
from yankao.programs.audit import ProgramsAction
from yankao.programs.models import PlanMonth, Program, ProgressReport, WorkPlan
from yankao.programs.selectors.policy import policy_for_month, report_due_on
from yankao.programs.services._common import (
    amount_value,
    pct_to_bp,
    require_text,
)
from yankao.programs.states import PROGRESS_REPORT

EVIDENCE_KINDS = ("image", "pdf", "office")
# Reports that stand as the agency's figures; a returned report awaits correction.
STANDING = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.UNIT_APPROVED,
            ProgressReport.Status.APPROVED)


def approved_plan(program: Program) -> WorkPlan:
    plan = WorkPlan.objects.filter(program=program, status=WorkPlan.Status.APPROVED).first()
    if plan is None:
        raise DomainError(ErrorCode.INVALID_STATE, _(
            "The work plan of %(program)s is not approved yet; monthly reports need an "
            "approved plan.") % {"program": program.code})
    return plan


def progress_report_submit(
    *,
    actor,
    program: Program,
    month: int,
    actual_pct: Decimal | str | float,
    budget_executed: int,
    narrative: str,
    delay_reason: str = "",
    budget_reason: str = "",
    regression_reason: str = "",
    evidence: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> ProgressReport:
    """Submit a month's progress, or resubmit a returned report with corrections.

    Refused, with nothing written: a month outside 1–12; a plan that is not approved; an
    actual % outside 0–100; progress lower than the month before without a reason; being
    behind plan, or spending under the policy's floor, without a reason; a second
    submission of a month already submitted.
    """
    require_officer(actor, program.agency)
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise DomainError(ErrorCode.INVALID, _("The month must be 1 to 12."), field="month")
    plan = approved_plan(program)
    plan_month = PlanMonth.objects.filter(plan=plan, month=month).first()
    if plan_month is None:
        raise DomainError(ErrorCode.INVALID_STATE, _("The approved plan has no month %(month)s.")
                          % {"month": month}, field="month")
    actual_bp = pct_to_bp(actual_pct, field="actual_pct")
    executed = amount_value(budget_executed, field="budget_executed")
    if executed > program.budget:
        raise DomainError(ErrorCode.INVALID, _(
            "Spending of NT$%(executed)s is more than the program's budget of NT$%(budget)s.")
            % {"executed": f"{executed:,}", "budget": f"{program.budget:,}"},
            field="budget_executed")
    narrative = require_text(narrative, field="narrative",
                             message=_("Describe this month's progress."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if (program.year, month) > (today.year, today.month):
        raise DomainError(ErrorCode.INVALID, _(
            "%(year)s-%(month)02d has not begun; report a month once it is under way.")
            % {"year": program.year, "month": month}, field="month")
    policy = policy_for_month(program.year, month)

    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        existing = ProgressReport.objects.filter(program=program, month=month).first()
        if existing is not None and existing.status != ProgressReport.Status.RETURNED:
            raise DomainError(ErrorCode.CONFLICT, _(
                "The report for %(year)s-%(month)02d was already submitted (%(status)s).")
                % {"year": program.year, "month": month,
                   "status": existing.get_status_display()})
        earlier = ProgressReport.objects.filter(
            program=program, month__lt=month, status__in=STANDING).order_by("-month").first()
        regression_reason = regression_reason.strip()
        if earlier is not None and actual_bp < earlier.actual_bp and not regression_reason:
            raise DomainError(ErrorCode.INVALID, _(
                "Actual progress of %(actual)s%% is lower than the %(before)s%% reported for "
                "month %(month)s; give the reason.")
                % {"actual": Decimal(actual_bp) / 100, "before": earlier.actual_pct,
                   "month": earlier.month}, field="regression_reason")
        delay_reason = delay_reason.strip()
        if plan_month.planned_bp > actual_bp and not delay_reason:
            raise DomainError(ErrorCode.INVALID, _(
                "The program is %(points)s points behind plan; give the reason for the delay.")
                % {"points": Decimal(plan_month.planned_bp - actual_bp) / 100},
                field="delay_reason")
        budget_reason = budget_reason.strip()
        planned_budget = plan_month.planned_budget
        if planned_budget and executed * 10000 < planned_budget * policy.budget_floor_bp and (
            not budget_reason
        ):
            raise DomainError(ErrorCode.INVALID, _(
                "Spending is under %(floor)s%% of the planned NT$%(planned)s; give the reason.")
                % {"floor": policy.budget_execution_floor_pct, "planned": f"{planned_budget:,}"},
                field="budget_reason")

        values = {
            "plan": plan, "planned_bp": plan_month.planned_bp, "actual_bp": actual_bp,
            "planned_budget": planned_budget, "budget_executed": executed,
            "narrative": narrative, "delay_reason": delay_reason,
            "budget_reason": budget_reason, "regression_reason": regression_reason,
            "review_comment": "",
        }
        if existing is None:
            report = ProgressReport(
                program=program, month=month, status=ProgressReport.Status.SUBMITTED,
                due_on=report_due_on(year=program.year, month=month, policy=policy),
                submitted_at=now, submitted_by=actor, **values,
            )
            full_clean(report)
            report.save()
            action, before = ProgramsAction.PROGRESS_REPORT_SUBMIT, ""
        else:
            report = ProgressReport.objects.select_for_update().get(pk=existing.pk)
            before = report.status
            report.status = PROGRESS_REPORT.target("resubmit", before)
            for name, value in values.items():
                setattr(report, name, value)
            report.unit_reviewed_at = report.unit_reviewed_by = None
            full_clean(report)
            report.save()
            action = ProgramsAction.PROGRESS_REPORT_RESUBMIT
        audit_record(
            actor=actor, action=action, obj=report, agency=program.agency, from_state=before,
            to_state=report.status, reason=delay_reason,
            data={"actual_pct": str(report.actual_pct), "planned_pct": str(report.planned_pct),
                  "budget_executed": executed, "late": report.is_late},
        )
        for upload in evidence:
            attachment_create(actor=actor, upload=upload, owner=report, agency=program.agency,
                              kinds=EVIDENCE_KINDS)
    return report


def _decide(*, actor, report: ProgressReport, action: str, comment: str, stamp: dict) -> (
    ProgressReport
):
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().select_related(
            "program__agency").get(pk=report.pk)
        before = report.status
        report.status = PROGRESS_REPORT.target(action, before)
        for name, value in stamp.items():
            setattr(report, name, value)
        report.review_comment = comment
        report.save(update_fields=["status", "review_comment", *stamp])
        audit_record(actor=actor, action=ProgramsAction(f"progress_report.{action}"), obj=report,
                     agency=report.program.agency, from_state=before, to_state=report.status,
                     reason=comment)
    return report


def progress_report_unit_review(*, actor, report: ProgressReport, approve: bool,
                                comment: str = "") -> ProgressReport:
    """The unit head (section chief of the program's agency) passes the report to the
    commission, or returns it to the officer with a comment."""
    require_unit_head(actor, report.program.agency)
    comment = comment.strip()
    if not approve:
        require_text(comment, field="comment",
                     message=_("Say what the officer must correct."))
    return _decide(
        actor=actor, report=report, action="unit_approve" if approve else "unit_return",
        comment=comment,
        stamp={"unit_reviewed_at": timezone.now(), "unit_reviewed_by": actor},
    )


def progress_report_commission_review(*, actor, report: ProgressReport, approve: bool,
                                      comment: str = "") -> ProgressReport:
    """The commission approves the report, or returns it with a comment."""
    require_commission(actor)
    comment = comment.strip()
    if not approve:
        require_text(comment, field="comment",
                     message=_("Say what the agency must correct."))
    stamp = {"approved_at": timezone.now(), "approved_by": actor} if approve else {}
    return _decide(actor=actor, report=report, action="approve" if approve else "return",
                   comment=comment, stamp=stamp)
