"""Forms of the research staff's record pages: they read and check input only; the
services write. Lists (milestones, recommendations, articles) are one per line, their
parts separated by a vertical bar."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.core.models.agencies import localized
from yankao.research import selectors
from yankao.research.models import ResearchProject, ThesisGrant, TripReport


def _lines(text: str, parts: int, least: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row = [part.strip() for part in line.split("|")]
        if not least <= len(row) <= parts or not all(row[:least]):
            raise forms.ValidationError(_(
                "Line %(n)s: write %(least)s to %(parts)s parts separated by |.") % {
                "n": number, "least": least, "parts": parts})
        rows.append(row + [""] * (parts - len(row)))
    return rows


def _day(text: str, number: int) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise forms.ValidationError(_("Line %(n)s: a date is written 2021-12-31.") % {
            "n": number}) from None


class _Dates:
    def _dates(self, *names):
        for name in names:
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})


class ProjectForm(_Dates, forms.ModelForm):
    milestones = forms.CharField(
        label=gettext_lazy("Milestones"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: milestone | due (2021-06-30) | done (if done)."))

    class Meta:
        model = ResearchProject
        fields = ["year", "title", "contractor", "amount", "signed_on", "status", "abstract",
                  "final_report_on"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self._dates("signed_on", "final_report_on")

    def clean_milestones(self):
        found = []
        for number, (name, due, done) in enumerate(
                _lines(self.cleaned_data["milestones"], 3, 2), start=1):
            found.append((name, _day(due, number), _day(done, number)))
        return found


class ThesisForm(forms.ModelForm):
    class Meta:
        model = ThesisGrant
        fields = ["year", "student", "university", "degree", "title", "status", "review_note",
                  "amount", "awarded", "award_year"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)


class TripForm(_Dates, forms.ModelForm):
    recommendations = forms.CharField(
        label=gettext_lazy("Recommendations"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: the agency's code | the recommendation."))

    class Meta:
        model = TripReport
        fields = ["year", "agency", "title", "destination", "travellers", "summary", "status",
                  "review_note", "published_on"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.agencies_all()
        self._dates("published_on")

    def clean_recommendations(self):
        found = {}
        for number, (code, text) in enumerate(
                _lines(self.cleaned_data["recommendations"], 2, 2), start=1):
            agency = selectors.agency_by_code(code)
            if agency is None:
                raise forms.ValidationError(_("Line %(n)s: no agency %(code)s.") % {
                    "n": number, "code": code})
            found[text] = agency
        return found


class JournalForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("Issue"), min_value=1)
    theme = forms.CharField(label=gettext_lazy("Theme"), max_length=200)
    published_on = forms.DateField(label=gettext_lazy("Published on"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    articles = forms.CharField(
        label=gettext_lazy("Articles"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: title | authors | abstract."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_articles(self):
        return [{"title": title, "authors": authors, "abstract": abstract}
                for title, authors, abstract in _lines(self.cleaned_data["articles"], 3, 3)]


class NominationForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    category = forms.CharField(label=gettext_lazy("Category"), max_length=100)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"] = forms.ModelChoiceField(label=gettext_lazy("Agency"),
                                                       queryset=selectors.agencies_all())


class CourtesyCallForm(forms.Form):
    """One scored test call of the latest courtesy-test plan: one field per item."""

    round = forms.IntegerField(label=gettext_lazy("Round"), min_value=1)
    called_at = forms.DateTimeField(label=gettext_lazy("Called at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = selectors.courtesy_plan_latest()
        agencies = self.plan.agencies.order_by("sort_order", "code") if self.plan else (
            selectors.agencies_all().none())
        self.fields["agency"] = forms.ModelChoiceField(label=gettext_lazy("Agency"),
                                                       queryset=agencies)
        for item in self.plan.items.all() if self.plan else ():
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{localized(item.name_zh, item.name_en)} (0–{item.points})",
                min_value=0, max_value=item.points)

    def clean(self):
        data = super().clean()
        if self.plan is None:
            raise forms.ValidationError(_("There is no courtesy-test plan yet."))
        points = {int(name.removeprefix("item_")): data.pop(name)
                  for name in list(data) if name.startswith("item_")}
        return {**data, "plan": self.plan, "points": points}
