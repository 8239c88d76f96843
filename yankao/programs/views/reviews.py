"""The review chain of monthly reports: the unit head, then the commission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.errors import DomainError
from yankao.core.models import Role
from yankao.core.permissions import has_role
from yankao.core.selectors import attachments_owned_by, audit_history_for
from yankao.programs import selectors, services
from yankao.programs.forms import DecisionForm
from yankao.programs.models import ProgressReport
from yankao.programs.views._common import attach_error, error_status, not_found_as_404


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    reports = selectors.review_queue(actor=request.user)
    return render(request, "programs/review_queue.html", {"reports": reports})


def reviewer_step(user, report: ProgressReport) -> str | None:
    """"unit" or "commission" when ``user`` is the one to decide now, else None."""
    if report.status == ProgressReport.Status.SUBMITTED and has_role(
        user, Role.SECTION_CHIEF, agency=report.program.agency
    ):
        return "unit"
    if report.status == ProgressReport.Status.UNIT_APPROVED and has_role(user, Role.EVALUATOR):
        return "commission"
    return None


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.progress_report_get(actor=request.user, report_id=report_id)
    step = reviewer_step(request.user, report)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST" and step is None:
        form.add_error(None, _("You are not the reviewer of this report at its present step."))
        status = 403
    elif request.method == "POST":
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            review = (services.progress_report_unit_review if step == "unit"
                      else services.progress_report_commission_review)
            try:
                review(actor=request.user, report=report, approve=approve,
                       comment=form.cleaned_data["comment"])
            except DomainError as error:
                attach_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("The report is approved.") if approve
                                 else _("The report is returned with your comment."))
                return redirect("programs:review-queue")
        else:
            status = 422
    evidence = attachments_owned_by(ProgressReport, [report.pk])
    policy = selectors.policy_for_month(report.program.year, report.month)
    delay_class = selectors.delay_class_of(report.planned_bp - report.actual_bp, policy)
    return render(request, "programs/report_detail.html", {
        "report": report, "program": report.program, "step": step, "form": form,
        "evidence": evidence,
        "delay_class": delay_class,
        "delay_label": selectors.delay_class_labels(policy)[delay_class],
        "history": audit_history_for(actor=request.user, obj=report),
        "can_correct": report.status == ProgressReport.Status.RETURNED and has_role(
            request.user, Role.OFFICER, agency=report.program.agency),
    }, status=status)
