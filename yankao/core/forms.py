from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yankao.core.calendar import TAIPEI
from yankao.core.models import Agency


def form_error(form: forms.Form, error) -> None:
    """A service's DomainError on the form field it names, or on the whole form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Agency.Kind.choices]
    )


class DeadlineForm(forms.Form):
    UNIT_CHOICES = [("working_days", _("working days")), ("hours", _("calendar hours"))]

    start = forms.DateTimeField(
        label=_("Clock starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    amount = forms.IntegerField(label=_("Time limit"), min_value=0, max_value=3650)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES)

    def clean_start(self) -> dt.datetime:
        start = self.cleaned_data["start"]
        if timezone.is_naive(start):
            start = start.replace(tzinfo=TAIPEI)
        return start


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly export script”."),
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=64)
    agency = forms.CharField(label=_("Agency code"), required=False, max_length=32)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files from one input (at most ``max_files``); the service checks each by
    its content (``core.services.attachments``)."""

    def __init__(self, *args, max_files: int = 10, accept: str = "image/*", **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(_("At most %(count)d files.") % {"count": self.max_files})
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        clean_one = super().clean  # (a comprehension has no zero-argument super())
        return [clean_one(upload, initial) for upload in files]


class ImportFileField(forms.FileField):
    """A CSV or XLSX file for a web import (the ``core.import`` job), refused on the form
    when its name or size is wrong; the rows are counted and capped by the job."""

    SUFFIXES = (".csv", ".xlsx")

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("CSV or XLSX file"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        from pathlib import Path

        from django.conf import settings

        upload = super().clean(data, initial)
        if upload is None:
            return upload
        if Path(upload.name or "").suffix.lower() not in self.SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="suffix")
        limit = settings.YANKAO_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files.")
                % {"size": limit // (1024 * 1024)}, code="size")
        return upload
