"""Forms of the service desk pages. They parse input; services decide and validate."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yankao.core.calendar import TAIPEI
from yankao.core.forms import FilesField
from yankao.core.models import Agency, District
from yankao.servicedesk.models import (
    DESCRIPTION_MAX,
    AssignmentStatus,
    CallOutcome,
    CaseKind,
    Category,
    Channel,
    FilingGround,
    PetitionKind,
)
from yankao.servicedesk.selectors import category_choice, category_choices


class CategoryField(forms.CharField):
    """A category typed as "code name" (from the datalist) or as its code."""

    def __init__(self, *args, public_only: bool = False, **kwargs):
        self.public_only = public_only
        super().__init__(*args, max_length=140, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = value.strip().split(" ", 1)[0]
        category = category_choice(code=code, public_only=self.public_only)
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category


def _datetime_local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=TAIPEI) if timezone.is_naive(value) else value


def agency_choices():
    return Agency.objects.filter(active=True).order_by("sort_order", "code")


class LocationMixin(forms.Form):
    latitude = forms.CharField(label=_("Latitude"), required=False, max_length=20,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(label=_("Longitude"), required=False, max_length=20,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    address = forms.CharField(label=_("Address or place of the problem"), required=False,
                              max_length=200)


class IntakeForm(LocationMixin):
    category = CategoryField(
        label=_("Category"),
        help_text=_("Type to search, e.g. 坑洞 or KH-007."),
        widget=forms.TextInput(attrs={"list": "category-list", "autofocus": True,
                                      "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("As the category says")), *CaseKind.choices])
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                initial=Channel.PHONE)
    petition_kind = forms.ChoiceField(label=_("Petition kind (art. 168)"), required=False,
                                      choices=[("", "—"), *PetitionKind.choices])
    district = forms.ModelChoiceField(label=_("District"), required=False,
                                      queryset=District.objects.all(),
                                      empty_label=_("From the map point"))
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=100)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), required=False, max_length=40)
    reporter_email = forms.EmailField(label=_("Reporter's email"), required=False)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    duration_seconds = forms.IntegerField(label=_("Call duration (seconds)"), required=False,
                                          min_value=0, max_value=14400)
    attachments = FilesField(label=_("Photos or scanned letters (images)"), max_files=5)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = ["category", "latitude", "longitude", "address", "district", "description",
                   "kind", "channel", "petition_kind", "reporter_name", "reporter_phone",
                   "reporter_email", "confidential", "duration_seconds", "attachments",
                   "submission_key"]


class CallForm(forms.Form):
    prefix = "call"

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices,
                                initial=CallOutcome.CONSULTATION)
    duration_seconds = forms.IntegerField(label=_("Duration (seconds)"), min_value=0,
                                          max_value=14400)
    answered_at_once = forms.BooleanField(label=_("Answered at once"), required=False,
                                          initial=True)
    category = CategoryField(label=_("Category (optional)"), required=False,
                             widget=forms.TextInput(attrs={"list": "category-list",
                                                           "autocomplete": "off"}))


class AssignForm(forms.Form):
    prefix = "assign"

    agencies = forms.ModelMultipleChoiceField(
        label=_("Handling agencies"), queryset=Agency.objects.none(),
        help_text=_("The first chosen is the lead agency."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agency_choices()


class BulkAssignForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), required=False,
                                    queryset=Agency.objects.none(),
                                    empty_label=_("By the routing rules"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_choices()


class ReplyForm(forms.Form):
    prefix = "reply"

    reply = forms.CharField(label=_("Reply to the citizen"), max_length=DESCRIPTION_MAX,
                            widget=forms.Textarea(attrs={"rows": 4}))
    photos = FilesField(label=_("Photos after the repair (public)"), max_files=3)


class NoteForm(forms.Form):
    prefix = "note"

    text = forms.CharField(label=_("Public progress update"), max_length=DESCRIPTION_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MaskForm(forms.Form):
    prefix = "mask"

    phrase = forms.CharField(label=_("Text to mask in the published text"), max_length=200)
    update = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SupplementRequestForm(forms.Form):
    prefix = "sup"

    request_text = forms.CharField(label=_("What is missing"), max_length=1000,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    prefix = "ext"

    new_due_at = forms.DateTimeField(
        label=_("New due time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reason = forms.CharField(label=_("Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    notice = forms.CharField(label=_("Notice to the citizen"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean_new_due_at(self):
        return _datetime_local(self.cleaned_data["new_due_at"])


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Approve")), ("0", _("Reject"))])


class TransferForm(forms.Form):
    prefix = "tr"

    to_agency = forms.ModelChoiceField(label=_("Competent agency"), queryset=Agency.objects.none())
    notice = forms.CharField(label=_("Notice to the citizen"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agency_choices()


class MergeForm(forms.Form):
    prefix = "merge"

    into = forms.CharField(label=_("Merge into case number"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class FileForm(forms.Form):
    prefix = "file"

    ground = forms.ChoiceField(label=_("Ground (art. 173)"), choices=FilingGround.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DowngradeForm(forms.Form):
    prefix = "down"

    reason = forms.CharField(label=_("Why it is no immediate hazard"), max_length=500)


class CloseForm(forms.Form):
    prefix = "close"

    note = forms.CharField(label=_("Closing note"), max_length=1000, required=False)


class InboxFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("All open")), ("overdue", _("Overdue")),
                      ("due_soon", _("Due soon")), *AssignmentStatus.choices[:2]]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *CaseKind.choices])
    q = forms.CharField(label=_("Case number or address"), required=False, max_length=50)


class CitizenReportForm(LocationMixin):
    category = forms.ModelChoiceField(label=_("What is the problem?"),
                                      queryset=Category.objects.none(),
                                      empty_label=_("Choose…"))
    description = forms.CharField(label=_("Describe it"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*",
                                                                   "capture": "environment"}))
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Your phone (optional)"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                          "inputmode": "tel"}))
    email = forms.EmailField(label=_("Your email (optional)"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    field_order = ["category", "latitude", "longitude", "address", "description", "photo",
                   "name", "phone", "email", "submission_key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_choices(public_only=True)
        self.fields["category"].label_from_instance = lambda c: c.full_name


class PlaceForm(forms.Form):
    """Step 1 of a report: where (a map point, or an address with its district)."""

    lat = forms.CharField(label=_("Latitude"), required=False, max_length=20,
                          widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lng = forms.CharField(label=_("Longitude"), required=False, max_length=20,
                          widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    district = forms.ModelChoiceField(label=_("District"), required=False,
                                      queryset=District.objects.all(), to_field_name="code",
                                      empty_label=_("From the map point"))


class DetailsForm(forms.Form):
    """The last step of a report: what, photos, and how to reach the reporter."""

    description = forms.CharField(label=_("Describe the problem"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photos = FilesField(label=_("Photos (optional, up to 3)"), max_files=3)
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Your phone (optional)"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                          "inputmode": "tel"}))
    email = forms.EmailField(
        label=_("Your e-mail (for updates)"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We e-mail you when the case moves on and when it is answered."))
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    password = forms.CharField(label=_("Case password"), max_length=40,
                               widget=forms.PasswordInput)


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"), coerce=int,
        choices=[(5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – neutral")),
                 (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))],
        widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SupplementForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month_from = forms.IntegerField(label=_("From month"), min_value=1, max_value=12,
                                    initial=1)
    month_to = forms.IntegerField(label=_("To month"), min_value=1, max_value=12, initial=12)

    def clean(self):
        data = super().clean()
        if data.get("month_from") and data.get("month_to") and \
                data["month_from"] > data["month_to"]:
            raise forms.ValidationError(_("The first month must not be after the last."))
        return data


class Open311ClientForm(forms.Form):
    name = forms.CharField(label=_("Application"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
