from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yankao.core.models import Agency

FORMAT_CHOICES = [("html", "HTML"), ("pdf", "PDF"), ("docx", "DOCX (Word)")]
LANGUAGE_CHOICES = [("zh-hant", "繁體中文"), ("en", "English")]


def year_choices(years=()):
    """This year back to 2010, and any earlier year with records, latest first."""
    this_year = timezone.localdate().year
    choices = sorted(set(range(2010, this_year + 1)) | set(years), reverse=True)
    return [(year, f"{year}（{year - 1911}年）") for year in choices]


class GenerateForm(forms.Form):
    structure = forms.ChoiceField(label=_("Report"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    month = forms.TypedChoiceField(
        label=_("Month (monthly analyses only)"), coerce=int, required=False, empty_value=None,
        choices=[("", "—")] + [(m, str(m)) for m in range(1, 13)],
    )
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, structures=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = structures
        self.fields["year"].choices = year_choices(years)


class BlockCreateForm(forms.Form):
    section_key = forms.ChoiceField(label=_("Section"))
    agency = forms.ModelChoiceField(label=_("Responsible unit"),
                                    queryset=Agency.objects.filter(active=True))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section_key"].choices = sections


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Write figures as [[figure.key]] from the list; the report puts in the "
                    "value computed from the records. Separate paragraphs with a blank line."),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class DashboardFilterForm(forms.Form):
    """Filters of a dashboard, read from and kept in the URL."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, required=False, empty_value=None,
        choices=[("", _("Whole year"))] + [(m, str(m)) for m in range(1, 13)],
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)

    def __init__(self, *args, filter_names=(), monthly=True, **kwargs):
        super().__init__(*args, **kwargs)
        from yankao.core.selectors import agency_list, district_list

        if "district" in filter_names:
            self.fields["district"].choices = [("", _("All districts"))] + [
                (d.code, d.name) for d in district_list()]
        else:
            del self.fields["district"]
        if "agency" in filter_names:
            self.fields["agency"].choices = [("", _("All agencies"))] + [
                (a.code, a.name) for a in agency_list()]
        else:
            del self.fields["agency"]
        if not monthly:
            del self.fields["month"]
