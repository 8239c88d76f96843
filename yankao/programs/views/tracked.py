"""The other tracked items: a summary page, lists, and each item with its actions.

Subsidy cases, recommendations and council resolutions share the release-from-control
actions (``controlled_item_release`` / ``controlled_item_resume``); each kind adds its
own action (spending, response and adoption, reply)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Role
from yankao.core.permissions import has_role
from yankao.core.selectors import audit_history_for
from yankao.programs import selectors, services
from yankao.programs.models import ControlStatus
from yankao.programs.views._common import chosen_int, not_found_as_404

KINDS = {
    "subsidies": gettext_lazy("Basic-infrastructure subsidy cases"),
    "recommendations": gettext_lazy("Recommendations"),
    "resolutions": gettext_lazy("Council resolutions"),
}


@login_required
@require_GET
def tracked(request: HttpRequest) -> HttpResponse:
    actor = request.user
    subsidy_years = selectors.subsidy_years(actor=actor)
    year = chosen_int(request, "year", subsidy_years, subsidy_years[0] if subsidy_years
                      else timezone.localdate().year)
    sessions = selectors.council_sessions(actor=actor)
    session = request.GET.get("session") if request.GET.get("session") in sessions else (
        sessions[0] if sessions else None)
    budget_years = selectors.budget_pre_review_years(actor=actor)
    budget_year = chosen_int(request, "budget_year", budget_years,
                             budget_years[0] if budget_years else year + 1)
    resolution_counts = selectors.council_resolution_counts(actor=actor, session=session)
    return render(request, "programs/tracked.html", {
        "years": subsidy_years, "year": year, "sessions": sessions, "session": session,
        "subsidy": selectors.subsidy_summary(actor=actor, year=year),
        "meetings": selectors.supervision_meeting_list(actor=actor, year=year),
        "road_safety": selectors.recommendation_summary(actor=actor, topic_code="road-safety"),
        "other_recommendations": selectors.recommendation_summary(actor=actor,
                                                                  topic_code="other"),
        "resolutions": resolution_counts,
        "resolution_total": sum(row.count for row in resolution_counts),
        "enterprises": selectors.enterprise_evaluation_list(actor=actor),
        "budget_years": budget_years, "budget_year": budget_year,
        "pre_review": selectors.budget_pre_review_summary(actor=actor, budget_year=budget_year),
        "requests": selectors.budget_request_list(actor=actor, budget_year=budget_year),
    })


def _items(actor, kind: str, request: HttpRequest):
    status = request.GET.get("status") if request.GET.get("status") in ControlStatus.values \
        else None
    if kind == "subsidies":
        years = selectors.subsidy_years(actor=actor)
        year = chosen_int(request, "year", years, years[0] if years else 0)
        return selectors.subsidy_case_list(actor=actor, year=year, control_status=status)
    if kind == "recommendations":
        items = selectors.recommendation_list(actor=actor, topic_code=request.GET.get("topic"))
    else:
        items = selectors.council_resolution_list(
            actor=actor, session=request.GET.get("session") or None,
            category_code=request.GET.get("category") or None)
    return items.filter(control_status=status) if status else items


@login_required
@require_GET
def tracked_list(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    page = Paginator(_items(request.user, kind, request), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programs/tracked_list.html", {
        "kind": kind, "title": KINDS[kind], "page": page, "query": query.urlencode(),
        "statuses": ControlStatus.choices, "status": request.GET.get("status", ""),
    })


def _get(actor, kind: str, item_id: int):
    if kind == "subsidies":
        return selectors.subsidy_case_get(actor=actor, case_id=item_id)
    if kind == "recommendations":
        return selectors.recommendation_get(actor=actor, recommendation_id=item_id)
    if kind == "resolutions":
        return selectors.council_resolution_get(actor=actor, resolution_id=item_id)
    raise Http404


def _date(request: HttpRequest, name: str) -> dt.date:
    value = request.POST.get(name) or timezone.localdate().isoformat()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, _("Give a date as YYYY-MM-DD.")) from None


def _act(actor, kind: str, item, action: str, request: HttpRequest) -> str:
    """Run one action on an item; returns the message to show."""
    text = request.POST.get("text", "")
    if action == "release":
        services.controlled_item_release(actor=actor, item=item, released_on=_date(request, "on"),
                                         reason=text)
        return _("Released from control.")
    if action == "resume":
        services.controlled_item_resume(actor=actor, item=item, reason=text)
        return _("Back under control.")
    if kind == "subsidies" and action == "execution":
        services.subsidy_case_record_execution(actor=actor, case=item,
                                               executed=request.POST.get("amount", ""))
        return _("Spending recorded.")
    if kind == "subsidies" and action == "close":
        services.subsidy_case_close(actor=actor, case=item, closed_on=_date(request, "on"),
                                    reason=text)
        return _("The case is closed and released from control.")
    if kind == "recommendations" and action == "respond":
        services.recommendation_respond(actor=actor, recommendation=item, response=text)
        return _("The response is recorded.")
    if kind == "recommendations" and action == "adopt":
        services.recommendation_adopt(actor=actor, recommendation=item,
                                      adopted_on=_date(request, "on"))
        return _("Recorded as adopted.")
    if kind == "resolutions" and action == "reply":
        services.council_resolution_reply(actor=actor, resolution=item, reply=text)
        return _("The reply is recorded.")
    raise Http404


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def tracked_detail(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    item = _get(request.user, kind, item_id)
    error = None
    if request.method == "POST":
        try:
            message = _act(request.user, kind, item, request.POST.get("action", ""), request)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, message)
            return redirect("programs:tracked-detail", kind=kind, item_id=item.pk)
    return render(request, "programs/tracked_detail.html", {
        "kind": kind, "title": KINDS[kind], "item": item, "error": error,
        "is_commission": has_role(request.user, Role.EVALUATOR),
        "is_officer": has_role(request.user, Role.OFFICER, agency=item.agency),
        "today": timezone.localdate(),
        "history": audit_history_for(actor=request.user, obj=item),
    }, status=422 if error else 200)
