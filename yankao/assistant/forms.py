"""Forms of the FAQ assistant's pages. The services check again; forms give early errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.assistant.models import QUESTION_MAX, FaqEntry, Topic


class AskForm(forms.Form):
    # No max_length here: the service refuses a long question with its own message.
    question = forms.CharField(label=_("Your question"), required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off",
                                                             "enterkeyhint": "send"}))


class HandoverForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel",
                                                          "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    district = forms.ChoiceField(label=_("Your district"))
    details = forms.CharField(
        label=_("Anything to add"), required=False, max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your questions above are attached to the case."))

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "—"), *[(d.code, d.name) for d in districts]]


class FaqEntryForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["key", "topic", "question_zh", "alternatives_zh", "answer_zh", "question_en",
                  "alternatives_en", "answer_en", "active"]
        widgets = {
            "alternatives_zh": forms.Textarea(attrs={"rows": 3}),
            "alternatives_en": forms.Textarea(attrs={"rows": 3}),
            "answer_zh": forms.Textarea(attrs={"rows": 4}),
            "answer_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(active=True)
        if self.instance.pk:
            self.fields["key"].disabled = True

    def validate_unique(self):
        """The service checks the key (and says so on the field)."""


class SynonymsForm(forms.Form):
    zh = forms.CharField(label=_("Chinese synonyms"), required=False,
                         widget=forms.Textarea(attrs={"rows": 12}),
                         help_text=_("One group a line, words separated by commas; the first "
                                     "word is the one the search keeps."))
    en = forms.CharField(label=_("English synonyms"), required=False,
                         widget=forms.Textarea(attrs={"rows": 6}))


class ResolveForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    entry = forms.CharField(label=_("Answered by the entry with the key"), max_length=32)
