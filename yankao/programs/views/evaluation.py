"""Year-end evaluation pages: the grade distribution, the list and each evaluation's steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yankao.core.errors import DomainError
from yankao.core.models import Role
from yankao.core.permissions import has_role
from yankao.core.selectors import audit_history_for
from yankao.core.years import default_year
from yankao.programs import selectors, services
from yankao.programs.charts import as_spec, grade_chart
from yankao.programs.forms import ReturnForm, ScoreForm
from yankao.programs.models import EvaluationRound, YearEndEvaluation
from yankao.programs.views._common import (
    attach_error,
    chosen_int,
    error_status,
    not_found_as_404,
)

Status = YearEndEvaluation.Status


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request: HttpRequest) -> HttpResponse:
    years = selectors.program_years(actor=request.user)
    year = chosen_int(request, "year", years, default_year(years))
    components = selectors.score_components()
    if request.method == "POST":
        try:
            weights = {c.code: int(request.POST.get(f"weight_{c.code}") or 0)
                       for c in components}
            services.evaluation_round_open(actor=request.user, year=year, weights=weights)
        except ValueError:
            messages.error(request, _("The weights must be positive and add up to 100."))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The %(year)s year-end evaluation is open.")
                             % {"year": year})
        return redirect(f"{request.path}?year={year}")
    distribution = selectors.grade_distribution(actor=request.user, year=year)
    chinese = (get_language() or "").startswith("zh")
    description = _("Approved grades of %(year)s: %(grades)s.") % {
        "year": year, "grades": "; ".join(
            f"{g.label_zh if chinese else g.label_en} {g.count} ({g.share or 0}%)"
            for g in distribution.grades)}
    status = request.GET.get("status") or None
    if status not in Status.values:
        status = None
    return render(request, "programs/evaluations.html", {
        "years": years, "year": year, "distribution": distribution, "chinese": chinese,
        "chart": as_spec(grade_chart(distribution, chinese=chinese)),
        "chart_description": description,
        "charts": True,
        "evaluations": selectors.evaluation_list(actor=request.user, year=year, status=status),
        "statuses": Status.choices, "status": status,
        "round": selectors.evaluation_round_get(year=year),
        "can_open": has_role(request.user, Role.EVALUATOR),
        "components": components,
    })


def _components(evaluation_round: EvaluationRound):
    return selectors.round_components(evaluation_round)


def _step_for(user, evaluation: YearEndEvaluation) -> str | None:
    if evaluation.status == Status.SELF_EVALUATION:
        return "self" if has_role(user, Role.OFFICER, agency=evaluation.program.agency) else None
    if not has_role(user, Role.EVALUATOR):
        return None
    return {Status.FIRST_REVIEW: "first", Status.SECOND_REVIEW: "second",
            Status.AWAITING_APPROVAL: "approve"}.get(evaluation.status)


STEP_SERVICES = {
    "self": services.evaluation_self_submit,
    "first": services.evaluation_first_review,
    "second": services.evaluation_second_review,
}


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(actor=request.user, evaluation_id=evaluation_id)
    step = _step_for(request.user, evaluation)
    components = _components(evaluation.round)
    form = ScoreForm(request.POST or None, components=components) if step in STEP_SERVICES \
        else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                STEP_SERVICES[step](actor=request.user, evaluation=evaluation,
                                    scores=form.scores(), comment=form.cleaned_data["comment"])
            except DomainError as error:
                attach_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("The scores are recorded and the evaluation moves "
                                            "to the next step."))
                return redirect("programs:evaluation-detail", evaluation_id=evaluation.pk)
        else:
            status = 422
    scores = selectors.evaluation_scores(evaluation)
    stages = [(code, label) for code, label in YearEndEvaluation.Stage.choices]
    return render(request, "programs/evaluation_detail.html", {
        "evaluation": evaluation, "program": evaluation.program, "step": step, "form": form,
        "return_form": ReturnForm(), "components": components, "stages": stages,
        "score_rows": [(component, weight, [scores.get(code, {}).get(component.code)
                                            for code, _label in stages])
                       for component, weight in components],
        "weighted": [services.weighted_score(scores[code], {c.code: w for c, w in components})
                     if len(scores.get(code, {})) == len(components) else None
                     for code, _label in stages],
        "history": audit_history_for(actor=request.user, obj=evaluation),
    }, status=status)


@login_required
@not_found_as_404
@require_POST
def evaluation_approve(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(actor=request.user, evaluation_id=evaluation_id)
    try:
        evaluation = services.evaluation_approve(actor=request.user, evaluation=evaluation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Approved: %(score)s, %(grade)s.")
                         % {"score": evaluation.final_score, "grade": evaluation.grade})
    return redirect("programs:evaluation-detail", evaluation_id=evaluation.pk)


@login_required
@not_found_as_404
@require_POST
def evaluation_return(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(actor=request.user, evaluation_id=evaluation_id)
    form = ReturnForm(request.POST)
    try:
        services.evaluation_return(actor=request.user, evaluation=evaluation,
                                   reason=form.data.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The evaluation is sent back one step."))
    return redirect("programs:evaluation-detail", evaluation_id=evaluation.pk)
