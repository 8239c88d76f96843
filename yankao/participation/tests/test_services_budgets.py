"""Participatory budgets through the services: eligibility, one ballot per voter, ballot
limits, frozen rules, paper and online ballots merged, tallies published. Every refusal
leaves nothing behind but its audit event."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent, District
from yankao.participation import services
from yankao.participation.audit import ParticipationAction as Action
from yankao.participation.models import Ballot, BallotChoice, Participation, Pot, Proposal, Tally


def ids(pot, *codes):
    return {pot.proposals.get(code=code).pk: 1 for code in codes}


def counts():
    return (Ballot.objects.count(), BallotChoice.objects.count(), Participation.objects.count())


def refused(action) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_a_code_votes_once_and_the_second_ballot_is_refused(voting_pot, evaluator, district):
    code = services.voter_code_issue(actor=evaluator, pot=voting_pot,
                                     birth_date=dt.date(1990, 5, 1), district=district)
    services.ballot_cast(pot=voting_pot, code=code, choices=ids(voting_pot, "1", "2"))
    before = counts()
    with pytest.raises(DomainError) as error:
        services.ballot_cast(pot=voting_pot, code=code, choices=ids(voting_pot, "3"))
    assert error.value.code == ErrorCode.CONFLICT
    assert "already been used" in error.value.message
    assert counts() == before
    event = refused(Action.BALLOT_REFUSED)
    assert "already been used" in event.reason
    assert code not in str(event.data) and code not in event.reason


def test_the_database_refuses_a_second_participation(voting_pot):
    Participation.objects.create(pot=voting_pot, voter_key="k", day=dt.date(2018, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(pot=voting_pot, voter_key="k", day=dt.date(2018, 3, 1))


def test_an_account_votes_once(voting_pot, evaluator, district, django_user_model):
    citizen = django_user_model.objects.create_user("citizen1", password="x")
    with pytest.raises(DomainError, match="no verified birth date"):
        services.ballot_cast(pot=voting_pot, user=citizen, choices=ids(voting_pot, "1"))
    services.resident_verify(actor=evaluator, user=citizen, birth_date=dt.date(2001, 1, 1),
                             district=district)
    services.ballot_cast(pot=voting_pot, user=citizen, choices=ids(voting_pot, "1"))
    before = counts()
    with pytest.raises(DomainError, match="already voted"):
        services.ballot_cast(pot=voting_pot, user=citizen, choices=ids(voting_pot, "2"))
    assert counts() == before


def test_outside_eligibility_is_refused(voting_pot, evaluator, district):
    other = District.objects.exclude(pk=district.pk).first()
    with pytest.raises(DomainError, match="Only residents of"):
        services.voter_code_issue(actor=evaluator, pot=voting_pot,
                                  birth_date=dt.date(1990, 1, 1), district=other)
    with pytest.raises(DomainError, match="aged 16"):
        services.voter_code_issue(actor=evaluator, pot=voting_pot,
                                  birth_date=dt.date(2003, 1, 1), district=district)
    assert voting_pot.codes.count() == 0
    assert AuditEvent.objects.filter(action=Action.CODE_REFUSED).count() == 2


def test_a_ballot_over_its_limit_is_refused(voting_pot, evaluator, district):
    code = services.voter_code_issue(actor=evaluator, pot=voting_pot,
                                     birth_date=dt.date(1990, 5, 1), district=district)
    before = counts()
    with pytest.raises(DomainError, match="at most 2 projects"):
        services.ballot_cast(pot=voting_pot, code=code, choices=ids(voting_pot, "1", "2", "3"))
    with pytest.raises(DomainError, match="at least one"):
        services.ballot_cast(pot=voting_pot, code=code, choices={})
    with pytest.raises(DomainError, match="not a code of this pot"):
        services.ballot_cast(pot=voting_pot, code="AAAA-BBBB-CC", choices=ids(voting_pot, "1"))
    assert counts() == before
    assert AuditEvent.objects.filter(action=Action.BALLOT_REFUSED).count() == 3
    # The code was not spent by the refused attempts.
    services.ballot_cast(pot=voting_pot, code=code, choices=ids(voting_pot, "4"))


def test_knapsack_and_points_limits(city, evaluator):
    process = services.process_create(actor=evaluator, code="youth-2018", name_zh="青年",
                                      year=2018, agency=city["rdec"], unit="Kaohsiung")
    knapsack = services.pot_create(actor=evaluator, process=process, code="k", name_zh="甲",
                                   budget=500, ballot_kind="knapsack", eligibility="code")
    points = services.pot_create(actor=evaluator, process=process, code="p", name_zh="乙",
                                 budget=500, ballot_kind="points", max_points=5,
                                 eligibility="code")
    for pot in (knapsack, points):
        for code, cost in (("a", 300), ("b", 300)):
            proposal = services.proposal_create(actor=evaluator, pot=pot, code=code,
                                                title_zh=code, cost=cost)
            services.proposal_review(actor=evaluator, proposal=proposal, feasible=True)
    services.process_phase_set(actor=evaluator, process=process, phase="review")
    services.process_phase_set(actor=evaluator, process=process, phase="ballot")
    for pot in (knapsack, points):
        services.pot_open(actor=evaluator, pot=pot)
    [code] = services.voter_codes_generate(actor=evaluator, pot=knapsack, count=1, batch="t")
    with pytest.raises(DomainError, match="more than the budget"):
        services.ballot_cast(pot=knapsack, code=code, choices=ids(knapsack, "a", "b"))
    [code] = services.voter_codes_generate(actor=evaluator, pot=points, count=1, batch="t")
    a, b = (points.proposals.get(code=c).pk for c in "ab")
    with pytest.raises(DomainError, match="You gave 6 points"):
        services.ballot_cast(pot=points, code=code, choices={a: 4, b: 2})
    services.ballot_cast(pot=points, code=code, choices={a: 3, b: 2})
    assert sorted(BallotChoice.objects.values_list("points", flat=True)) == [2, 3]


def test_rules_are_frozen_once_voting_opens(voting_pot, evaluator):
    with pytest.raises(DomainError) as error:
        services.pot_rules_update(actor=evaluator, pot=voting_pot, rule="greedy", budget=2)
    assert error.value.code == ErrorCode.INVALID_STATE
    assert "frozen when voting opened" in error.value.message
    voting_pot.refresh_from_db()
    assert (voting_pot.rule, voting_pot.budget) == ("mes", 1_000_000)
    event = refused(Action.POT_RULES_REFUSED)
    assert event.data["fields"] == ["budget", "rule"]


def test_an_unfeasible_proposal_needs_a_reason(city, evaluator):
    process = services.process_create(actor=evaluator, code="x", name_zh="x", year=2018,
                                      agency=city["rdec"], unit="Kaohsiung")
    pot = services.pot_create(actor=evaluator, process=process, code="x", name_zh="x",
                              budget=10)
    proposal = services.proposal_create(actor=evaluator, pot=pot, code="1", title_zh="x",
                                        cost=5)
    with pytest.raises(DomainError, match="Say why"):
        services.proposal_review(actor=evaluator, proposal=proposal, feasible=False)
    services.proposal_review(actor=evaluator, proposal=proposal, feasible=False,
                             reason="用地非市有")
    assert Proposal.objects.get().feasibility_reason == "用地非市有"


def test_an_officer_of_another_agency_cannot_run_the_pot(voting_pot, epb_officer):
    with pytest.raises(DomainError) as error:
        services.voter_codes_generate(actor=epb_officer, pot=voting_pot, count=3, batch="x")
    assert error.value.code == ErrorCode.FORBIDDEN
    assert voting_pot.codes.count() == 0


def test_paper_and_online_ballots_are_counted_together(voting_pot, evaluator, district):
    online = services.voter_codes_generate(actor=evaluator, pot=voting_pot, count=3, batch="o")
    paper = services.voter_codes_generate(actor=evaluator, pot=voting_pot, count=2, batch="p")
    for code in online:
        services.ballot_cast(pot=voting_pot, code=code, choices=ids(voting_pot, "1", "4"))
    for code in paper:
        services.ballot_cast(pot=voting_pot, code=code, choices=ids(voting_pot, "2"),
                             channel=Ballot.Channel.PAPER, actor=evaluator)
    with pytest.raises(DomainError):  # a paper ballot is staff's to enter
        services.ballot_cast(pot=voting_pot, code="X", choices=ids(voting_pot, "2"),
                             channel=Ballot.Channel.PAPER)
    services.pot_close(actor=evaluator, pot=voting_pot)
    election = services.pot_election(voting_pot)
    assert election.voters == 5
    tally = services.tally_compute(tally=services.tally_request(actor=evaluator, pot=voting_pot))
    assert tally.status == Tally.Status.DONE and tally.ballots == 5
    assert set(tally.winners) == {"1", "2", "4"}
    assert tally.explanation["rounds"][0]["project"] in {"1", "4"}
    services.tally_publish(actor=evaluator, tally=tally)
    assert set(Proposal.objects.filter(pot=voting_pot, selected=True)
               .values_list("code", flat=True)) == {"1", "2", "4"}
    assert Pot.objects.get(pk=voting_pot.pk).tallies.get(official=True) == tally


def test_a_batch_of_paper_ballots_is_counted_whole_or_refused_whole(voting_pot, evaluator):
    codes = services.voter_codes_generate(actor=evaluator, pot=voting_pot, count=4,
                                          batch="station 1")
    entry = services.BallotEntry
    # The third ballot repeats the first code: the batch is refused, naming it.
    before = counts()
    with pytest.raises(DomainError, match="Ballot 3: This code has already been used"):
        services.ballots_cast_batch(actor=evaluator, pot=voting_pot, entries=[
            entry(codes[0], ids(voting_pot, "1")), entry(codes[1], ids(voting_pot, "2")),
            entry(codes[0], ids(voting_pot, "3"))])
    with pytest.raises(DomainError, match="Ballot 2: Choose at most 2 projects"):
        services.ballots_cast_batch(actor=evaluator, pot=voting_pot, entries=[
            entry(codes[0], ids(voting_pot, "1")),
            entry(codes[1], ids(voting_pot, "1", "2", "3"))])
    with pytest.raises(DomainError, match="entered by staff"):
        services.ballots_cast_batch(actor=None, pot=voting_pot,
                                    entries=[entry(codes[0], ids(voting_pot, "1"))])
    assert counts() == before
    assert AuditEvent.objects.filter(action=Action.BALLOT_REFUSED).count() == 3
    assert not voting_pot.codes.filter(used=True).exists()

    counted = services.ballots_cast_batch(actor=evaluator, pot=voting_pot, entries=[
        entry(codes[0], ids(voting_pot, "1", "2")), entry(codes[1], ids(voting_pot, "2")),
        entry(codes[2], ids(voting_pot, "2", "4"), channel=Ballot.Channel.ONLINE)])
    assert counted == 3
    assert counts() == (before[0] + 3, before[1] + 5, before[2] + 3)
    assert voting_pot.codes.filter(used=True).count() == 3
    event = AuditEvent.objects.filter(action=Action.BALLOTS_BATCH).get()
    assert event.data == {"online": 1, "paper": 2}
    # A spent code cannot vote again, one at a time or in a batch.
    with pytest.raises(DomainError, match="already been used"):
        services.ballot_cast(pot=voting_pot, code=codes[1], choices=ids(voting_pot, "3"))
    with pytest.raises(DomainError, match="Ballot 2: This code has already been used"):
        services.ballots_cast_batch(actor=evaluator, pot=voting_pot, entries=[
            entry(codes[3], ids(voting_pot, "1")), entry(codes[2], ids(voting_pot, "1"))])
    tally = services.tally_compute(tally=services.tally_request(
        actor=evaluator, pot=services.pot_close(actor=evaluator, pot=voting_pot)))
    assert tally.ballots == 3
