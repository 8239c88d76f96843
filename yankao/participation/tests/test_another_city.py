"""A city other than the demo (Tainan's files, set up as `yankao city setup` does) runs a
participatory budget from proposals to published results, and an innovation award from
submission to tiers, in 2021: nothing depends on Kaohsiung, the demo or 2018."""

import datetime as dt

import pytest
from django.urls import reverse

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District, Role
from yankao.core.services.city import city_setup
from yankao.core.tests.factories import member
from yankao.core.tests.test_city_setup import tainan
from yankao.participation import selectors, services
from yankao.participation.models import AwardRound, InnovationProposal, Pot, Process
from yankao.participation.services import awards

pytestmark = pytest.mark.django_db


@pytest.fixture
def tainan_city(tmp_path):
    city_setup(actor=None, folder=tainan(tmp_path))
    return {agency.code: agency for agency in Agency.objects.all()}


def test_a_budget_and_an_award_in_another_city(client, tainan_city):
    rdec, east = tainan_city["rdec"], tainan_city["district-east"]
    evaluator = member(Role.EVALUATOR, rdec, "tn_evaluator")
    officer = member(Role.OFFICER, east, "tn_east")
    east_district = District.objects.get(name_zh="東區")

    # The district office sets up its budget on the staff pages.
    client.force_login(officer)
    new = lambda kind: reverse("participation:record-new", args=[kind])  # noqa: E731
    client.post(new("process"), {"code": "east-2021", "name_zh": "東區參與式預算", "year": 2021,
                                 "agency": east.pk, "unit": "Tainan"})
    process = Process.objects.get(code="east-2021")
    client.post(new("pot"), {"process": process.pk, "code": "east", "name_zh": "東區",
                             "budget": 900_000, "ballot_kind": "k-approval", "max_choices": 2,
                             "rule": "greedy", "vote_threshold": 0, "eligibility": "code",
                             "min_age": 16, "age_on": "2021-09-01",
                             "residence": east_district.pk})
    pot = Pot.objects.get(process=process)
    for code, title, cost in (("1", "東區公園步道", 500_000), ("2", "社區共餐", 300_000),
                              ("3", "里民活動中心", 400_000)):
        client.post(new("proposal"), {"pot": pot.pk, "code": code, "title_zh": title,
                                      "cost": cost, "agency": east.pk})
        client.post(new("review"), {"proposal": pot.proposals.get(code=code).pk,
                                    "feasible": "yes"})
    assert pot.proposals.filter(feasibility="feasible").count() == 3
    for phase in ("review", "ballot"):
        services.process_phase_set(actor=officer, process=process, phase=phase)
    pot = services.pot_open(actor=officer, pot=pot)

    west = District.objects.get(name_zh="中西區")
    with pytest.raises(DomainError) as refused:
        services.voter_code_issue(actor=officer, pot=pot, birth_date=dt.date(1990, 1, 1),
                                  district=west)
    assert refused.value.code == ErrorCode.FORBIDDEN
    codes = [services.voter_code_issue(actor=officer, pot=pot, birth_date=dt.date(1990, 1, 1),
                                       district=east_district) for _ in range(5)]
    ids = dict(pot.proposals.values_list("code", "pk"))
    for code, chosen in zip(codes, [("1", "2"), ("1",), ("1", "3"), ("2", "3"), ("2",)],
                            strict=True):
        services.ballot_cast(pot=pot, code=code, choices={ids[c]: 1 for c in chosen})
    pot = services.pot_close(actor=officer, pot=pot)
    tally = services.tally_compute(tally=services.tally_request(actor=officer, pot=pot))
    services.tally_publish(actor=officer, tally=tally)
    services.process_phase_set(actor=officer, process=process, phase="results")
    # Greedy: 2 (3 votes, 300,000), 1 (3 votes, 500,000); 3 no longer fits the 900,000.
    assert set(pot.proposals.filter(selected=True).values_list("code", flat=True)) == {"1", "2"}
    assert selectors.budget_figures(year=2021).proposals == 3
    client.logout()
    public = client.get(reverse("participation:public-results", args=["east-2021", "east"]))
    assert public.status_code == 200 and "東區公園步道" in public.content.decode()

    # The 2021 innovation award: submission, first review, a panel of three, tiers.
    award_round = awards.award_round_create(
        actor=evaluator, year=2021, name_zh="110年度創新提案", criteria=[
            ("創新性", "Innovation", 60), ("可行性", "Feasibility", 40)],
        tiers=[("優等", "Excellent", 1), ("甲等", "First class", 2)])
    proposals = [awards.award_proposal_submit(
        actor=evaluator, award_round=award_round, agency=tainan_city[code],
        title=f"創新提案{n}", summary="摘要") for n, code in enumerate(
            ["works", "epb", "district-west", "district-east"], start=1)]
    award_round = awards.award_stage_advance(actor=evaluator, award_round=award_round)
    for proposal in proposals:
        awards.award_first_review(actor=evaluator, proposal=proposal, passed=True,
                                  note="書面初審通過")
    judges = [member(Role.INSPECTOR, rdec, f"tn_judge{n}") for n in range(3)]
    for n, user in enumerate(judges):
        awards.award_judge_add(actor=evaluator, award_round=award_round, user=user,
                               outside=n == 0)
    award_round = awards.award_stage_advance(actor=evaluator, award_round=award_round)
    criteria = list(award_round.criteria.values_list("pk", flat=True))
    for rank, proposal in enumerate(proposals):
        for user in judges:
            awards.award_score_record(actor=user, proposal=proposal,
                                      scores=dict.fromkeys(criteria, 90 - rank * 5))
    assert not awards.award_scoring_close(actor=evaluator, award_round=award_round)
    awards.award_results_publish(actor=evaluator, award_round=award_round)
    assert AwardRound.objects.get(year=2021).stage == AwardRound.Stage.PUBLISHED
    tiers = dict(InnovationProposal.objects.filter(round__year=2021)
                 .values_list("title", "tier__name_zh"))
    assert tiers == {"創新提案1": "優等", "創新提案2": "甲等", "創新提案3": "甲等",
                     "創新提案4": None}
    page = client.get(reverse("participation:public-awards", args=[2021]))
    assert page.status_code == 200 and "優等" in page.content.decode()
