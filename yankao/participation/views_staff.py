"""The staff's record pages: one form per kind of record, each a thin view over its
service (agency-scoped choices, the service's refusal shown next to the field)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from yankao.core.recordforms import Record, record_page
from yankao.participation import forms_staff, services
from yankao.participation.services import awards, events


def _pot_fields(data: dict) -> dict:
    fields = {k: v for k, v in data.items() if v not in (None, "")}
    return {"process": fields.pop("process"), "code": fields.pop("code"),
            "name_zh": fields.pop("name_zh"), "budget": fields.pop("budget"),
            "name_en": fields.pop("name_en", ""), **fields}


HOME = "participation:home"
RECORDS = {
    "process": Record(gettext_lazy("New participatory-budget process"), forms_staff.ProcessForm,
                      lambda actor, data: services.process_create(actor=actor, **data),
                      lambda _record: reverse(HOME)),
    "pot": Record(gettext_lazy("New pot"), forms_staff.PotForm,
                  lambda actor, data: services.pot_create(actor=actor, **_pot_fields(data)),
                  lambda pot: reverse("participation:pot", args=[pot.pk])),
    "proposal": Record(gettext_lazy("New proposal"), forms_staff.ProposalForm,
                       lambda actor, data: services.proposal_create(actor=actor, **data),
                       lambda proposal: reverse("participation:pot", args=[proposal.pot_id])),
    "review": Record(gettext_lazy("Feasibility review of a proposal"), forms_staff.ReviewForm,
                     lambda actor, data: services.proposal_review(actor=actor, **data),
                     lambda proposal: reverse("participation:pot", args=[proposal.pot_id])),
    "judge": Record(gettext_lazy("Add a judge to a panel"), forms_staff.JudgeForm,
                    lambda actor, data: awards.award_judge_add(
                        actor=actor, award_round=data["award_round"], user=data["username"],
                        outside=data["outside"], affiliation=data["affiliation"]),
                    lambda judge: reverse("participation:award-round",
                                          args=[judge.round.year])),
    "event": Record(gettext_lazy("Record an event"), forms_staff.EventForm,
                    lambda actor, data: events.event_record(actor=actor, **data),
                    lambda _record: reverse(HOME)),
    "challenge": Record(gettext_lazy("A hackathon challenge"), forms_staff.ChallengeForm,
                        lambda actor, data: events.hackathon_challenge_add(actor=actor, **data),
                        lambda _record: reverse(HOME)),
    "team": Record(gettext_lazy("A hackathon team and its result"), forms_staff.TeamForm,
                   lambda actor, data: events.hackathon_team_register(actor=actor, **data),
                   lambda _record: reverse(HOME)),
}


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, kind: str) -> HttpResponse:
    return record_page(request, records=RECORDS, kind=kind,
                       template="participation/record_form.html")
