"""Forms of the counter pages; the services check again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.counter.models import Channel


class BookingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             help_text=_("For a reminder the day before."))
    matter = forms.CharField(label=_("What it is about"), max_length=200, required=False,
                             help_text=_("A few words, e.g. a tenancy deposit, an inheritance."))


class StaffBookingForm(BookingForm):
    channel = forms.ChoiceField(label=_("Booked by"), choices=[
        (Channel.PHONE, Channel.PHONE.label), (Channel.COUNTER, Channel.COUNTER.label)])


class CancelForm(forms.Form):
    number = forms.CharField(label=_("Booking number"), max_length=20)
    phone = forms.CharField(label=_("Phone or e-mail you booked with"), max_length=254)


class SessionForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=200, initial=12)
    lawyer = forms.CharField(label=_("Volunteer lawyer"), max_length=100, required=False)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]


class VisitForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    service = forms.ChoiceField(label=_("Service"))
    people = forms.IntegerField(label=_("People"), min_value=1, max_value=500, initial=1)

    def __init__(self, *args, sites=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]
        self.fields["service"].choices = [(s.code, s.name) for s in services]
