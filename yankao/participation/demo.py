"""Demo records of participation, reproducing section 壹 of the 2018 report: 69 staff
innovation proposals → a panel of 7 → 優等 4, 甲等 17, 乙等 13, 佳作 11, adopted and
followed up; the youth participatory budget (4 themes, 9 winning proposals handed to
agencies); the 前鎮區 district pilot (15 proposals, public vote, 5 winners, then built);
12 university presidents' meetings; the 2018 campus hackathon (9 agencies' challenges,
30 teams in the semi-final). Ballots grow with the scale; the counted records do not."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from yankao.core.models import Agency, District
from yankao.participation import services
from yankao.participation.models import (
    AwardRound,
    Ballot,
    Event,
    HackathonTeam,
    InnovationProposal,
    Process,
    Score,
)
from yankao.participation.services import awards, events

DEMO_ORDER = 50

YOUTH_THEMES = [  # (code, theme, English, [(winner title, cost)], [(other title, cost)])
    ("startups", "創業創新", "Start-ups and innovation",
     [("青年創業共享空間", 900_000), ("校園創新市集", 600_000), ("創業導師媒合平台", 500_000)],
     [("創新競賽獎金", 700_000)]),
    ("jobs", "就業媒合", "Job matching",
     [("青年職涯探索營", 450_000), ("在地企業實習媒合", 550_000)], [("求職履歷工作坊", 300_000)]),
    ("welfare", "社會福利", "Social welfare",
     [("青年照顧者支持團體", 500_000), ("社區食物銀行志工隊", 400_000)],
     [("弱勢學生課輔", 600_000)]),
    ("international", "國際參與", "International participation",
     [("國際青年交流論壇", 650_000), ("城市外語導覽志工", 350_000)],
     [("姊妹市青年互訪", 800_000)]),
]
QIANZHEN_WINNERS = [
    ("蝸牛屋關懷據點", "西甲", 230_000), ("健康Easy Go", "崗山仔", 180_000),
    ("活跳跳銀髮健身俱樂部", "籬子內", 260_000), ("漁港裝笑微+幸福", "草衙", 210_000),
    ("前鎮老人手機班", "前鎮", 120_000)]
QIANZHEN_OTHERS = [("公園兒童遊具更新", 350_000), ("社區綠美化", 150_000),
                   ("巷弄路燈節能", 300_000), ("里民活動中心桌椅", 90_000),
                   ("社區共餐廚房", 280_000), ("防災演練計畫", 110_000),
                   ("街角書櫃", 60_000), ("社區導覽地圖", 80_000), ("樂齡歌唱班", 70_000),
                   ("親子共讀週末", 95_000)]
AWARD_TIERS = [("優等", "Excellent", 4), ("甲等", "First class", 17), ("乙等", "Second class", 13),
               ("佳作", "Merit", 11)]
AWARD_CRITERIA = [("創新性", "Innovation", 40), ("可行性", "Feasibility", 30),
                  ("效益", "Benefit", 30)]
HACKATHON_AGENCIES = ["civil-affairs", "transportation", "social-affairs", "education",
                      "tourism", "environmental-protection", "labor", "health", "rdec"]


def build(ctx) -> None:
    rng = ctx.rng_for("participation")
    rdec = Agency.objects.get(code="rdec")
    with transaction.atomic():
        _innovation_awards(ctx, rng, rdec)
        _youth_budget(ctx, rng, rdec)
        _qianzhen_pilot(ctx, rng)
        _events(rng, rdec)


def _agencies_for_proposals():
    return list(Agency.objects.filter(kind__in=[Agency.Kind.FIRST_LEVEL,
                                                Agency.Kind.DISTRICT_OFFICE])
                .order_by("sort_order", "code"))


def _innovation_awards(ctx, rng, rdec) -> None:
    from django.contrib.auth import get_user_model

    award_round = awards.award_round_create(
        actor=None, year=2018, name_zh="107年度市政創新提案",
        name_en="2018 staff innovation awards",
        criteria=AWARD_CRITERIA, tiers=AWARD_TIERS, aggregation="mean")
    agencies = _agencies_for_proposals()
    proposals = [awards.award_proposal_submit(
        actor=None, award_round=award_round, agency=agencies[(n * 7) % len(agencies)],
        title=f"{agencies[(n * 7) % len(agencies)].short_name_zh or '機關'}創新提案第{n + 1}號",
        summary="以數位工具簡化申辦流程，縮短民眾等候時間並減少紙本作業。")
        for n in range(69)]
    AwardRound.objects.filter(pk=award_round.pk).update(stage=AwardRound.Stage.FIRST_REVIEW)
    for proposal in proposals:
        awards.award_first_review(actor=None, proposal=proposal, passed=True,
                                  note="書面初審：具體可行，送評審小組評選。")
    user_model = get_user_model()
    judges = []
    for n in range(7):
        user = user_model.objects.create(username=f"judge{n + 1}", first_name="評審",
                                         last_name=f"委員{n + 1}", is_active=False)
        judges.append(awards.award_judge_add(
            actor=None, award_round=award_round, user=user, outside=n < 4,
            affiliation="大學教授" if n < 4 else "市府代表"))
    awards.award_recusal_declare(actor=None, judge=judges[5], proposal=proposals[3],
                                 reason="提案機關為本人服務機關")
    award_round = awards.award_stage_advance(actor=None, award_round=award_round)
    criteria = list(award_round.criteria.values_list("pk", flat=True))
    scores = []
    for number, proposal in enumerate(proposals):
        quality = 92 - number * 0.45  # a clear order, so the tiers follow the report
        for judge in judges:
            if judge == judges[5] and proposal == proposals[3]:
                continue
            for criterion in criteria:
                value = max(40, min(99, round(quality + rng.uniform(-3, 3))))
                scores.append(Score(judge=judge, proposal=proposal, criterion_id=criterion,
                                    value=value))
    # One judge's marks far from the others', resolved in writing below.
    for score in scores:
        if score.judge == judges[6] and score.proposal == proposals[10]:
            score.value = 40
    # Scores are written in one go here; judges enter theirs through award_score_record.
    Score.objects.bulk_create(scores)
    flags = awards.award_scoring_close(actor=None, award_round=award_round)
    for flag in flags:
        awards.award_outlier_resolve(actor=None, flag=flag, exclude=False,
                                     resolution="評審小組會議確認該委員評分理由，予以保留。")
    awards.award_results_publish(actor=None, award_round=award_round)
    for proposal in InnovationProposal.objects.filter(
            round=award_round, tier__order__lte=2).select_related("agency").order_by("rank"):
        adoption = awards.adoption_request(actor=None, proposal=proposal, agency=proposal.agency,
                                           sent_on=dt.date(2018, 11, 20))
        if proposal.rank % 3:
            awards.adoption_reply(actor=None, adoption=adoption, reply="已納入明年度工作計畫參採。",
                                  adopted=True, replied_on=dt.date(2018, 12, 14))


VOTERS = 1_200  # ballots in a pot at scale 1


def _cast(ctx, rng, pot, *, plan, clerk) -> None:
    """Ballots from a plan [(share of voters, [proposal codes])], each with its one-time
    code; about a third on paper, entered by the commission's clerk. They are counted
    through the batch service (each checked as one ballot is), online and paper apart."""
    voters = max(60, ctx.scaled(VOTERS))
    proposals = dict(pot.proposals.values_list("code", "pk"))
    codes = services.voter_codes_generate(actor=None, pot=pot, count=voters, batch="demo")
    entries: dict[bool, list] = {False: [], True: []}
    position = 0
    for share, chosen in plan:
        for _ in range(max(1, round(voters * share))):
            if position >= len(codes):
                break
            paper = clerk is not None and rng.random() < 0.3
            entries[paper].append(services.BallotEntry(
                code=codes[position], choices={proposals[c]: 1 for c in chosen},
                channel=Ballot.Channel.PAPER if paper else Ballot.Channel.ONLINE))
            position += 1
    for paper, batch in entries.items():
        if batch:
            services.ballots_cast_batch(actor=clerk if paper else None, pot=pot, entries=batch)


def _clerk():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="evaluator").first()


def _open_and_count(pot, rng, ctx, plan) -> None:
    Process.objects.filter(pk=pot.process_id).update(phase=Process.Phase.BALLOT)
    pot = services.pot_open(actor=None, pot=pot)
    _cast(ctx, rng, pot, plan=plan, clerk=_clerk())
    pot = services.pot_close(actor=None, pot=pot)
    tally = services.tally_compute(tally=services.tally_request(actor=None, pot=pot))
    services.tally_publish(actor=None, tally=tally)


def _youth_budget(ctx, rng, rdec) -> None:
    process = services.process_create(
        actor=None, code="youth-2018", name_zh="stand by youth 青年參與式預算",
        name_en="Stand by youth: the youth participatory budget", year=2018, agency=rdec,
        unit="Kaohsiung")
    agencies = {"startups": "economic-development", "jobs": "labor",
                "welfare": "social-affairs", "international": "rdec"}
    for code, theme, theme_en, winners, others in YOUTH_THEMES:
        # Each winner's supporters hold a little more than its cost (85 % of the voters
        # share the winners by cost; the budget is the winners' cost / 0.8), and the money
        # left cannot buy the other proposal: equal shares' outcome is exhaustive at once.
        winners_cost = sum(c for _title, c in winners)
        budget = -(-winners_cost * 5 // 4000) * 1000
        pot = services.pot_create(actor=None, process=process, code=code, name_zh=theme,
                                  name_en=theme_en, theme=theme, budget=budget,
                                  ballot_kind="k-approval", max_choices=2, min_age=16,
                                  max_age=35, age_on=dt.date(2018, 9, 1), rule="mes",
                                  completion="add1-exhaustive", eligibility="code")
        agency = Agency.objects.get(code=agencies[code])
        for number, (title, cost) in enumerate(winners + others, start=1):
            proposal = services.proposal_create(actor=None, pot=pot, code=str(number),
                                                title_zh=title, cost=cost, agency=agency)
            services.proposal_review(actor=None, proposal=proposal, feasible=True)
        n = len(winners)
        plan = [(0.85 * c / winners_cost, [str(k + 1)]) for k, (_t, c) in enumerate(winners)]
        _open_and_count(pot, rng, ctx, [*plan, (0.15, [str(n + 1)])])
    Process.objects.filter(pk=process.pk).update(phase=Process.Phase.EXECUTION)


def _qianzhen_pilot(ctx, rng) -> None:
    district = District.objects.get(name_zh="前鎮區")
    process = services.process_create(
        actor=None, code="qianzhen-2018", name_zh="前鎮區區政建設公民參與計畫",
        name_en="Qianzhen District: citizens decide district works", year=2018,
        agency=district.office, unit="Kaohsiung")
    budget = sum(cost for _t, _l, cost in QIANZHEN_WINNERS)
    pot = services.pot_create(actor=None, process=process, code="qianzhen", name_zh="前鎮區",
                              name_en="Qianzhen District", district=district, budget=budget,
                              ballot_kind="k-approval", max_choices=3, rule="greedy",
                              residence=district, eligibility="code")
    entries = [(f"{place}「{title}」", cost) for title, place, cost in QIANZHEN_WINNERS]
    entries += QIANZHEN_OTHERS
    for number, (title, cost) in enumerate(entries, start=1):
        proposal = services.proposal_create(actor=None, pot=pot, code=str(number),
                                            title_zh=title, cost=cost, agency=district.office)
        services.proposal_review(actor=None, proposal=proposal, feasible=True)
    plan = [(0.12, ["1", "2", "3"]), (0.12, ["2", "4", "5"]), (0.12, ["1", "3", "5"]),
            (0.12, ["3", "4", "6"]), (0.1, ["1", "5", "7"]), (0.1, ["2", "4", "8"]),
            (0.08, ["9", "10"]), (0.08, ["11", "12", "13"]), (0.08, ["14", "15", "6"]),
            (0.08, ["7", "8", "9"])]
    _open_and_count(pot, rng, ctx, plan)
    for proposal in pot.proposals.filter(selected=True):
        services.proposal_execution_report(
            actor=None, proposal=proposal, status="done" if proposal.code in "135" else
            "in_progress", note="107年12月已有初步成果。", completed_on=dt.date(2018, 12, 20))


def _events(rng, rdec) -> None:
    # 12 meetings of university presidents and the mayor, June 2011 to December 2018.
    days = [dt.date(2011, 6, 20), dt.date(2012, 3, 12), dt.date(2012, 11, 5),
            dt.date(2013, 6, 17), dt.date(2014, 3, 24), dt.date(2014, 12, 1),
            dt.date(2015, 9, 14), dt.date(2016, 5, 23), dt.date(2016, 12, 12),
            dt.date(2017, 6, 26), dt.date(2018, 5, 28), dt.date(2018, 12, 17)]
    for number, day in enumerate(days, start=1):
        events.event_record(actor=None, kind=Event.Kind.PRESIDENTS,
                            title=f"高雄的大學‧高雄的智庫：大學校長與市長下午茶會（第{number}次）",
                            held_on=day, agency=rdec, attendance=rng.randint(18, 30))
    hackathon = events.event_record(actor=None, kind=Event.Kind.HACKATHON,
                                    title="SMART 高雄‧校園創意市政提案競賽（學分型黑客松）",
                                    held_on=dt.date(2018, 11, 24), agency=rdec,
                                    attendance=180)
    challenges = [events.hackathon_challenge_add(
        actor=None, event=hackathon, agency=Agency.objects.get(code=code),
        title=f"{Agency.objects.get(code=code).short_name_zh or '研考會'}市政課題")
        for code in HACKATHON_AGENCIES]
    for number in range(36):
        stage = HackathonTeam.Stage.SEMIFINAL if number < 30 else HackathonTeam.Stage.REGISTERED
        if number < 6:
            stage = HackathonTeam.Stage.FINAL
        events.hackathon_team_register(
            actor=None, challenge=challenges[number % len(challenges)], name=f"第{number + 1}隊",
            members=rng.randint(3, 5), stage=stage,
            score=rng.randint(70, 95) if stage != HackathonTeam.Stage.REGISTERED else None,
            prize="金獎" if number == 0 else "")

