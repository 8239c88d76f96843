"""Document-processing statistics: overdue shares by agency, category and urgency."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from yankao.core.years import default_year
from yankao.programs import selectors
from yankao.programs.selectors.policy import control_policy_for, month_end
from yankao.programs.views._common import chosen_int


@login_required
@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    years = selectors.document_years(actor=request.user)
    year = chosen_int(request, "year", years, default_year(years))
    month = chosen_int(request, "month", list(range(1, 13)), 0) or None
    by_agency = selectors.document_overdue_by_agency(actor=request.user, year=year, month=month)
    return render(request, "programs/documents.html", {
        "years": years, "year": year, "months": range(1, 13), "month": month,
        "by_agency": by_agency,
        "flagged": [row for row in by_agency if row.flagged],
        "by_category": selectors.document_overdue_by_category(actor=request.user, year=year,
                                                              month=month),
        "by_urgency": selectors.document_days_by_urgency(actor=request.user, year=year,
                                                         month=month),
        "policy": control_policy_for(month_end(year, month or 12)),
    })
