"""Pages of inspections: the inspector's form (made for a phone), the record, sending it,
material test results, the agency's improvements, verification, the defect board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError
from yankao.core.exports import table_response
from yankao.core.models.people import person_name
from yankao.core.permissions import has_role
from yankao.core.selectors import audit_history_for
from yankao.works import selectors
from yankao.works.access import AGENCY_ROLES, is_team, reads_all
from yankao.works.forms import (
    DefectFormSet,
    ImprovementForm,
    InspectionForm,
    InspectorFormSet,
    NoteForm,
    PlanForm,
    TestFormSet,
    TestResultForm,
    VerifyForm,
)
from yankao.works.models import Defect, Inspection, MaterialTest
from yankao.works.services.common import today_taipei
from yankao.works.services.inspections import (
    DefectEntry,
    InspectorEntry,
    MaterialTestEntry,
    consequence_done,
    defect_improvement_report,
    defect_verify,
    inspection_plan,
    inspection_record,
    inspection_send,
    material_test_result,
)
from yankao.works.views.common import (
    fetch,
    put_error,
    works_context,
    year_from,
)
from yankao.works.views.tenders import default_year


def _require_team(request: HttpRequest) -> None:
    if not is_team(request.user):
        raise PermissionDenied(_("Only the inspection team records inspections."))


def _inspection_rows(inspections, labels, reads_every_score: bool):
    for inspection in inspections:
        hidden = inspection.score_withheld and not reads_every_score  # §8 ¶3
        band = None if hidden else labels.get(inspection.grade)
        yield [inspection.number, inspection.inspected_on, inspection.get_kind_display(),
               inspection.tender.pcc_number, inspection.tender.title,
               inspection.agency.name_zh, "" if hidden else inspection.score,
               band.label if band else "", inspection.score_provisional,
               inspection.get_status_display()]


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    year = year_from(request, default_year(request.user))
    kind = request.GET.get("kind", "")
    kind = kind if kind in Inspection.Kind.values else ""
    inspections = selectors.inspection_list(actor=request.user, year=year, kind=kind)
    labels = selectors.grade_labels()
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response(
            headers=[_("Number"), _("Inspection date"), _("Kind"), _("PCC tender number"),
                     _("Tender"), _("Agency"), _("Score"), _("Grade"), _("Provisional"),
                     _("Status")],
            rows=_inspection_rows(inspections.order_by("inspected_on", "number"), labels,
                                 reads_all(request.user)),
            filename=f"inspections-{year}", fmt=request.GET["format"], title=_("Inspections"))
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "works/inspection_list.html", works_context(
        request, year=year, kind=kind, years=selectors.inspection_years(actor=request.user),
        page=page, labels=labels, query=query.urlencode(), kinds=Inspection.Kind.choices))


def _inspection_initial(request: HttpRequest) -> tuple[dict, Inspection | None, object]:
    """Initial values from ?tender= (with ?origin=priority from the priority list), ?first=
    (re-inspection) or ?planned=."""
    initial = {"inspected_on": today_taipei(), "origin": Inspection.Origin.ROUTINE,
               "tender": request.GET.get("tender", "")}
    first = planned = None
    if request.GET.get("first"):
        first = fetch(selectors.inspection_get, actor=request.user,
                      number=request.GET["first"])
        initial.update(tender=first.tender.pcc_number, origin=first.origin)
    if request.GET.get("planned"):
        planned = fetch(selectors.inspection_get, actor=request.user,
                        number=request.GET["planned"])
        initial.update(tender=planned.tender.pcc_number, origin=planned.origin)
    if request.GET.get("origin") == Inspection.Origin.PRIORITY and initial["tender"]:
        # Opened from the priority list: the origin and the reasons go with it.
        reasons = selectors.priority_reasons(actor=request.user, pcc_number=initial["tender"])
        initial["origin"] = Inspection.Origin.PRIORITY
        if reasons:
            initial["summary"] = _("On the priority list: %(reasons)s.") % {
                "reasons": _("; ").join(reason.label for reason in reasons)}
    if request.GET.get("report"):
        initial.update(citizen_report=request.GET["report"],
                       origin=Inspection.Origin.CITIZEN_REPORT)
    return initial, first, planned


def _entries(inspectors, defects, tests):
    inspector_entries = [InspectorEntry(name=row["name"], score=row["score"])
                         for row in inspectors.cleaned_data if row.get("name")]
    defect_entries = [DefectEntry(code=row["code"], description=row["description"],
                                  severity=row.get("severity") or Defect.Severity.MINOR,
                                  deduction_points=row.get("deduction_points") or 0)
                      for row in defects.cleaned_data if row.get("code")]
    test_entries = [MaterialTestEntry(material=row["material"],
                                      result=row.get("result") or MaterialTest.Result.PENDING)
                    for row in tests.cleaned_data if row.get("material")]
    return inspector_entries, defect_entries, test_entries


def _record(request, form, inspectors, defects, tests, first, planned) -> Inspection | None:
    """Record the inspection from valid forms; None with the errors put on ``form``."""
    values = form.cleaned_data
    tender = report = None
    try:
        tender = selectors.tender_get(actor=request.user, pcc_number=values["tender"])
    except DomainError:
        form.add_error("tender", _("No tender with this number."))
    if values["citizen_report"]:
        try:
            report = selectors.citizen_report_get(actor=request.user,
                                                  number=values["citizen_report"])
        except DomainError:
            form.add_error("citizen_report", _("No citizen works report with this number."))
    if form.errors:
        return None
    inspector_entries, defect_entries, test_entries = _entries(inspectors, defects, tests)
    try:
        return inspection_record(
            actor=request.user, tender=None if planned else tender, planned=planned,
            inspected_on=values["inspected_on"], inspectors=inspector_entries,
            defects=defect_entries, tests=test_entries, origin=values["origin"],
            citizen_report=report, first_inspection=first, summary=values["summary"],
            grave_finding=values.get("grave_finding", ""))
    except DomainError as error:
        put_error(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    """查核紀錄 on site: the inspector's form, one column on a phone."""
    _require_team(request)
    initial, first, planned = _inspection_initial(request)
    data = request.POST or None
    form = InspectionForm(data, initial=initial)
    inspectors = InspectorFormSet(data, prefix="inspector",
                                  initial=[{"name": person_name(request.user)}])
    defects = DefectFormSet(data, prefix="defect")
    tests = TestFormSet(data, prefix="test")
    if request.method == "POST" and all(
            part.is_valid() for part in (form, inspectors, defects, tests)):
        inspection = _record(request, form, inspectors, defects, tests, first, planned)
        if inspection is not None:
            messages.success(request, _("Inspection %(number)s is recorded.")
                             % {"number": inspection.number})
            return redirect("works:inspection-detail", number=inspection.number)
    return render(request, "works/inspection_form.html", works_context(
        request, form=form, inspectors=inspectors, defects=defects, tests=tests, first=first,
        planned=planned), status=422 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_plan_new(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tender = selectors.tender_get(actor=request.user,
                                          pcc_number=form.cleaned_data["tender"])
            inspection = inspection_plan(actor=request.user, tender=tender,
                                         planned_on=form.cleaned_data["planned_on"])
        except DomainError as error:
            put_error(form, error)
        else:
            messages.success(request, _("Inspection %(number)s is planned; the agency will not "
                                        "see it.") % {"number": inspection.number})
            return redirect("works:inspection-detail", number=inspection.number)
    planned = selectors.inspection_list(actor=request.user,
                                        status=Inspection.Status.PLANNED).order_by(
        "inspected_on")
    return render(request, "works/inspection_plan.html",
                  works_context(request, form=form, planned=planned),
                  status=422 if request.method == "POST" else 200)


@login_required
@require_GET
def inspection_detail(request: HttpRequest, number: str) -> HttpResponse:
    inspection = fetch(selectors.inspection_get, actor=request.user, number=number)
    agency_staff = has_role(request.user, *AGENCY_ROLES, agency=inspection.agency)
    return render(request, "works/inspection_detail.html", works_context(
        request, inspection=inspection, labels=selectors.grade_labels(),
        band=selectors.grade_labels().get(inspection.grade),
        agency_staff=agency_staff, team=is_team(request.user),
        hide_score=inspection.score_withheld and not reads_all(request.user),
        result_form=TestResultForm(), verify_form=VerifyForm(), note_form=NoteForm(),
        history=audit_history_for(actor=request.user, obj=inspection)))


def _post_action(request: HttpRequest, action, success: str, target: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("works:inspection-detail", number=target)


@login_required
@require_POST
def inspection_send_view(request: HttpRequest, number: str) -> HttpResponse:
    inspection = fetch(selectors.inspection_get, actor=request.user, number=number)
    return _post_action(request, lambda: inspection_send(actor=request.user,
                                                         inspection=inspection),
                        _("The record is sent to the agency."), inspection.number)


@login_required
@require_POST
def test_result(request: HttpRequest, pk: int) -> HttpResponse:
    test = fetch(selectors.material_test_get, actor=request.user, pk=pk)
    inspection = test.inspection
    form = TestResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose passed or failed."))
        return redirect("works:inspection-detail", number=inspection.number)
    return _post_action(request, lambda: material_test_result(
        actor=request.user, test=test, result=form.cleaned_data["result"]),
        _("The test result is recorded and the score recomputed."), inspection.number)


@login_required
@require_http_methods(["GET", "POST"])
def defect_improve(request: HttpRequest, pk: int) -> HttpResponse:
    """改善: the agency's improvement with photos before and after."""
    defect = fetch(selectors.defect_get, actor=request.user, pk=pk)
    if not has_role(request.user, *AGENCY_ROLES, agency=defect.inspection.agency):
        raise PermissionDenied(_("Only officers of the agency report improvements."))
    form = ImprovementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            defect_improvement_report(actor=request.user, defect=defect,
                                      note=form.cleaned_data["note"],
                                      before_photos=form.cleaned_data["before_photos"],
                                      after_photos=form.cleaned_data["after_photos"])
        except DomainError as error:
            put_error(form, error)
        else:
            messages.success(request, _("The improvement is reported to the inspection team."))
            return redirect("works:inspection-detail", number=defect.inspection.number)
    return render(request, "works/defect_improve.html",
                  works_context(request, defect=defect, form=form),
                  status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def defect_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    defect = fetch(selectors.defect_get, actor=request.user, pk=pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or return the improvement."))
        return redirect("works:inspection-detail", number=defect.inspection.number)
    accepted = form.cleaned_data["decision"] == "accept"
    return _post_action(request, lambda: defect_verify(
        actor=request.user, defect=defect, accepted=accepted, note=form.cleaned_data["note"]),
        _("The improvement is accepted.") if accepted else _("The defect is returned."),
        defect.inspection.number)


@login_required
@require_POST
def consequence_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    consequence = fetch(selectors.consequence_get, actor=request.user, pk=pk)
    inspection = fetch(selectors.inspection_get, actor=request.user,
                       pk=consequence.inspection_id)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _post_action(request, lambda: consequence_done(
        actor=request.user, consequence=consequence, note=note),
        _("The item is ticked off."), inspection.number)


@login_required
@require_GET
def defect_board(request: HttpRequest) -> HttpResponse:
    """缺失追蹤看板: to improve, reported, verified."""
    agency = request.GET.get("agency", "")
    year = year_from(request, 0) if request.GET.get("year") else None
    columns = selectors.defect_board(actor=request.user, agency_code=agency, year=year)
    context = works_context(request, columns=columns, agency=agency, year=year,
                            today=today_taipei())
    template = "works/_board.html" if request.htmx else "works/defect_board.html"
    return render(request, template, context)

