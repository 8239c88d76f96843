"""KPI pages: achievement of the city and each agency, and each indicator's years."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Role
from yankao.core.permissions import has_role
from yankao.core.years import default_year
from yankao.programs import selectors, services
from yankao.programs.views._common import chosen_int, not_found_as_404


@login_required
def kpis(request: HttpRequest) -> HttpResponse:
    years = selectors.kpi_years(actor=request.user)
    measured = [y for y in years
                if selectors.kpi_achievement(actor=request.user, year=y).measured]
    year = chosen_int(request, "year", years, default_year(measured or years))
    agency = request.GET.get("agency") or None
    rows = selectors.kpi_target_list(actor=request.user, year=year, agency_code=agency)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programs/kpis.html", {
        "years": years, "year": year, "agency": agency,
        "city": selectors.kpi_achievement(actor=request.user, year=year),
        "trend": selectors.kpi_achievement_trend(
            actor=request.user, years=sorted(y for y in years if y <= year)[-3:]),
        "by_agency": selectors.kpi_achievement_by_agency(actor=request.user, year=year),
        "page": page, "query": query.urlencode(),
    })


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def kpi_detail(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = selectors.kpi_get(actor=request.user, kpi_id=kpi_id)
    error = None
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
            if request.POST.get("action") == "actual":
                row = selectors.kpi_target_of(kpi=kpi, year=year)
                if row is None:
                    raise DomainError(ErrorCode.INVALID_STATE, _("Set the year's target first."))
                services.kpi_actual_record(actor=request.user, kpi_target=row,
                                           actual=request.POST.get("value", ""))
            else:
                services.kpi_target_set(actor=request.user, kpi=kpi, year=year,
                                        target=request.POST.get("value", ""),
                                        reason=request.POST.get("reason", ""))
        except ValueError:
            error = _("Give the year.")
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:kpi-detail", kpi_id=kpi.pk)
    return render(request, "programs/kpi_detail.html", {
        "kpi": kpi, "years": kpi.years.all(), "error": error,
        "can_edit": has_role(request.user, Role.EVALUATOR)
        or has_role(request.user, Role.OFFICER, agency=kpi.agency),
        "history": _history(request.user, kpi),
    }, status=422 if error else 200)


def _history(actor, kpi):
    return selectors.kpi_history(actor=actor, kpi=kpi)
