"""Forms of the program-control pages. They only parse input; services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.core.forms import ImportFileField
from yankao.programs.models import ControlLevel

MONTH_CHOICES = [(month, str(month)) for month in range(1, 13)]
PCT = {"min_value": Decimal(0), "max_value": Decimal(100), "decimal_places": 2,
       "max_digits": 5}


class ProgramFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(label=_("Control level"), required=False,
                              choices=[("", _("All levels")), *ControlLevel.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=50)

    def __init__(self, *args, years: list[int], agencies: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["agency"].choices = [("", _("All agencies")), *agencies]


class ProgramForm(forms.Form):
    """選項列管: the commission puts a program under control."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    code = forms.CharField(label=_("Code"), max_length=32)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, to_field_name="code")
    control_level = forms.ChoiceField(label=_("Control level"), choices=ControlLevel.choices,
                                      initial=ControlLevel.CITY)
    budget = forms.IntegerField(label=_("Budget (NT$)"), min_value=0,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    summary = forms.CharField(label=_("Summary"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from yankao.core.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).exclude(
            kind=Agency.Kind.OUTSIDE)


class ProgressReportForm(forms.Form):
    actual_pct = forms.DecimalField(
        label=_("Actual cumulative progress (%)"), **PCT,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    budget_executed = forms.IntegerField(
        label=_("Cumulative spending (NT$)"), min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    narrative = forms.CharField(label=_("Progress this month"), max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    delay_reason = forms.CharField(
        label=_("Reason for the delay"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when actual progress is below plan."))
    budget_reason = forms.CharField(
        label=_("Reason for low spending"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when spending is under the floor share of the planned amount."))
    regression_reason = forms.CharField(
        label=_("Reason progress fell since last month"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when actual progress is lower than last month's."))
    evidence = forms.FileField(
        label=_("Evidence (photo, PDF or office document)"), required=False,
        help_text=_("Optional; checked by its content."))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("return", _("Return with a comment"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    """Twelve months of planned cumulative progress and spending, and a revision reason."""

    reason = forms.CharField(
        label=_("Reason for the revision"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when an approved plan is revised."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            self.fields[f"pct_{month}"] = forms.DecimalField(
                label=_("Month %(month)s: planned progress (%%)") % {"month": month}, **PCT,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
            self.fields[f"budget_{month}"] = forms.IntegerField(
                label=_("Month %(month)s: planned spending (NT$)") % {"month": month},
                min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        self.order_fields([*(f"{kind}_{m}" for m in range(1, 13)
                             for kind in ("pct", "budget")), "reason"])

    def month_rows(self):
        return [(month, [self[f"pct_{month}"], self[f"budget_{month}"]]) for month in range(1, 13)]


class AnalysisFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=MONTH_CHOICES)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]


class ScoreForm(forms.Form):
    """Scores for each component of the year's evaluation, and the written opinion."""

    comment = forms.CharField(label=_("Opinion"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        for component, weight in components:
            self.fields[f"score_{component.code}"] = forms.DecimalField(
                label=_("%(component)s (weight %(weight)s%%)")
                % {"component": component.name, "weight": weight},
                min_value=Decimal(0), max_value=Decimal(100), decimal_places=2, max_digits=5,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
        self.order_fields([*(f"score_{c.code}" for c, _w in components), "comment"])

    def scores(self) -> dict[str, Decimal]:
        return {name.removeprefix("score_"): value for name, value in self.cleaned_data.items()
                if name.startswith("score_")}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it is sent back"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    KINDS = [
        ("programs", _("Programs")),
        ("progress", _("Monthly progress")),
        ("kpis", _("KPIs")),
        ("documents", _("Document statistics")),
    ]
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS)
    file = ImportFileField()

    def kind_label(self) -> str:
        return str(dict(self.KINDS)[self.cleaned_data["kind"]])


class ExportForm(forms.Form):
    """The year of an export (the table and format are in the address)."""

    TABLES = {
        "programs": _("Programs and their approved plans"),
        "progress": _("Monthly progress"),
        "kpis": _("KPIs"),
    }
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
