"""Forms of the staff's record pages. They only read and check input; every write goes
through a service, and every choice is scoped to the person through a selector."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.participation import selectors
from yankao.participation.models import Event, HackathonTeam, Pot, Process, Proposal


class _ActorForm(forms.Form):
    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        for name in self.date_fields:
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})


def _agency_field(actor, label, required=True):
    return forms.ModelChoiceField(label=label, queryset=selectors.staff_agencies(actor=actor),
                                  required=required)


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = ["code", "name_zh", "name_en", "year", "agency", "unit", "description"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.staff_agencies(actor=actor)


class PotForm(forms.ModelForm):
    class Meta:
        model = Pot
        fields = ["process", "code", "name_zh", "name_en", "district", "theme", "budget",
                  "ballot_kind", "max_choices", "max_points", "rule", "completion",
                  "vote_threshold", "eligibility", "min_age", "max_age", "age_on",
                  "residence"]
        widgets = {"age_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = selectors.staff_processes(actor=actor)

    def validate_unique(self):  # the service checks the pot, with its rules, as one
        pass


class ProposalForm(forms.ModelForm):
    pot = forms.ModelChoiceField(label=_("Pot"), queryset=Pot.objects.none())

    class Meta:
        model = Proposal
        fields = ["code", "title_zh", "title_en", "summary", "cost", "agency", "proposer",
                  "category", "beneficiaries"]

    field_order = ["pot"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pot"].queryset = selectors.staff_draft_pots(actor=actor)
        self.fields["agency"].queryset = selectors.staff_agencies(actor=actor)

    def validate_unique(self):
        pass


class ReviewForm(_ActorForm):
    proposal = forms.ModelChoiceField(label=_("Proposal"), queryset=Proposal.objects.none())
    feasible = forms.TypedChoiceField(
        label=_("Feasibility"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Feasible")), ("no", _("Not feasible"))],
        widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Required when the proposal is not feasible."))
    cost = forms.IntegerField(label=_("Corrected cost (NT$)"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = selectors.proposals_to_review(actor=self.actor)


class JudgeForm(_ActorForm):
    award_round = forms.ModelChoiceField(label=_("Award round"), queryset=selectors.judge_rounds())
    username = forms.CharField(label=_("The judge's user name"), max_length=150)
    outside = forms.BooleanField(label=_("Outside expert"), required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)

    def clean_username(self):
        user = selectors.user_by_username(self.cleaned_data["username"].strip())
        if user is None:
            raise forms.ValidationError(_("No user has this name."))
        return user


class EventForm(_ActorForm):
    date_fields = ("held_on",)
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Held on"))
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"] = _agency_field(self.actor, _("Organiser"))


class ChallengeForm(_ActorForm):
    event = forms.ModelChoiceField(label=_("Hackathon"), queryset=Event.objects.none())
    title = forms.CharField(label=_("Challenge"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = selectors.staff_hackathons(actor=self.actor)
        self.fields["agency"] = _agency_field(self.actor, _("Agency posing it"))


class TeamForm(_ActorForm):
    challenge = forms.ModelChoiceField(label=_("Challenge"), queryset=Event.objects.none())
    name = forms.CharField(label=_("Team"), max_length=200)
    members = forms.IntegerField(label=_("Members"), min_value=1, initial=1)
    stage = forms.ChoiceField(label=_("Round reached"), choices=HackathonTeam.Stage.choices)
    score = forms.IntegerField(label=_("Judges' score"), min_value=0, max_value=100,
                               required=False)
    prize = forms.CharField(label=_("Prize"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = selectors.staff_challenges(actor=self.actor)
