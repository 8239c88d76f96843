"""The staff's record pages over HTTP: a process, its pot and proposals, the agency's
feasibility review, a judge on a panel, an event and a hackathon's challenges and teams.
Each writes through its service; choices are the person's agencies only; a refusal is
shown on the page with nothing saved."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from yankao.participation.models import (
    Event,
    HackathonTeam,
    Judge,
    Pot,
    Process,
    Proposal,
)
from yankao.participation.services import awards


def new(kind):
    return reverse("participation:record-new", args=[kind])


@pytest.fixture
def staff(client, evaluator):
    client.force_login(evaluator)
    client.cookies["django_language"] = "en"
    return client


def test_a_process_its_pot_proposals_and_their_review(staff, city):
    rdec = city["rdec"]
    assert staff.get(new("process")).status_code == 200
    done = staff.post(new("process"), {"code": "pingtung-2021", "name_zh": "參與式預算",
                                       "year": 2021, "agency": rdec.pk, "unit": "Pingtung"})
    assert done.status_code == 302
    process = Process.objects.get(code="pingtung-2021")
    done = staff.post(new("pot"), {
        "process": process.pk, "code": "city", "name_zh": "全市", "budget": 1_000_000,
        "ballot_kind": "k-approval", "max_choices": 2, "rule": "greedy",
        "completion": "", "vote_threshold": 0, "eligibility": "code"})
    pot = Pot.objects.get(process=process)
    assert done["Location"] == reverse("participation:pot", args=[pot.pk])
    assert (pot.ballot_kind, pot.max_choices, pot.rule) == ("k-approval", 2, "greedy")
    # A k-approval ballot without its k: the service refuses, nothing saved.
    refused = staff.post(new("pot"), {
        "process": process.pk, "code": "other", "name_zh": "其他", "budget": 5,
        "ballot_kind": "k-approval", "rule": "greedy", "vote_threshold": 0,
        "eligibility": "code"})
    assert refused.status_code == 422 and Pot.objects.count() == 1
    for code, cost in (("1", 400_000), ("2", 700_000)):
        staff.post(new("proposal"), {"pot": pot.pk, "code": code, "title_zh": f"提案{code}",
                                     "cost": cost, "agency": rdec.pk})
    assert list(pot.proposals.values_list("code", flat=True)) == ["1", "2"]
    second = pot.proposals.get(code="2")
    no_reason = staff.post(new("review"), {"proposal": second.pk, "feasible": "no"})
    assert no_reason.status_code == 422
    assert "Say why the proposal is not feasible." in no_reason.content.decode()
    second.refresh_from_db()
    assert second.feasibility == Proposal.Feasibility.PENDING
    staff.post(new("review"), {"proposal": second.pk, "feasible": "no",
                               "reason": "用地非市有"})
    staff.post(new("review"), {"proposal": pot.proposals.get(code="1").pk, "feasible": "yes",
                               "cost": 380_000})
    assert dict(pot.proposals.values_list("code", "feasibility")) == {
        "1": "feasible", "2": "unfeasible"}
    assert pot.proposals.get(code="1").cost == 380_000


def test_an_agency_records_only_for_itself(client, city, epb_officer):
    client.force_login(epb_officer)
    page = client.get(new("event")).content.decode()
    assert f'value="{city["environmental-protection"].pk}"' in page
    assert f'value="{city["rdec"].pk}"' not in page
    refused = client.post(new("process"), {"code": "x-2021", "name_zh": "x", "year": 2021,
                                           "agency": city["rdec"].pk, "unit": "Kaohsiung"})
    assert refused.status_code == 422 and not Process.objects.exists()


def test_events_hackathons_and_judges(staff, city, evaluator, django_user_model):
    rdec = city["rdec"]
    staff.post(new("event"), {"kind": "hackathon", "title": "Civic hackathon 2021",
                              "held_on": "2021-10-02", "agency": rdec.pk, "attendance": 120})
    hackathon = Event.objects.get()
    assert (hackathon.held_on, hackathon.attendance) == (dt.date(2021, 10, 2), 120)
    staff.post(new("challenge"), {"event": hackathon.pk, "title": "Bus stops",
                                  "agency": city["transportation"].pk})
    challenge = hackathon.challenges.get()
    staff.post(new("team"), {"challenge": challenge.pk, "name": "Team 1", "members": 4,
                             "stage": "final", "score": 91, "prize": "Gold"})
    over = staff.post(new("team"), {"challenge": challenge.pk, "name": "Team 2",
                                    "members": 3, "stage": "final", "score": 101})
    assert over.status_code == 422
    assert list(HackathonTeam.objects.values_list("name", "score", "prize")) == [
        ("Team 1", 91, "Gold")]
    award_round = awards.award_round_create(
        actor=evaluator, year=2021, name_zh="110年度市政創新提案", criteria=[("創新性", "", 100)],
        tiers=[("優等", "", 1)], aggregation="mean")
    django_user_model.objects.create(username="prof_lin", is_active=False)
    unknown = staff.post(new("judge"), {"award_round": award_round.pk, "username": "nobody"})
    assert unknown.status_code == 422 and "No user has this name." in unknown.content.decode()
    done = staff.post(new("judge"), {"award_round": award_round.pk, "username": "prof_lin",
                                     "outside": "on", "affiliation": "University"})
    assert done["Location"] == reverse("participation:award-round", args=[2021])
    judge = Judge.objects.get()
    assert (judge.user.username, judge.outside, judge.affiliation) == (
        "prof_lin", True, "University")


def test_the_pages_need_a_sign_in_and_the_csrf_token(client, city, evaluator):
    assert client.get(new("process"))["Location"].startswith(reverse("login"))
    assert client.get(new("nothing")).status_code in (302, 404)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(evaluator)
    assert strict.get(new("nothing")).status_code == 404
    assert strict.post(new("event"), {"kind": "forum"}).status_code == 403
