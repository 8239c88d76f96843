"""Demo records of research and publications, reproducing section 壹 of the 2018 report:
a commissioned study finished in December and the second-phase 1999 big-data study; 7
thesis grants and 4 awards; published overseas-trip reports with recommendations and the
agencies' replies; the City Development journal (issues 23 and 24); 11 glossary terms
approved in 2018; Government Service Award nominations (71 agencies → 6 recommended);
phone courtesy tests (58 agencies × 272 calls × 2 rounds = 544 samples, 85.14 and
84.84)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from yankao.core.calendar import TAIPEI
from yankao.core.models import Agency
from yankao.research import services
from yankao.research.models import ThesisGrant

DEMO_ORDER = 55

GLOSSARY_2018 = [
    ("road", "博愛二路", "Bo'ai 2nd Rd."), ("road", "民族一路", "Minzu 1st Rd."),
    ("road", "凱旋四路", "Kaixuan 4th Rd."), ("place", "旗津", "Cijin"),
    ("place", "蓮池潭", "Lotus Pond"), ("venue", "駁二藝術特區", "The Pier-2 Art Center"),
    ("venue", "高雄流行音樂中心", "Kaohsiung Music Center"),
    ("venue", "衛武營國家藝術文化中心", "National Kaohsiung Center for the Arts (Weiwuying)"),
    ("venue", "高雄展覽館", "Kaohsiung Exhibition Center"),
    ("agency", "高雄市政府研究發展考核委員會", "Research, Development and Evaluation Commission"),
    ("agency", "高雄市前鎮區公所", "Qianzhen District Office"),
]
GLOSSARY_EARLIER = [("place", "愛河", "Love River"), ("road", "中正四路", "Zhongzheng 4th Rd.")]
# The report's six: 稅捐稽徵處, 殯葬管理處, 法制局, 地政局, 都市發展局 and 六龜區衛生所 (a unit
# the seed city does not list; its department of health stands in for it).
RECOMMENDED = ["tax", "funeral", "legal-affairs", "land", "urban-development", "health"]
COURTESY_ITEMS = [("接聽速度", "Answering speed", 20), ("問候與自我介紹", "Greeting", 20),
                  ("服務態度", "Manner", 20), ("答詢正確與轉接", "Correct answers", 30),
                  ("結束禮貌", "Closing", 10)]
# Round totals whose means are the report's 85.14 and 84.84 (half up): 23,157 / 272 and
# 23,076 / 272.
COURTESY_TOTALS = (23_157, 23_076)
CALLS_PER_ROUND = 272


def build(ctx) -> None:
    rng = ctx.rng_for("research")
    agencies = list(Agency.objects.filter(active=True).order_by("sort_order", "code"))
    by_code = {agency.code: agency for agency in agencies}
    with transaction.atomic():
        services.research_project_save(
            actor=None, year=2017, title="高雄產業未來需求與走向之研究", contractor="國立中山大學",
            amount=1_200_000, signed_on=dt.date(2017, 8, 1), status="final",
            abstract="盤點高雄產業結構與人才需求，提出未來產業發展方向與政策建議。",
            final_report_on=dt.date(2018, 12, 20),
            milestones=[("期中報告", dt.date(2018, 3, 31), dt.date(2018, 3, 28)),
                        ("期末報告", dt.date(2018, 12, 31), dt.date(2018, 12, 20))])
        services.research_project_save(
            actor=None, year=2018, title="1999萬事通巨量資料第二階段深化運用研究",
            contractor="國立高雄科技大學", amount=980_000, signed_on=dt.date(2018, 5, 1),
            abstract="以1999話務與陳情巨量資料分析民意反映議題，深化第一階段成果。",
            milestones=[("期中報告", dt.date(2018, 11, 30), dt.date(2018, 11, 26)),
                        ("期末報告", dt.date(2019, 6, 30), None)])
        for n in range(7):
            services.thesis_grant_save(actor=None, year=2018, student=f"研究生{n + 1}",
                                       university="國立中山大學" if n % 2 else "國立高雄大學",
                                       degree="碩士" if n else "博士",
                                       title=f"高雄市政議題研究之{n + 1}", status="granted",
                                       amount=60_000 if n else 100_000, review_note="符合補助要點")
        for n in range(4):
            services.thesis_grant_save(actor=None, year=2017, student=f"畢業生{n + 1}",
                                       university="國立成功大學", degree="碩士",
                                       title=f"高雄城市治理優良論文之{n + 1}", status="granted",
                                       amount=50_000, awarded=True, award_year=2018)
        services.thesis_grant_save(actor=None, year=2018, student="申請人", university="某大學",
                                   degree="碩士", title="未獲補助之申請",
                                   status=ThesisGrant.Status.REJECTED,
                                   review_note="研究主題與市政關聯較低")
        for n, (code, place) in enumerate([("transportation", "日本東京"), ("tourism", "新加坡"),
                                           ("environmental-protection", "德國弗萊堡")]):
            report = services.trip_report_save(
                actor=None, year=2018, agency=by_code[code], title=f"{place}城市治理考察報告",
                destination=place, travellers="考察團", status="published",
                summary=f"考察{place}之公共運輸、觀光與環境政策。",
                published_on=dt.date(2018, 4 + n * 3, 15),
                recommendations={f"參考{place}經驗推動試辦計畫": by_code[code]})
            if n < 2:
                recommendation = report.recommendations.get()
                services.recommendation_reply(actor=None, recommendation=recommendation,
                                              reply="已研議納入明年度計畫。", adopted=True,
                                              replied_on=dt.date(2018, 10, 1))
        for number, theme, day in ((23, "翻轉高雄（上）", dt.date(2018, 6, 30)),
                                   (24, "翻轉高雄（下）", dt.date(2018, 12, 31))):
            services.journal_issue_save(actor=None, number=number, theme=theme, published_on=day,
                                        articles=[{"title": f"{theme}：港市轉型與產業升級",
                                                   "authors": "專家學者",
                                                   "abstract": "探討高雄港市轉型、產業升級與"
                                                               "城市治理的策略。"},
                                                  {"title": f"{theme}：公民參與與智慧城市",
                                                   "authors": "研考會",
                                                   "abstract": "參與式預算、開放資料與"
                                                               "智慧城市的在地實踐。"}])
        for kind, zh, en in GLOSSARY_EARLIER + GLOSSARY_2018:
            term = services.glossary_propose(actor=None, kind=kind, zh=zh, en=en)
            day = dt.date(2017, 10, 1) if (kind, zh, en) in GLOSSARY_EARLIER else dt.date(
                2018, 9, 12)
            services.glossary_review(actor=None, term=term, approve=True, on=day)
        services.glossary_propose(actor=None, kind="venue", zh="高雄市立圖書館總館",
                                  en="Kaohsiung Main Public Library")
        _service_awards(agencies, by_code, rng)
        _courtesy(agencies, rng)


def _service_awards(agencies, by_code, rng) -> None:
    """71 nominations; the six recommended pass the written, first and site reviews, the
    others stop at one of them."""
    recommended = [by_code[code] for code in RECOMMENDED if code in by_code]
    others = [a for a in agencies if a not in recommended][:71 - len(recommended)]
    for agency in recommended + others:
        nomination = services.nomination_submit(actor=None, year=2018, agency=agency,
                                                category="整體服務類")
        stops_at = 3 if agency in recommended else rng.randint(0, 2)
        for stage in range(stops_at + 1):
            if stage == 3:
                break
            passed = stage < stops_at
            nomination = services.nomination_review(
                actor=None, nomination=nomination, passed=passed,
                score=rng.randint(85, 96) if passed else rng.randint(60, 84))
            if not passed:
                break


def _courtesy(agencies, rng) -> None:
    tested = [a for a in agencies if a.kind in (Agency.Kind.FIRST_LEVEL,
                                                  Agency.Kind.DISTRICT_OFFICE)][:58]
    plan = services.courtesy_plan_create(actor=None, year=2018, rounds=2,
                                         calls_per_round=CALLS_PER_ROUND, agencies=tested,
                                         items=COURTESY_ITEMS)
    items = list(plan.items.order_by("order"))
    for number, total in enumerate(COURTESY_TOTALS, start=1):
        for call, score in enumerate(_totals(rng, total, CALLS_PER_ROUND)):
            agency = tested[call % len(tested)]
            called = dt.datetime(2018, 4 if number == 1 else 10, 1 + call % 28, 9 + call % 8,
                                 tzinfo=TAIPEI)
            services.courtesy_call_record(actor=None, plan=plan, round=number, agency=agency,
                                          called_at=called, points=_split(score, items))


def _totals(rng, total: int, calls: int) -> list[int]:
    """``calls`` scores from 60 to 100 adding up to ``total`` exactly."""
    scores = [min(100, max(60, round(rng.gauss(total / calls, 6)))) for _ in range(calls)]
    step = 0
    while sum(scores) != total:
        index = step % calls
        if sum(scores) > total and scores[index] > 60:
            scores[index] -= 1
        elif sum(scores) < total and scores[index] < 100:
            scores[index] += 1
        step += 1
    return scores


def _split(score: int, items) -> dict[int, int]:
    """A call's score over the items, each within its points."""
    lost = 100 - score
    points = {}
    for item in reversed(items):
        taken = min(lost, item.points)
        points[item.pk] = item.points - taken
        lost -= taken
    return points
