"""Pages of the works overview, tenders, their progress, the map, update compliance and the
priority list."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import table_response
from yankao.core.permissions import can_administer, has_role
from yankao.core.selectors import audit_history_for
from yankao.core.years import default_year as core_default_year
from yankao.works import selectors
from yankao.works.access import AGENCY_ROLES, is_team, reads_all
from yankao.works.charts import compliance_chart, grade_chart, s_curve_chart
from yankao.works.forms import (
    MinimumAdjustmentForm,
    PriorityFlagForm,
    ProgressCheckForm,
    ProgressForm,
    TenderFilterForm,
    TenderForm,
)
from yankao.works.policy import policy_on
from yankao.works.selectors.tenders import DELAY_CLASSES
from yankao.works.services.common import today_taipei
from yankao.works.services.policy import minimum_adjustment_record
from yankao.works.services.tenders import (
    priority_flag_record,
    progress_check_record,
    progress_submit,
    tender_save,
)
from yankao.works.views.common import fetch, put_error, works_context, year_from


def default_year(actor) -> int:
    """The latest year with inspections the actor may read."""
    return core_default_year(selectors.inspection_years(actor=actor))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The figures of a year: inspections against the minimum, grades, updates, reports."""
    return home_page(request, year_from(request, default_year(request.user)))


def home_page(request: HttpRequest, year: int, *, adjustment_form=None,
              status: int = 200) -> HttpResponse:
    actor = request.user
    summary = selectors.inspection_summary(actor=actor, year=year)
    distribution = selectors.grade_distribution(actor=actor, year=year)
    months = selectors.progress_compliance_by_month(actor=actor, year=year)
    grade, grade_text = grade_chart(distribution)
    compliance, compliance_text = compliance_chart(months, year)
    checks = selectors.progress_checks_by_month(actor=actor, year=year)
    try:
        minimum = selectors.inspection_minimum(actor=actor, year=year)
    except DomainError:
        minimum = None  # no text of §4 for the year: the page says so
    if minimum and adjustment_form is None and (is_team(actor) or can_administer(actor)):
        adjustment_form = MinimumAdjustmentForm(bands=minimum.rows)
    return render(request, "works/home.html", works_context(
        request, year=year, years=selectors.inspection_years(actor=actor), summary=summary,
        minimum=minimum, adjustment_form=adjustment_form,
        distribution=distribution, grade_chart=grade, grade_text=grade_text,
        timeliness=selectors.inspection_record_timeliness(actor=actor, year=year),
        months=months, compliance_chart=compliance, compliance_text=compliance_text,
        satisfaction=selectors.citizen_report_satisfaction(actor=actor, year=year),
        report_rate=selectors.citizen_report_inspection_rate(actor=actor, year=year),
        training=selectors.training_summary(year=year),
        defect_groups=selectors.defect_group_counts(actor=actor, year=year),
        checks=checks, checks_met=sum(1 for month in checks if month.met),
    ), status=status)


def _tender_rows(tenders):
    for tender in tenders:
        yield [tender.pcc_number, tender.agency.name_zh, tender.title, tender.contract_amount,
               tender.contractor, tender.supervisor, tender.start_date, tender.end_date,
               tender.get_status_display(),
               tender.latest_month.strftime("%Y-%m") if tender.latest_month else "",
               tender.latest_planned, tender.latest_actual]


@login_required
@require_GET
def tender_list(request: HttpRequest) -> HttpResponse:
    agencies = selectors.tender_agencies_with_tenders()
    form = TenderFilterForm(request.GET or None, agencies=agencies)
    filters = form.cleaned_data if form.is_valid() else {}
    tenders = selectors.tender_list(actor=request.user, agency_code=filters.get("agency", ""),
                                    status=filters.get("status", ""),
                                    query=filters.get("q", "").strip())
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response(
            headers=[_("PCC tender number"), _("Agency"), _("Title"),
                     _("Contract amount (NT$)"), _("Contractor"), _("Supervisor"),
                     _("Start date"), _("Planned completion"), _("Status"), _("Latest month"),
                     _("Planned %"), _("Actual %")],
            rows=_tender_rows(tenders.order_by("pcc_number")), filename="tenders",
            fmt=request.GET["format"], title=_("Tenders"))
    page = Paginator(tenders.order_by("-start_date", "pcc_number"), 50).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = works_context(request, form=form, page=page, query=query.urlencode(),
                            can_enter=_tender_agencies(request.user).exists())
    template = "works/_tender_rows.html" if request.htmx else "works/tender_list.html"
    return render(request, template, context)


@login_required
@require_GET
def tender_map(request: HttpRequest) -> HttpResponse:
    """Active tenders coloured by delay, with the same list as a table."""
    points = selectors.tender_delay_map(actor=request.user,
                                        agency_code=request.GET.get("agency", ""))
    colours = {code: colour for code, _lowest, colour in DELAY_CLASSES}
    colours["no_data"] = "#4b5563"
    data = [{"id": point.id, "pcc": point.pcc_number, "title": point.title,
             "agency": point.agency, "lat": point.latitude, "lng": point.longitude,
             "delay": str(point.delay) if point.delay is not None else "",
             "cls": point.delay_class, "colour": colours[point.delay_class]}
            for point in points if point.latitude is not None]
    counts = {code: sum(1 for point in points if point.delay_class == code)
              for code in [*colours]}
    return render(request, "works/tender_map.html", works_context(
        request, points=points, points_json=json.dumps(data, ensure_ascii=False),
        colours=colours, counts=counts))


@login_required
@require_GET
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = fetch(selectors.tender_get, actor=request.user, tender_id=pk)
    points = selectors.tender_s_curve(actor=request.user, tender=tender)
    chart, description = s_curve_chart(points)
    can_report = has_role(request.user, *AGENCY_ROLES, agency=tender.agency)
    team = is_team(request.user)
    return render(request, "works/tender_detail.html", works_context(
        request, tender=tender, chart=chart, chart_text=description,
        progress=selectors.tender_progress(actor=request.user, tender=tender).reverse(),
        photos=selectors.tender_progress_photos(actor=request.user, tender=tender),
        inspections=selectors.inspection_list(actor=request.user, tender_id=tender.pk),
        can_report=can_report,
        history=audit_history_for(actor=request.user, obj=tender),
        flags=selectors.priority_flag_list(actor=request.user, tender=tender),
        flag_form=(PriorityFlagForm(team=team, initial={"noted_on": today_taipei()})
                   if team or can_report else None),
    ))


@login_required
@require_POST
def priority_flag_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A reason to inspect the tender first (§4 ¶3–4): the team's, or the agency's request."""
    tender = fetch(selectors.tender_get, actor=request.user, tender_id=pk)
    form = PriorityFlagForm(request.POST, team=is_team(request.user))
    if form.is_valid():
        try:
            priority_flag_record(actor=request.user, tender=tender, **form.cleaned_data)
        except DomainError as error:
            if error.code == ErrorCode.FORBIDDEN:
                raise PermissionDenied(error.message) from None
            put_error(form, error)
        else:
            messages.success(request, _("The reason is recorded."))
            return redirect("works:tender-detail", pk=tender.pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("works:tender-detail", pk=tender.pk)


@login_required
@require_POST
def minimum_adjust(request: HttpRequest, year: int) -> HttpResponse:
    """Record the head's approved count of one band of ``year`` (§4 ¶2), the team."""
    if not is_team(request.user) and not can_administer(request.user):
        raise PermissionDenied
    minimum = fetch(selectors.inspection_minimum, actor=request.user, year=year)
    form = MinimumAdjustmentForm(request.POST, bands=minimum.rows)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            minimum_adjustment_record(actor=request.user, year=year, band_id=data.pop("band"),
                                      **data)
        except DomainError as error:
            put_error(form, error)
        else:
            messages.success(request, _("The approved count is recorded."))
            return redirect(f"{reverse('works:home')}?year={year}#minimum-title")
    return home_page(request, year, adjustment_form=form, status=422)


def _tender_agencies(user):
    """The agencies whose tenders the user may enter: an administrator's, all; an agency
    officer's, their own (and the units below)."""
    return selectors.tender_entry_agencies(actor=user)


@login_required
@require_http_methods(["GET", "POST"])
def tender_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Enter a tender, or correct one: administrators, or officers of its agency."""
    tender = fetch(selectors.tender_get, actor=request.user, tender_id=pk) if pk else None
    agencies = _tender_agencies(request.user)
    if not agencies.exists() or (tender and not has_role(
            request.user, *AGENCY_ROLES, agency=tender.agency) and not can_administer(
            request.user)):
        raise PermissionDenied(_("Only officers of the tender's agency enter its tenders."))
    initial = {}
    if tender is not None:
        initial = {name: getattr(tender, name) for name in (
            "pcc_number", "agency", "title", "budget_amount", "contract_amount", "arrangement",
            "awarded_on",
            "contractor", "supervisor", "start_date", "end_date", "status", "location",
            "district", "latitude", "longitude")}
        initial["planned_curve"] = TenderForm.curve_text(tender.planned_curve)
    form = TenderForm(request.POST or None, initial=initial, agencies=agencies,
                      editing=tender is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = tender_save(actor=request.user, new=tender is None, **data)
        except DomainError as error:
            put_error(form, error)
        else:
            messages.success(request, _("Tender %(number)s is saved.")
                             % {"number": saved.pcc_number})
            return redirect("works:tender-detail", pk=saved.pk)
    return render(request, "works/tender_form.html",
                  works_context(request, tender=tender, form=form),
                  status=422 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def progress_new(request: HttpRequest, pk: int) -> HttpResponse:
    """每月進度填報 by an officer of the tender's agency."""
    tender = fetch(selectors.tender_get, actor=request.user, tender_id=pk)
    if not has_role(request.user, *AGENCY_ROLES, agency=tender.agency):
        raise PermissionDenied(_("Only officers of the tender's agency report its progress."))
    last_month = (today_taipei().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    form = ProgressForm(request.POST or None, request.FILES or None,
                        initial={"month": last_month})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            progress_submit(
                actor=request.user, tender=tender, month=form.month_date(),
                actual_percent=data["actual_percent"], amount_spent=data["amount_spent"],
                delay_reason=data["delay_reason"], regression_reason=data["regression_reason"],
                stopped=data["stopped"], stoppage_days=data["stoppage_days"] or 0,
                stoppage_reason=data["stoppage_reason"], design_change=data["design_change"],
                design_change_note=data["design_change_note"], photos=data["photos"])
        except DomainError as error:
            put_error(form, error)
        else:
            messages.success(request, _("The progress of %(month)s is saved.")
                             % {"month": data["month"]})
            return redirect("works:tender-detail", pk=tender.pk)
    return render(request, "works/progress_form.html",
                  works_context(request, tender=tender, form=form,
                                update_day=policy_on(today_taipei()).progress_update_day),
                  status=422 if request.method == "POST" else 200)


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    year = year_from(request, default_year(request.user))
    months = selectors.progress_compliance_by_month(actor=request.user, year=year)
    chart, description = compliance_chart(months, year)
    return render(request, "works/compliance.html", works_context(
        request, year=year, months=months, chart=chart, chart_text=description,
        agencies=selectors.progress_compliance_by_agency(actor=request.user, year=year)))


def _month_from(request: HttpRequest) -> dt.date:
    """?month=YYYY-MM, or the month before this one (whose progress is reported by now)."""
    try:
        return dt.date.fromisoformat(f"{request.GET.get('month', '')}-01")
    except ValueError:
        return (today_taipei().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@login_required
@require_http_methods(["GET", "POST"])
def progress_checks(request: HttpRequest) -> HttpResponse:
    """進度書面查核: the month's written checks against the target; the inspection team
    records them from the list of tenders still to check, the most behind first."""
    month = _month_from(request) if request.GET.get("month") else (
        selectors.progress_check_latest_month(actor=request.user) or _month_from(request))
    team = is_team(request.user)
    form = ProgressCheckForm(request.POST or None,
                             initial={"tender": request.GET.get("tender", "")})
    if request.method == "POST":
        if not team:
            raise PermissionDenied(_("Only the inspection team records written checks."))
        if form.is_valid():
            data = form.cleaned_data
            tender = selectors.tender_visible(actor=request.user).filter(
                pcc_number=data["tender"].strip()).first()
            if tender is None:
                form.add_error("tender", _("No tender has this PCC number."))
            else:
                try:
                    progress_check_record(actor=request.user, tender=tender, month=month,
                                          finding=data["finding"], note=data["note"])
                except DomainError as error:
                    put_error(form, error)
                else:
                    messages.success(request, _("The check of %(number)s is recorded.")
                                     % {"number": tender.pcc_number})
                    return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(request, "works/progress_checks.html", works_context(
        request, month=month, checks=selectors.progress_checks_month(actor=request.user,
                                                                    month=month),
        candidates=selectors.progress_check_candidates(actor=request.user, month=month)
        if reads_all(request.user) else [],
        form=form if team else None,
        months=selectors.progress_checks_by_month(actor=request.user, year=month.year)),
        status=422 if request.method == "POST" else 200)


@login_required
@require_GET
def priority(request: HttpRequest) -> HttpResponse:
    try:
        as_of = dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        as_of = today_taipei()
    entries = fetch(selectors.inspection_priority_list, actor=request.user, as_of=as_of)
    categories = any(reason.category for entry in entries for reason in entry.reasons)
    return render(request, "works/priority.html", works_context(
        request, entries=entries, as_of=as_of, categories=categories,
        categories_citation="工程施工查核小組作業辦法 §4 ¶3"))
