"""Forms of participation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.participation.models import Pot, Proposal


class BallotForm(forms.Form):
    """A ballot: the one-time code (unless an account votes) and the choices, as
    checkboxes on approval ballots or points on a points ballot."""

    code = forms.CharField(label=_("One-time voting code"), max_length=20, required=False,
                           help_text=_("The code on the slip you were given, e.g. ABCD-EFGH-JK."),
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters",
                                                         "spellcheck": "false"}))

    def __init__(self, *args, pot: Pot, proposals: list[Proposal], account: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.pot, self.proposals = pot, proposals
        if account:
            self.fields["code"].help_text = _(
                "You are signed in: leave it empty to vote with your account.")
        if pot.eligibility == Pot.Eligibility.ACCOUNT:
            del self.fields["code"]
        self.points = pot.ballot_kind == Pot.BallotKind.POINTS
        if self.points:
            for proposal in proposals:
                self.fields[f"points_{proposal.pk}"] = forms.IntegerField(
                    label=proposal.title, min_value=0, max_value=pot.max_points, required=False)
        else:
            self.fields["choice"] = forms.TypedMultipleChoiceField(
                label=_("Projects"), coerce=int, required=False,
                choices=[(p.pk, p.title) for p in proposals],
                widget=forms.CheckboxSelectMultiple)

    def choices(self) -> dict[int, int]:
        if self.points:
            return {p.pk: self.cleaned_data[f"points_{p.pk}"] for p in self.proposals
                    if self.cleaned_data.get(f"points_{p.pk}")}
        return dict.fromkeys(self.cleaned_data.get("choice", []), 1)


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=100_000)
    batch = forms.CharField(label=_("Batch (polling station, day)"), max_length=60)


class TallyForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=Pot.Rule.choices)
