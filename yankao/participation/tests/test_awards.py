"""The innovation award from submission to published tiers, over HTTP: agencies submit,
the commission writes the first review, the panel scores with a recusal, the rule is
declared before scoring, an outlier is resolved in writing, tiers are filled by quota,
the anonymised matrix is public, adoption is followed up."""

from fractions import Fraction

import pytest
from django.urls import reverse

from yankao.core.models import AuditEvent, Role
from yankao.core.tests.factories import member
from yankao.participation import awards_rules
from yankao.participation.audit import ParticipationAction as Action
from yankao.participation.models import AwardRound, InnovationProposal, Score
from yankao.participation.services import awards as services


@pytest.fixture
def award_round(evaluator):
    return services.award_round_create(
        actor=evaluator, year=2018, name_zh="107年度市政創新提案",
        criteria=[("創新性", "Innovation", 40), ("可行性", "Feasibility", 30),
                  ("效益", "Benefit", 30)],
        tiers=[("優等", "Excellent", 1), ("甲等", "First", 1), ("乙等", "Second", 1),
               ("佳作", "Merit", 1)])


def post(client, user, name, *args, **data):
    client.force_login(user)
    return client.post(reverse(name, args=args), data)


def test_award_flow_from_submission_to_published_tiers(client, city, evaluator, officer,
                                                      award_round):
    year = award_round.year
    for n in range(1, 6):
        response = post(client, officer, "participation:award-round-action", year, "submit",
                        agency=city["pwb-maintenance"].pk, title=f"提案{n}", summary="摘要")
        assert response.status_code == 302
    assert award_round.proposals.count() == 5
    post(client, evaluator, "participation:award-round-action", year, "advance")
    for n in range(1, 6):
        post(client, evaluator, "participation:award-proposal-action", year, n, "review",
             passed="0" if n == 5 else "1", note="書面初審意見")
    judges = [member(Role.INSPECTOR, city["rdec"], f"judge{n}") for n in range(4)]
    # Judges join before scoring opens.
    award_round.stage = AwardRound.Stage.FIRST_REVIEW
    panel = [services.award_judge_add(actor=evaluator, award_round=award_round, user=user,
                                      outside=n < 2) for n, user in enumerate(judges)]
    post(client, evaluator, "participation:award-round-action", year, "advance")
    award_round.refresh_from_db()
    assert award_round.stage == "scoring" and award_round.rule_declared_at

    # The rule cannot change any more.
    post(client, evaluator, "participation:award-round-action", year, "rule",
         aggregation="trimmed")
    award_round.refresh_from_db()
    assert award_round.aggregation == "mean"
    assert AuditEvent.objects.filter(action=Action.AWARD_RULE_REFUSED).exists()

    criteria = list(award_round.criteria.values_list("pk", flat=True))

    def score(user, number, values):
        return post(client, user, "participation:award-proposal-action", year, number, "score",
                    **{f"criterion_{c}": v for c, v in zip(criteria, values, strict=True)})

    # Judge 0 declares a conflict with proposal 1, then cannot score it.
    post(client, judges[0], "participation:award-proposal-action", year, 1, "recuse",
         reason="提案人為配偶")
    score(judges[0], 1, [90, 90, 90])
    assert not Score.objects.filter(judge=panel[0], proposal__number=1).exists()
    refused = AuditEvent.objects.filter(action=Action.AWARD_SCORE_REFUSED).latest("pk")
    assert refused.data["code"] == "forbidden" and refused.reason
    # A score out of range is refused; nothing saved.
    score(judges[1], 1, [101, 80, 80])
    assert not Score.objects.filter(judge=panel[1]).exists()
    assert AuditEvent.objects.filter(action=Action.AWARD_SCORE_REFUSED).count() == 2

    marks = {1: [95, 90, 92, 91], 2: [85, 86, 84, 40], 3: [75, 77, 76, 78], 4: [65, 66, 67, 64]}
    for number, per_judge in marks.items():
        for judge, mark in zip(judges, per_judge, strict=True):
            if judge == judges[0] and number == 1:
                continue
            assert score(judge, number, [mark] * 3).status_code == 302
    post(client, evaluator, "participation:award-round-action", year, "close")
    award_round.refresh_from_db()
    [flag] = award_round.proposals.get(number=2).outliers.all()
    assert flag.judge == panel[3]
    # Not published while the outlier has no written resolution.
    post(client, evaluator, "participation:award-round-action", year, "publish")
    award_round.refresh_from_db()
    assert award_round.stage == "results"
    post(client, evaluator, "participation:award-round-action", year, "outlier",
         flag=flag.pk, resolution="評審委員確認評分有誤，依會議決議不採計", exclude="1")
    post(client, evaluator, "participation:award-round-action", year, "publish")
    award_round.refresh_from_db()
    assert award_round.stage == "published"
    tiers = dict(InnovationProposal.objects.filter(round=award_round)
                 .values_list("number", "tier__name_zh"))
    assert tiers == {1: "優等", 2: "甲等", 3: "乙等", 4: "佳作", 5: None}

    client.logout()
    public = client.get(reverse("participation:public-awards", args=[year])).content.decode()
    assert "優等" in public and "—" in public
    assert all(judge.username not in public for judge in judges)

    # Adoption: sent to an agency, which replies.
    post(client, evaluator, "participation:award-proposal-action", year, 1, "adopt",
         agency=city["pwb-maintenance"].pk)
    adoption = InnovationProposal.objects.get(round=award_round, number=1).adoptions.get()
    post(client, officer, "participation:award-proposal-action", year, 1, "reply",
         adoption=adoption.pk, reply="已納入明年度計畫", adopted="1")
    adoption.refresh_from_db()
    assert adoption.adopted is True and adoption.reply == "已納入明年度計畫"


def test_aggregation_rules():
    totals = {(1, 10): Fraction(90), (2, 10): Fraction(80), (3, 10): Fraction(40),
              (1, 11): Fraction(70), (2, 11): Fraction(60), (3, 11): Fraction(65)}
    assert awards_rules.aggregate(totals, "mean") == {10: Fraction(70), 11: Fraction(65)}
    assert awards_rules.aggregate(totals, "trimmed") == {10: Fraction(80), 11: Fraction(65)}
    z = awards_rules.aggregate(totals, "zscore")
    assert z[10] > z[11]
    # Leave-one-out: 40 is 45 points from the others' 85, and 90 is 30 from their 60.
    assert awards_rules.outliers(totals, 20) == [(1, 10, Fraction(90), Fraction(60)),
                                                 (3, 10, Fraction(40), Fraction(85))]
    assert awards_rules.outliers(totals, 40) == [(3, 10, Fraction(40), Fraction(85))]
    assert awards_rules.fill_tiers([5, 6, 7], [(1, 1), (2, 1)]) == {5: 1, 6: 2, 7: None}
