"""Program pages: the list, a program with its S-curve, its work plan, the monthly report
form (one screen per program, with the plan filled in) and checkpoints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yankao.core.errors import DomainError
from yankao.core.models import Role
from yankao.core.permissions import has_role
from yankao.core.selectors import audit_history_for
from yankao.core.years import default_year
from yankao.programs import selectors, services
from yankao.programs.charts import as_spec, s_curve_chart
from yankao.programs.forms import (
    DecisionForm,
    PlanForm,
    ProgramFilterForm,
    ProgramForm,
    ProgressReportForm,
)
from yankao.programs.models import Program, ProgressReport, WorkPlan
from yankao.programs.models.programs import bp_to_pct
from yankao.programs.services import MonthPlan
from yankao.programs.views._common import (
    attach_error,
    error_status,
    not_found_as_404,
)


def _agency_choices(actor, year: int) -> list[tuple[str, str]]:
    return selectors.agency_choices(actor=actor, year=year)


@login_required
def program_home(request: HttpRequest) -> HttpResponse:
    years = selectors.program_years(actor=request.user) or [default_year([])]
    data = request.GET.copy()
    data.setdefault("year", str(years[0]))
    year = int(data["year"]) if data["year"].isdigit() else years[0]
    form = ProgramFilterForm(data, years=years, agencies=_agency_choices(request.user, year))
    filters = form.cleaned_data if form.is_valid() else {"year": years[0]}
    programs = selectors.program_table(
        actor=request.user, year=filters.get("year") or years[0],
        agency_code=filters.get("agency") or None, control_level=filters.get("level") or None,
        q=(filters.get("q") or "").strip())
    policy = selectors.policy_for_month(filters.get("year") or years[0], 12)
    page = Paginator(programs, 50).get_page(request.GET.get("page"))
    for program in page.object_list:
        program.last_delay = (bp_to_pct(program.last_planned_bp - program.last_actual_bp)
                              if program.last_month else None)
        program.last_class = (selectors.delay_class_of(
            program.last_planned_bp - program.last_actual_bp, policy)
            if program.last_month else "not_reported")
        program.plan_status_label = (WorkPlan.Status(program.plan_status).label
                                     if program.plan_status else "")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "query": query.urlencode(),
        "labels": selectors.delay_class_labels(policy),
        "queue_count": selectors.review_queue(actor=request.user).count(),
        "is_commission": has_role(request.user, Role.EVALUATOR),
        "year": filters.get("year") or years[0],
    }
    template = "programs/_program_rows.html" if request.htmx else "programs/home.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def program_new(request: HttpRequest) -> HttpResponse:
    """The commission puts a program under control; the agency then writes its plan."""
    if not has_role(request.user, Role.EVALUATOR):
        raise PermissionDenied
    form = ProgramForm(request.POST or None,
                       initial={"year": timezone.localdate().year})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                program = services.program_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                attach_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("%(code)s is under control; its agency can now "
                                            "write the work plan.") % {"code": program.code})
                return redirect("programs:program-detail", program_id=program.pk)
        else:
            status = 422
    return render(request, "programs/program_new.html", {"form": form}, status=status)


def _next_month(program: Program, reports) -> int | None:
    done = {r.month for r in reports if r.status != ProgressReport.Status.RETURNED}
    returned = [r.month for r in reports if r.status == ProgressReport.Status.RETURNED]
    if returned:
        return min(returned)
    return next((m for m in range(1, 13) if m not in done), None)


@login_required
@not_found_as_404
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get(actor=request.user, program_id=program_id)
    reports = list(selectors.progress_report_list(actor=request.user, program=program))
    plans = list(selectors.work_plan_list(actor=request.user, program=program))
    curve = selectors.program_s_curve(actor=request.user, program=program)
    reported = [p for p in curve if p.actual_pct is not None]
    if reported:
        last = reported[-1]
        description = _(
            "Planned against actual cumulative progress by month. In month %(month)s the plan "
            "was %(planned)s%% and the actual %(actual)s%%, %(delay)s points behind.") % {
            "month": last.month, "planned": last.planned_pct, "actual": last.actual_pct,
            "delay": last.delay_points}
    else:
        description = _("Planned cumulative progress by month; no month is reported yet.")
    is_officer = has_role(request.user, Role.OFFICER, agency=program.agency)
    return render(request, "programs/program_detail.html", {
        "program": program,
        "reports": reports,
        "plans": plans,
        "approved": next((p for p in plans if p.status == WorkPlan.Status.APPROVED), None),
        "curve": curve,
        "chart": as_spec(s_curve_chart(curve)),
        "charts": True,
        "chart_description": description,
        "checkpoints": selectors.checkpoint_list(actor=request.user, program=program),
        "next_month": _next_month(program, reports) if is_officer else None,
        "is_officer": is_officer,
        "is_commission": has_role(request.user, Role.EVALUATOR),
        "history": audit_history_for(actor=request.user, obj=program),
    })


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, program_id: int, month: int) -> HttpResponse:
    """The monthly report: one screen per program, with the approved plan filled in."""
    program = selectors.program_get(actor=request.user, program_id=program_id)
    months = selectors.approved_plan_months(program)
    planned = months.get(month)
    reports = {r.month: r for r in selectors.progress_report_list(actor=request.user,
                                                                  program=program)}
    existing = reports.get(month)
    previous = next((reports[m] for m in range(month - 1, 0, -1)
                     if m in reports and reports[m].status != ProgressReport.Status.RETURNED),
                    None)
    if existing is not None and existing.status == ProgressReport.Status.RETURNED:
        initial = {name: getattr(existing, name) for name in (
            "budget_executed", "narrative", "delay_reason", "budget_reason",
            "regression_reason")}
        initial["actual_pct"] = existing.actual_pct
    elif previous is not None:
        initial = {"actual_pct": previous.actual_pct, "budget_executed": previous.budget_executed}
    else:
        initial = {}
    form = ProgressReportForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.progress_report_submit(
                    actor=request.user, program=program, month=month,
                    actual_pct=data["actual_pct"], budget_executed=data["budget_executed"],
                    narrative=data["narrative"], delay_reason=data["delay_reason"],
                    budget_reason=data["budget_reason"],
                    regression_reason=data["regression_reason"],
                    evidence=[data["evidence"]] if data.get("evidence") else [],
                )
            except DomainError as error:
                attach_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("The report for %(year)s-%(month)02d is submitted "
                                            "to the unit head.")
                                 % {"year": program.year, "month": month})
                return redirect("programs:report-detail", report_id=report.pk)
        else:
            status = 422
    policy = selectors.policy_for_month(program.year, month)
    return render(request, "programs/report_form.html", {
        "program": program, "month": month, "planned": planned, "previous": previous,
        "existing": existing, "form": form, "policy": policy,
        "can_submit": planned is not None and (
            existing is None or existing.status == ProgressReport.Status.RETURNED),
        "due_on": selectors.report_due_on(year=program.year, month=month, policy=policy),
    }, status=status)


def _plan_initial(plan: WorkPlan | None) -> dict:
    if plan is None:
        return {}
    initial = {}
    for row in plan.months.all():
        initial[f"pct_{row.month}"] = row.planned_pct
        initial[f"budget_{row.month}"] = row.planned_budget
    return initial


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    """Write, submit or revise the work plan; the commission approves or returns it."""
    program = selectors.program_get(actor=request.user, program_id=program_id)
    plans = list(selectors.work_plan_list(actor=request.user, program=program))
    newest = plans[0] if plans else None
    approved = next((p for p in plans if p.status == WorkPlan.Status.APPROVED), None)
    editable = newest is None or newest.status in (WorkPlan.Status.DRAFT,
                                                   WorkPlan.Status.RETURNED)
    revising = newest is not None and newest.status == WorkPlan.Status.APPROVED
    form = PlanForm(request.POST or None, initial=_plan_initial(newest))
    status = 200
    if request.method == "POST" and form.is_valid():
        months = [MonthPlan(m, form.cleaned_data[f"pct_{m}"], form.cleaned_data[f"budget_{m}"])
                  for m in range(1, 13)]
        try:
            if newest is None:
                plan = services.work_plan_create(actor=request.user, program=program,
                                                 months=months)
            elif revising:
                plan = services.work_plan_revise(actor=request.user, program=program,
                                                 months=months, reason=form.cleaned_data["reason"])
            else:
                plan = services.work_plan_update(actor=request.user, plan=newest, months=months)
            if request.POST.get("submit"):
                services.work_plan_submit(actor=request.user, plan=plan)
                messages.success(request, _("The work plan is submitted to the commission."))
            else:
                messages.success(request, _("The work plan is saved as a draft."))
        except DomainError as error:
            attach_error(form, error)
            status = error_status(error)
        else:
            return redirect("programs:plan", program_id=program.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "programs/plan.html", {
        "program": program, "plans": plans, "newest": newest, "approved": approved,
        "form": form, "editable": editable or revising, "revising": revising,
        "is_officer": has_role(request.user, Role.OFFICER, agency=program.agency),
        "is_commission": has_role(request.user, Role.EVALUATOR),
        "decision_form": DecisionForm(),
        "history": audit_history_for(actor=request.user, obj=newest) if newest else [],
    }, status=status)


@login_required
@not_found_as_404
@require_POST
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.work_plan_get(actor=request.user, plan_id=plan_id)
    try:
        services.work_plan_submit(actor=request.user, plan=plan)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The work plan is submitted to the commission."))
    return redirect("programs:plan", program_id=plan.program_id)


@login_required
@not_found_as_404
@require_POST
def plan_decide(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.work_plan_get(actor=request.user, plan_id=plan_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect("programs:plan", program_id=plan.program_id)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.work_plan_approve(actor=request.user, plan=plan,
                                       comment=form.cleaned_data["comment"])
            messages.success(request, _("The work plan is approved."))
        else:
            services.work_plan_return(actor=request.user, plan=plan,
                                      comment=form.cleaned_data["comment"])
            messages.success(request, _("The work plan is returned to the agency."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("programs:plan", program_id=plan.program_id)


@login_required
@not_found_as_404
@require_POST
def checkpoint_add(request: HttpRequest, program_id: int) -> HttpResponse:
    import datetime as dt

    program = selectors.program_get(actor=request.user, program_id=program_id)
    try:
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
        services.checkpoint_add(actor=request.user, program=program,
                                title=request.POST.get("title", ""), due_on=due_on)
    except ValueError:
        messages.error(request, _("Give the milestone's date."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The milestone is added."))
    return redirect("programs:program-detail", program_id=program.pk)


@login_required
@not_found_as_404
@require_POST
def checkpoint_complete(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    import datetime as dt

    checkpoint = selectors.checkpoint_get(actor=request.user, checkpoint_id=checkpoint_id)
    try:
        done_on = dt.date.fromisoformat(request.POST.get("done_on", ""))
        services.checkpoint_complete(actor=request.user, checkpoint=checkpoint, done_on=done_on)
    except ValueError:
        messages.error(request, _("Give the date it was done."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The milestone is marked done."))
    return redirect("programs:program-detail", program_id=checkpoint.program_id)
