"""Forms of the open-data pages. They only shape input; the services check and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.core.models import Agency
from yankao.opendata.files import charset_choices, format_choices
from yankao.opendata.models import Dataset, Licence, ServiceCategory


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={
        "rows": 4}))
    category = forms.ModelChoiceField(label=_("Service category"),
                                      queryset=ServiceCategory.objects.all())
    licence = forms.ModelChoiceField(label=_("Licence"), queryset=Licence.objects.all())
    access = forms.ChoiceField(label=_("Access"), choices=Dataset.Access.choices)
    kind = forms.ChoiceField(label=_("Type"), choices=Dataset.Kind.choices)
    keywords = forms.CharField(label=_("Keywords"), required=False,
                               help_text=_("Separated by commas."))
    update_regular = forms.BooleanField(label=_("Updated regularly"), required=False)
    update_every = forms.IntegerField(label=_("Updated every"), min_value=1, max_value=999,
                                      initial=1)
    update_unit = forms.ChoiceField(label=_("Unit"), choices=Dataset.Unit.choices,
                                    initial=Dataset.Unit.YEAR)
    temporal_from = forms.DateField(label=_("Covers from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    temporal_to = forms.DateField(label=_("Covers until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    spatial = forms.CharField(label=_("Spatial coverage"), max_length=100, required=False)
    cost = forms.ChoiceField(label=_("Cost"), choices=Dataset.Cost.choices)
    cost_url = forms.URLField(label=_("Address of the charges"), required=False,
                              assume_scheme="https")
    cost_law = forms.CharField(label=_("Legal basis of the charges"), max_length=200,
                               required=False)
    landing_page = forms.URLField(label=_("Related page"), required=False,
                                  assume_scheme="https")
    # Left empty on a new dataset, the publisher record's contact is used.
    organization_contact_name = forms.CharField(label=_("Organization contact name"),
                                                max_length=60, required=False)
    organization_contact_phone = forms.CharField(label=_("Organization contact phone"),
                                                 max_length=40, required=False)
    organization_contact_email = forms.EmailField(label=_("Organization contact e-mail"),
                                                  required=False)
    publisher_contact_name = forms.CharField(label=_("Publisher contact name"), max_length=60,
                                             required=False)
    publisher_contact_phone = forms.CharField(label=_("Publisher contact phone"),
                                              max_length=40, required=False)
    publisher_contact_email = forms.EmailField(label=_("Publisher contact e-mail"),
                                               required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields = {"agency": forms.ModelChoiceField(
                label=_("Agency"), queryset=agencies), **self.fields}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("agency", None)
        data["keywords"] = [k for k in data.pop("keywords", "").replace("，", ",").split(",")]
        return data


def dataset_initial(dataset: Dataset) -> dict:
    initial = {name: getattr(dataset, name) for name in DatasetForm.base_fields
               if name not in ("keywords", "category", "licence")}
    initial["category"] = dataset.category_id
    initial["licence"] = dataset.licence_id
    initial["keywords"] = ", ".join(t.name for t in dataset.tags.all())
    return initial


def parse_fields(text: str) -> list[tuple[str, str]]:
    """"name: description" (or "name：description"), one a line."""
    fields = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, description = line.replace("：", ":").partition(":")
        fields.append((name.strip(), description.strip()))
    return fields


def fields_text(resource) -> str:
    return "\n".join(f"{f.name}: {f.description}".rstrip(": ").rstrip()
                     if f.description else f.name for f in resource.fields.all())


class ResourceForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    format = forms.ChoiceField(label=_("Format"), choices=format_choices())
    character_set = forms.ChoiceField(label=_("Character set"), choices=charset_choices())
    file = forms.FileField(label=_("Data file"), required=False)
    url = forms.URLField(label=_("Or the address of an API or a file elsewhere"),
                         required=False, max_length=500, assume_scheme="https")
    fields = forms.CharField(
        label=_("Field descriptions"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One field a line: “name: description”. Left empty for a file, the "
                    "columns of its first row are listed for you to describe."))


class FieldsForm(forms.Form):
    fields = forms.CharField(label=_("Field descriptions"), widget=forms.Textarea(attrs={
        "rows": 10}), help_text=_("One field a line: “name: description”."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PublisherForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    oid = forms.CharField(label=_("OID"), max_length=64,
                          help_text=_("The agency's object identifier, e.g. "
                                      "2.16.886.101.20003.20065."))
    org_code = forms.CharField(label=_("Agency code"), max_length=10)
    contact_name = forms.CharField(label=_("Contact name"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    contact_email = forms.EmailField(label=_("Contact e-mail"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search datasets"), required=False, max_length=200)


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or identifier"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("Any")), *Dataset.State.choices])
    quality = forms.ChoiceField(label=_("Quality label"), required=False,
                                choices=[("", _("Any")), *Dataset.Quality.choices])
    national_state = forms.ChoiceField(label=_("National portal"), required=False,
                                       choices=[("", _("Any")), *Dataset.NationalState.choices])


class RequestForm(forms.Form):
    title = forms.CharField(label=_("What data would you like?"), max_length=200)
    body = forms.CharField(label=_("Why, and in what form"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    display_name = forms.CharField(label=_("Name to show (optional)"), max_length=60,
                                   required=False)
    email = forms.EmailField(label=_("E-mail for the answer (optional, never shown)"),
                             required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    display_name = forms.CharField(label=_("Name to show (optional)"), max_length=60,
                                   required=False)
    email = forms.EmailField(label=_("E-mail for the answer (optional, never shown)"),
                             required=False)


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("publish", _("Publish and send to the agency")), ("reject", _("Do not publish"))],
        widget=forms.RadioSelect)
    agency = forms.ModelChoiceField(label=_("Answering agency"), required=False,
                                    queryset=Agency.objects.filter(active=True))
    reason = forms.CharField(label=_("Why not published"), required=False, max_length=200)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    dataset = forms.CharField(label=_("Dataset that answers it (identifier, optional)"),
                              required=False, max_length=40)


class GrantForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency to share with"),
                                    queryset=Agency.objects.filter(active=True))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    expires_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={
        "type": "date"}))


class LinkForm(forms.Form):
    expires_on = forms.DateField(label=_("Link works until"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
