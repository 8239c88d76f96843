"""Forms of the works pages. They check the shape of the input; the rules are in the
services, whose errors the views put back on these forms."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from yankao.core.forms import FilesField
from yankao.core.models import Agency, District
from yankao.works.models import (
    Arrangement,
    CitizenReport,
    Defect,
    DefectCode,
    Inspection,
    MaterialTest,
    PriorityFlag,
    ProgressCheck,
    Tender,
)
from yankao.works.services.common import MAX_PHOTOS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Give the month as YYYY-MM."))


class PhotosField(FilesField):
    """Several photos from one input; each is checked by its content in the service."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, max_files=MAX_PHOTOS, **kwargs)


class TenderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Tender.Status.choices])

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All agencies"))] + [
            (agency.code, agency.name) for agency in agencies]


CURVE_LINE = re.compile(r"^\s*(\d{4}-(?:0[1-9]|1[0-2]))\s*[,\s]\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?\s*$")


class TenderForm(forms.Form):
    """A tender as registered in the PCC tender system (政府電子採購網), with its planned
    S-curve typed one month a line ("2018-03 12.5")."""

    pcc_number = forms.CharField(label=_("PCC tender number"), max_length=40)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    budget_amount = forms.IntegerField(label=_("Budget (NT$)"), min_value=1)
    contract_amount = forms.IntegerField(label=_("Contract amount (NT$)"), min_value=1)
    arrangement = forms.ChoiceField(
        label=_("Carried out as"), choices=Arrangement.choices, initial=Arrangement.OWN,
        help_text=_("Subsidised and delegated tenders are left out of the yearly minimum of "
                    "inspections since 2021-03-19 (§4)."))
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DATE)
    contractor = forms.CharField(label=_("Contractor"), max_length=200)
    supervisor = forms.CharField(label=_("Supervisor"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("Planned completion"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Tender.Status.choices,
                               initial=Tender.Status.IN_PROGRESS)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(),
                                      required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=8, decimal_places=5,
                                  required=False, min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=8, decimal_places=5,
                                   required=False, min_value=-180, max_value=180)
    planned_curve = forms.CharField(
        label=_("Planned cumulative progress"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One month a line: the month (YYYY-MM) and the planned cumulative % at "
                    "its end, rising to 100, such as “2018-03 12.5”."))

    def __init__(self, *args, agencies=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else \
            Agency.objects.none()
        if editing:  # the number is the tender's key in the PCC system
            self.fields["pcc_number"].disabled = True

    def clean_planned_curve(self) -> list[dict]:
        points, errors = [], []
        for number, line in enumerate(self.cleaned_data["planned_curve"].splitlines(), 1):
            if not line.strip():
                continue
            match = CURVE_LINE.match(line)
            if match is None:
                errors.append(_("Line %(number)d: give a month and a percent, such as "
                                "2018-03 12.5.") % {"number": number})
                continue
            points.append({"month": match[1], "percent": float(match[2])})
        if errors:
            raise forms.ValidationError(errors)
        return points

    @staticmethod
    def curve_text(curve: list[dict]) -> str:
        return "\n".join(f"{point['month']} {point['percent']:g}"
                          for point in sorted(curve, key=lambda point: point["month"]))


class PriorityFlagForm(forms.Form):
    """A reason to inspect a tender first (§4 ¶3–4): the team records media reports,
    contractors' reports and designations; the agency its own request."""

    source = forms.ChoiceField(label=_("Source"), choices=PriorityFlag.Source.choices)
    noted_on = forms.DateField(label=_("Dated"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False,
                                help_text=_("A document number or the address of the report."))
    note = forms.CharField(label=_("What it says"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, team: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        request = PriorityFlag.Source.AGENCY_REQUEST
        self.fields["source"].choices = [
            (value, label) for value, label in PriorityFlag.Source.choices
            if (value != request) == team]


class MinimumAdjustmentForm(forms.Form):
    """The head's approved count of one band of a year (§4 ¶2)."""

    band = forms.TypedChoiceField(label=_("Band"), coerce=int)
    count = forms.IntegerField(label=_("Approved count"), min_value=0, max_value=10_000)
    approved_by = forms.CharField(label=_("Approved by"), max_length=100,
                                  help_text=_("The head of the agency, name and title."))
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE)
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    reported_on = forms.DateField(label=_("Reported to the PCC on"), widget=DATE,
                                  required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [(row.band_id, row.label) for row in bands]


class ProgressCheckForm(forms.Form):
    tender = forms.CharField(label=_("PCC tender number"), max_length=40)
    finding = forms.ChoiceField(label=_("Finding"), choices=ProgressCheck.Finding.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What the agency must do, or why the site is to be "
                                       "inspected."))


class ProgressForm(forms.Form):
    month = forms.CharField(label=_("Month"), validators=[MONTH],
                            widget=forms.TextInput(attrs={"type": "month"}))
    actual_percent = forms.DecimalField(label=_("Actual cumulative progress (%)"),
                                        max_digits=5, decimal_places=2)
    amount_spent = forms.IntegerField(label=_("Amount spent to date (NT$)"), min_value=0)
    delay_reason = forms.CharField(label=_("Reason for the delay (when behind)"),
                                   required=False, widget=forms.Textarea(attrs={"rows": 2}))
    regression_reason = forms.CharField(
        label=_("Reason the actual progress is lower than last month (if it is)"),
        required=False, widget=forms.Textarea(attrs={"rows": 2}))
    stopped = forms.BooleanField(label=_("Work stopped this month"), required=False)
    stoppage_days = forms.IntegerField(label=_("Days stopped"), min_value=0, max_value=31,
                                       required=False)
    stoppage_reason = forms.CharField(label=_("Reason for the stoppage"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    design_change = forms.BooleanField(label=_("Design change this month"), required=False)
    design_change_note = forms.CharField(label=_("Design change"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField(label=_("Site photos"),
                         help_text=_("JPEG, PNG or WebP images; at most 10."))

    def month_date(self) -> dt.date:
        return dt.date.fromisoformat(f"{self.cleaned_data['month']}-01")


class InspectionForm(forms.Form):
    tender = forms.CharField(label=_("PCC tender number"), max_length=40)
    inspected_on = forms.DateField(label=_("Inspection date"), widget=DATE)
    origin = forms.ChoiceField(label=_("Why this site"), choices=Inspection.Origin.choices)
    citizen_report = forms.CharField(label=_("Citizen works report number (if any)"),
                                     required=False, max_length=20)
    grave_finding = forms.ChoiceField(
        label=_("Grave finding (makes it 丙等, §8)"), required=False,
        choices=[("", _("— none —")), *Inspection.GraveFinding.choices])
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class InspectorRowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    score = forms.IntegerField(label=_("Score (0–100)"), required=False, min_value=0,
                               max_value=100,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def clean(self):
        data = super().clean()
        if bool(data.get("name")) != (data.get("score") is not None):
            raise forms.ValidationError(_("Give both the name and the score, or neither."))
        return data


def defect_code_choices():
    return [("", _("— none —"))] + [(code.code, str(code))
                                    for code in DefectCode.objects.filter(active=True)]


class DefectRowForm(forms.Form):
    code = forms.ChoiceField(label=_("Defect code"), required=False, choices=defect_code_choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Defect.Severity.choices,
                                 required=False)
    deduction_points = forms.IntegerField(label=_("Deduction points"), min_value=0,
                                          max_value=100, required=False,
                                          widget=forms.NumberInput(attrs={"inputmode":
                                                                          "numeric"}))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("code") and not (data.get("description") or "").strip():
            self.add_error("description", _("Describe the defect."))
        if not data.get("code") and (data.get("description") or "").strip():
            self.add_error("code", _("Choose the defect code."))
        return data


class TestRowForm(forms.Form):
    material = forms.ChoiceField(label=_("Material tested"), required=False,
                                 choices=[("", _("— none —")), *MaterialTest.Material.choices])
    result = forms.ChoiceField(label=_("Result"), choices=MaterialTest.Result.choices,
                               required=False)


InspectorFormSet = forms.formset_factory(InspectorRowForm, extra=5, max_num=12)
DefectFormSet = forms.formset_factory(DefectRowForm, extra=5, max_num=30)
TestFormSet = forms.formset_factory(TestRowForm, extra=3, max_num=10)


class PlanForm(forms.Form):
    tender = forms.CharField(label=_("PCC tender number"), max_length=40)
    planned_on = forms.DateField(label=_("Planned date"),
                                 widget=DATE)


class TestResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[
        (MaterialTest.Result.PASSED, _("Passed")), (MaterialTest.Result.FAILED, _("Failed"))])


class ImprovementForm(forms.Form):
    note = forms.CharField(label=_("What was improved"),
                           widget=forms.Textarea(attrs={"rows": 3}))
    before_photos = PhotosField(label=_("Photos before the improvement"))
    after_photos = PhotosField(label=_("Photos after the improvement"), required=True)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("accept", _("Accept the improvement")), ("return", _("Return it to the agency"))],
        widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (needed to return it)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReportForm(forms.Form):
    """全民督工通報: the public form, and staff intake by phone or on 1999."""

    subject = forms.CharField(label=_("What is wrong"), max_length=120)
    description = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}))
    location = forms.CharField(label=_("Where (address or landmark)"), max_length=200)
    tender = forms.CharField(label=_("Tender number on the site sign (if known)"),
                             max_length=40, required=False)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    photos = PhotosField(label=_("Photos"),
                         help_text=_("JPEG, PNG or WebP images; at most 10."))


class StaffReportForm(ReportForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=[
        (CitizenReport.Channel.PHONE, CitizenReport.Channel.PHONE.label),
        (CitizenReport.Channel.HOTLINE_1999, CitizenReport.Channel.HOTLINE_1999.label)])
    service_desk_case_number = forms.CharField(label=_("Service-desk case number"),
                                               max_length=40, required=False)

    field_order = ["channel", "service_desk_case_number"]


class RouteForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Implementing agency"),
                                    queryset=Agency.objects.filter(active=True))
    tender = forms.CharField(label=_("PCC tender number (if known)"), max_length=40,
                             required=False)
    referred = forms.ModelMultipleChoiceField(
        label=_("Also refer to (traffic, safety, environment)"), required=False,
        queryset=Agency.objects.filter(active=True, code__in=[
            "transportation", "labor", "environmental-protection", "police"]),
        widget=forms.CheckboxSelectMultiple)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class ReportImprovementForm(forms.Form):
    note = forms.CharField(label=_("What was improved"),
                           widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos"))


class SurveyForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Is the reporter satisfied with the improvement?"),
        choices=[("yes", _("Satisfied")), ("no", _("Dissatisfied"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    co_organiser = forms.CharField(label=_("Co-organiser"), max_length=200, required=False)
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1,
                               required=False, min_value=0)
