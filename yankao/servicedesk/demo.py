"""The service desk of the demo city: 2018 at the volumes of the RDEC report, and some open
cases of today.

At ``--scale 1`` the records are exactly: 835,594 calls (36.9% consultations answered on the
line, 99.8% of them at once; 31.8% recorded and forwarded; the rest other), 209,477
petitions (21,466 through the mayor's mailbox) and 82,934 dispatch cases. Dispatch
categories follow the counts of Kaohsiung's Open1999 dispatch list; districts follow their
population; hours, months and handling times follow the usual shape of a 1999 centre.
History is bulk-created (its volume is the point); today's open cases go through the
service functions, so they have audit timelines. Reporter names here are invented.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from yankao.core.calendar import TAIPEI, WorkingCalendar
from yankao.core.demo import DemoContext, demo_declared_cases
from yankao.core.models import Agency, District
from yankao.servicedesk import services
from yankao.servicedesk.catalogue import catalogue_seed, dispatch_entries
from yankao.servicedesk.models import (
    Assignment,
    AssignmentStatus,
    Call,
    CallOutcome,
    Case,
    CaseKind,
    CaseStatus,
    Category,
    Channel,
    CloseReason,
    FilingGround,
    PetitionKind,
    Survey,
)

DEMO_ORDER = 20
DEMO_OPEN311_KEY = "o311_demo_kaohsiung"  # listed in the README; demo only

# The RDEC 2018 report (民國107年).
CALLS_2018 = 835_594
CONSULTATION_SHARE, FORWARDED_SHARE = 0.369, 0.318
AT_ONCE_SHARE = 0.998
PETITIONS_2018, MAILBOX_2018 = 209_477, 21_466
DISPATCH_2018 = 82_934
DISPATCH_BY_APP_2018, MAILBOX_BY_APP_2018 = 38_650, 1_729
BATCH = 5_000

# Approximate 2018 population of each district, in thousands (household registration,
# rounded): the weight of a district in the demo.
DISTRICT_WEIGHTS = {
    "鳳山區": 359, "三民區": 340, "左營區": 198, "前鎮區": 188, "楠梓區": 187, "苓雅區": 172,
    "小港區": 156, "鼓山區": 139, "大寮區": 111, "岡山區": 97, "仁武區": 87, "林園區": 69,
    "路竹區": 52, "新興區": 50, "鳥松區": 44, "大樹區": 41, "美濃區": 39, "橋頭區": 38,
    "梓官區": 36, "旗山區": 36, "大社區": 34, "湖內區": 29, "燕巢區": 29, "茄萣區": 29,
    "阿蓮區": 28, "旗津區": 28, "前金區": 27, "鹽埕區": 23, "彌陀區": 19, "永安區": 14,
    "內門區": 14, "六龜區": 13, "杉林區": 12, "田寮區": 7, "甲仙區": 6, "桃源區": 4,
    "那瑪夏區": 3, "茂林區": 2,
}
HOUR_WEIGHTS = [1.0, .6, .4, .3, .3, .5, 1.2, 2.5, 4.5, 6.0, 6.2, 5.8, 4.5, 5.0, 5.6, 5.8,
                5.4, 4.8, 4.0, 3.6, 3.2, 2.7, 2.0, 1.4]
MONTH_WEIGHTS = [.95, .85, 1.0, .97, 1.02, 1.05, 1.10, 1.12, 1.03, .98, .96, .97]
# Typhoons and summer rain bring more fallen trees and flooding.
DISPATCH_MONTH_WEIGHTS = [.85, .8, .9, .95, 1.05, 1.15, 1.2, 1.3, 1.1, .95, .9, .85]
ROADS = ["中正一路", "中山二路", "四維三路", "自由一路", "博愛二路", "民族一路", "九如二路",
         "建國三路", "五福一路", "七賢二路", "青年一路", "成功二路", "三多四路", "凱旋三路",
         "大順二路", "光遠路", "文化路", "澄清路", "鼎山街", "明誠二路", "河堤路", "裕誠路"]
PETITION_WEIGHTS = {"P-TRAFFIC": 18, "P-ENV": 16, "P-WORKS": 14, "P-BUILD": 8,
                    "P-URBAN": 4, "P-SOCIAL": 6, "P-EDU": 5, "P-LABOR": 4, "P-POLICE": 8,
                    "P-HEALTH": 4, "P-WATER": 4, "P-TAX": 3, "P-LAND": 2, "P-CIVIL": 2,
                    "P-ANIMAL": 3, "P-CULTURE": 2}
PETITION_TEXTS = {
    "P-TRAFFIC": "{road}公車班次太少，尖峰時段等候超過30分鐘，建請增加班次。",
    "P-ENV": "{road}附近工廠夜間排放異味，影響居民睡眠，請環保局稽查。",
    "P-WORKS": "{road}人行道鋪面不平，長者行走容易跌倒，建請重新鋪設。",
    "P-BUILD": "{road}巷內有頂樓加蓋施工中，疑似違章建築，請派員查處。",
    "P-URBAN": "{road}一帶都市計畫公共設施保留地多年未開闢，請說明辦理期程。",
    "P-SOCIAL": "家中長輩需要長期照顧，想了解居家服務補助的申請方式。",
    "P-EDU": "{road}國小上下學時段校門口交通混亂，建請增設導護人力。",
    "P-LABOR": "公司積欠薪資兩個月未發放，請勞工局協助處理。",
    "P-POLICE": "{road}深夜常有改裝車輛競速，噪音擾人，請加強取締。",
    "P-HEALTH": "{road}某餐廳環境衛生不佳，用餐後腸胃不適，請衛生局稽查。",
    "P-WATER": "{road}每逢大雨即積水，排水溝疑似阻塞，請改善。",
    "P-TAX": "房屋稅稅額與去年差異很大，想了解核課依據。",
    "P-LAND": "土地徵收補償價格偏低，請重新評估。",
    "P-CIVIL": "里民活動中心使用時段分配不公，請區公所協調。",
    "P-ANIMAL": "{road}附近有流浪犬群聚集，夜間追逐機車騎士。",
    "P-CULTURE": "希望週末延長市立圖書館開放時間。",
}
CURRENT_REPORTERS = [("陳美華", "0911-234-567", "mei.hua.demo@example.org"),
                     ("林志強", "0922-345-678", ""), ("黃雅琪", "", "yachi.demo@example.org"),
                     ("張建國", "07-331-2468", ""), ("王淑惠", "0933-456-789", "")]


def _weighted(rng: random.Random, weights: dict) -> Iterator:
    keys, values = list(weights), list(weights.values())
    while True:
        yield from rng.choices(keys, values, k=1024)


def _moment(rng: random.Random, year: int, month_weights: list[float],
            hour_weights: list[float] = HOUR_WEIGHTS) -> dt.datetime:
    month = rng.choices(range(1, 13), month_weights)[0]
    days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.date(year, month, 1)).days
    hour = rng.choices(range(24), hour_weights)[0]
    return dt.datetime(year, month, rng.randint(1, days), hour, rng.randint(0, 59),
                       rng.randint(0, 59), tzinfo=TAIPEI)


def _exact_split(total: int, shares: list[float]) -> list[int]:
    """Counts that add up to ``total``, each the rounded share; the last takes the rest."""
    counts = [round(total * share) for share in shares]
    return [*counts, total - sum(counts)]


def build(ctx: DemoContext) -> None:
    with transaction.atomic():
        counts = catalogue_seed(actor=None)
        ctx.say(f"  {counts['categories']} categories, {counts['rules']} routing rules")
        services.open311_client_create(actor=None, name="Demo city app",
                                       raw_key=DEMO_OPEN311_KEY)
    build_calls(ctx)
    build_history(ctx)
    build_current(ctx)


def build_calls(ctx: DemoContext) -> None:
    rng = ctx.rng_for("servicedesk.calls")
    total = ctx.scaled(CALLS_2018)
    consult, forwarded, other = _exact_split(total, [CONSULTATION_SHARE, FORWARDED_SHARE])
    at_once = round(consult * AT_ONCE_SHARE)
    rdec = Agency.objects.get(code="rdec")
    outcomes = ([(CallOutcome.CONSULTATION, True)] * at_once
                + [(CallOutcome.CONSULTATION, False)] * (consult - at_once)
                + [(CallOutcome.CASE_CREATED, False)] * forwarded)
    # "Other": hang-ups, wrong numbers, transfers to 1999's partner lines.
    transferred = round(other * 0.2)
    outcomes += [(CallOutcome.TRANSFERRED, False)] * transferred
    outcomes += [(CallOutcome.OTHER, False)] * (other - transferred)
    rng.shuffle(outcomes)
    median = {CallOutcome.CONSULTATION: 110, CallOutcome.CASE_CREATED: 230,
              CallOutcome.TRANSFERRED: 70, CallOutcome.OTHER: 40}
    with ctx.progress("servicedesk calls", total) as bar:
        for start in range(0, total, BATCH * 4):
            rows = []
            for outcome, once in outcomes[start:start + BATCH * 4]:
                rows.append(Call(
                    received_at=_moment(rng, ctx.year, MONTH_WEIGHTS), outcome=outcome,
                    answered_at_once=once, agency=rdec,
                    duration_seconds=min(3600, int(rng.lognormvariate(
                        math.log(median[outcome]), 0.6))),
                ))
            Call.objects.bulk_create(rows, batch_size=BATCH)
            bar.update(len(rows))


class _History:
    """Generates the 2018 cases in batches, with their assignments and surveys."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng_for("servicedesk.history")
        self.calendar = WorkingCalendar.load()
        self.due_cache: dict[tuple[dt.date, int], dt.datetime] = {}
        self.districts = {d.name_zh: d for d in District.objects.select_related("office")}
        self.district_picker = _weighted(self.rng, {self.districts[name]: weight for name,
                                                    weight in DISTRICT_WEIGHTS.items()})
        self.categories = {c.code: c for c in Category.objects.select_related(
            "default_agency", "parent")}
        self.counter = 0
        self.recent: dict[int, list[int]] = {}

    def number(self, moment: dt.datetime) -> str:
        self.counter += 1
        return f"{moment:%Y%m%d}-{self.counter:06d}"

    def working_due(self, registered: dt.datetime, days: int) -> dt.datetime:
        key = (registered.date(), days)
        if key not in self.due_cache:
            self.due_cache[key] = self.calendar.deadline_in_working_days(registered, days)
        return self.due_cache[key]

    def place(self, district: District) -> tuple:
        lat = float(district.latitude) + self.rng.gauss(0, 0.006)
        lng = float(district.longitude) + self.rng.gauss(0, 0.006)
        road = self.rng.choice(ROADS)
        address = f"高雄市{district.name_zh}{road}{self.rng.randint(1, 400)}號"
        return round(lat, 6), round(lng, 6), address, road

    def case_rows(self, kind: str, total: int, pick_category, channels: dict) -> None:
        """``total`` cases of ``kind``; channels in exactly their shares (the last takes
        the rest), so the report's counts per channel come out of the records."""
        weight = sum(channels.values())
        counts = _exact_split(total, [share / weight for share in list(channels.values())[:-1]])
        order = [channel for channel, count in zip(channels, counts, strict=True)
                 for _ in range(count)]
        self.rng.shuffle(order)
        channel_picker = iter(order)
        kinds = _weighted(self.rng, {PetitionKind.ADMINISTRATIVE_MEASURE: 35,
                                     PetitionKind.LEGAL_OPINION: 15,
                                     PetitionKind.ILLEGALITY: 35, PetitionKind.RIGHTS: 15})
        weights = DISPATCH_MONTH_WEIGHTS if kind == CaseKind.DISPATCH else MONTH_WEIGHTS
        label = {CaseKind.DISPATCH: "servicedesk dispatch", CaseKind.MAILBOX:
                 "servicedesk mailbox", CaseKind.PETITION: "servicedesk petitions"}[kind]
        with self.ctx.progress(label, total) as bar:
            for start in range(0, total, BATCH):
                size = min(BATCH, total - start)
                self.write([self.one(kind, pick_category(), next(channel_picker), next(kinds),
                                     _moment(self.rng, self.ctx.year, weights))
                            for _ in range(size)])
                bar.update(size)

    def one(self, kind: str, category: Category, channel: str, petition_kind: str,
            registered: dt.datetime) -> tuple[Case, str | None]:
        rng = self.rng
        if category.code == "KH-DISTRICT":
            district = next(self.district_picker)
            agency = district.office
        else:
            district = next(self.district_picker)
            agency = category.default_agency
        lat, lng, address, road = self.place(district)
        if kind == CaseKind.DISPATCH:
            short = category.keywords or category.name_zh
            description = f"{address}附近{short}，請儘速派員處理。"
            dispatched = registered + dt.timedelta(minutes=rng.randint(1, 12))
            due = dispatched + dt.timedelta(hours=4)
            handling = int(rng.lognormvariate(math.log(5400), 0.6))
            answered = dispatched + dt.timedelta(seconds=handling)
            reply = f"已派員至現場處理「{short}」並完成回報。"
        else:
            description = PETITION_TEXTS[category.code].format(road=f"{district.name_zh}{road}")
            dispatched = registered + dt.timedelta(hours=rng.uniform(0.5, 20))
            days = 5 if kind == CaseKind.MAILBOX else (30 if category.code in (
                "P-URBAN", "P-LAND") else 6)
            due = self.working_due(registered, days) if days != 30 else registered + \
                dt.timedelta(days=30)
            handling = int(rng.lognormvariate(math.log(3.2 * 86400), 0.55))
            answered = registered + dt.timedelta(seconds=handling)
            reply = "經查本案已依相關規定辦理，謝謝您的寶貴意見。"
        case = Case(
            number=self.number(registered), kind=kind, channel=channel,
            petition_kind="" if kind == CaseKind.DISPATCH else petition_kind,
            category=category, status=CaseStatus.CLOSED, description=description,
            latitude=lat, longitude=lng, address=address, district=district, agency=agency,
            registered_at=registered, dispatched_at=dispatched, due_at=due,
            answered_at=answered, handling_seconds=handling,
            closed_at=answered + dt.timedelta(hours=rng.uniform(0.2, 30)),
            close_reason=CloseReason.HANDLED, status_notes=reply,
        )
        roll = rng.random()
        if kind == CaseKind.DISPATCH and roll < 0.015:
            case.close_reason, case.answered_at, case.handling_seconds = CloseReason.MERGED, \
                None, None
            case.closed_at = dispatched + dt.timedelta(minutes=rng.randint(5, 90))
            case.status_notes = "與同地點案件併案處理。"
        elif kind == CaseKind.DISPATCH and roll < 0.035:
            case.downgraded = True
            case.handling_seconds = int(rng.lognormvariate(math.log(2 * 86400), 0.5))
            case.answered_at = dispatched + dt.timedelta(seconds=case.handling_seconds)
            case.closed_at = case.answered_at + dt.timedelta(hours=2)
        elif kind != CaseKind.DISPATCH and roll < 0.006:
            case.close_reason, case.answered_at, case.handling_seconds = CloseReason.FILED, \
                None, None
            case.filing_ground = rng.choice(FilingGround.values)
            case.closed_at = registered + dt.timedelta(days=2)
            case.status_notes = str(FilingGround(case.filing_ground).label)
        case.updated_at = case.closed_at
        return case, reply

    def write(self, rows: list[tuple[Case, str]]) -> None:
        rng = self.rng
        Case.objects.bulk_create([case for case, _ in rows], batch_size=BATCH)
        if not all(case.pk for case, _ in rows):  # databases that return no ids
            numbers = {case.number: case for case, _ in rows}
            for pk, number in Case.objects.filter(number__in=list(numbers)).values_list(
                    "pk", "number"):
                numbers[number].pk = pk
        assignments, surveys, merged = [], [], []
        for case, reply in rows:
            handled = case.close_reason == CloseReason.HANDLED
            assignments.append(Assignment(
                case_id=case.pk, agency=case.agency, is_lead=True,
                status=AssignmentStatus.REPLIED if handled else AssignmentStatus.TRANSFERRED,
                assigned_at=case.dispatched_at, due_at=case.due_at,
                accepted_at=case.dispatched_at + dt.timedelta(minutes=rng.randint(2, 120))
                if handled else None,
                replied_at=case.answered_at, reply=reply if handled else ""))
            if handled:
                answered = rng.random() < 0.14
                score = rng.choices([5, 4, 3, 2, 1], [62, 29, 5, 2.5, 1.5])[0] if answered \
                    else None
                surveys.append(Survey(case_id=case.pk, invited_at=case.closed_at,
                                      answered_at=case.closed_at + dt.timedelta(hours=30)
                                      if answered else None, score=score))
                self.recent.setdefault(case.category_id, []).append(case.pk)
                self.recent[case.category_id] = self.recent[case.category_id][-20:]
            elif case.close_reason == CloseReason.MERGED:
                merged.append(case)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Survey.objects.bulk_create(surveys, batch_size=BATCH)
        for case in merged:
            targets = self.recent.get(case.category_id)
            if targets:
                case.merged_into_id = rng.choice(targets)
        Case.objects.bulk_update([c for c in merged if c.merged_into_id], ["merged_into"],
                                 batch_size=BATCH)


def build_history(ctx: DemoContext) -> None:
    history = _History(ctx)
    entries, district_rows = dispatch_entries()
    dispatch_weights = {history.categories[e.code]: e.count for e in entries}
    dispatch_weights[history.categories["KH-DISTRICT"]] = sum(n for _u, n in district_rows)
    dispatch_picker = _weighted(history.rng, dispatch_weights)
    petition_picker = _weighted(history.rng, {history.categories[code]: weight
                                              for code, weight in PETITION_WEIGHTS.items()})
    app_share = DISPATCH_BY_APP_2018 / DISPATCH_2018
    # Other modules' demos open some of the year's dispatch cases themselves (a sensor's
    # flood alert): the city's total stays the report's.
    others = demo_declared_cases(CaseKind.DISPATCH, 2018)
    history.case_rows(CaseKind.DISPATCH, ctx.scaled(DISPATCH_2018) - others,
                      lambda: next(dispatch_picker),
                      {Channel.APP: app_share, Channel.PHONE: 0.5,
                       Channel.WEB: 0.5 - app_share})
    mailbox_app = MAILBOX_BY_APP_2018 / MAILBOX_2018
    history.case_rows(CaseKind.MAILBOX, ctx.scaled(MAILBOX_2018),
                      lambda: next(petition_picker),
                      {Channel.APP: mailbox_app, Channel.WEB: 1 - mailbox_app})
    history.case_rows(CaseKind.PETITION, ctx.scaled(PETITIONS_2018) - ctx.scaled(MAILBOX_2018),
                      lambda: next(petition_picker),
                      {Channel.PHONE: 80, Channel.COUNTER: 8, Channel.LETTER: 4,
                       Channel.FAX: 2, Channel.EMAIL: 6})


def build_current(ctx: DemoContext) -> None:
    """Open cases of the last days, through the services: the inboxes are not empty today."""
    rng = ctx.rng_for("servicedesk.current")
    now = timezone.now()
    categories = {c.code: c for c in Category.objects.all()}
    districts = list(District.objects.all())
    potholes = next(c for c in categories.values() if c.name_zh == "路面坑洞(一)")
    lights = next(c for c in categories.values() if c.name_zh == "路燈故障(一)")
    trees = next(c for c in categories.values() if c.name_zh == "路樹傾倒(一)")
    plans = [  # (category, hours ago, kind)
        (potholes, 5.5, CaseKind.DISPATCH), (potholes, 3.2, CaseKind.DISPATCH),
        (lights, 2.0, CaseKind.DISPATCH), (trees, 0.5, CaseKind.DISPATCH),
        (lights, 30, CaseKind.DISPATCH), (trees, 1.5, CaseKind.DISPATCH),
        (categories["KH-DISTRICT"], 2.5, CaseKind.DISPATCH),
        (categories["P-ENV"], 50, CaseKind.PETITION), (categories["P-TRAFFIC"], 30,
                                                      CaseKind.MAILBOX),
        (categories["P-WORKS"], 200, CaseKind.PETITION), (categories["P-POLICE"], 8,
                                                         CaseKind.PETITION),
        (categories["P-WORKS"], 20, CaseKind.MAILBOX), (categories["P-ENV"], 4,
                                                       CaseKind.PETITION),
    ]
    created = []
    with transaction.atomic():
        for index, (category, hours_ago, kind) in enumerate(plans):
            district = districts[rng.randrange(len(districts))] if category.code != \
                "KH-DISTRICT" else next(d for d in districts if d.name_zh == "鳳山區")
            if category.default_agency and category.default_agency.code == "pwb-maintenance":
                district = next(d for d in districts if d.name_zh in ("苓雅區", "三民區",
                                                                       "前鎮區")[index % 3:])
            name, phone, email = CURRENT_REPORTERS[index % len(CURRENT_REPORTERS)]
            road = rng.choice(ROADS)
            text = (f"{district.name_zh}{road}附近{category.keywords or category.name_zh}，"
                    f"請派員處理。") if kind == CaseKind.DISPATCH else \
                PETITION_TEXTS[category.code].format(road=f"{district.name_zh}{road}")
            case, _password = services.case_register(
                actor=None, actor_label="demo", category=category, description=text,
                kind=kind, channel=Channel.PHONE if index % 2 else Channel.APP,
                latitude=float(district.latitude) + rng.uniform(-.003, .003),
                longitude=float(district.longitude) + rng.uniform(-.003, .003),
                address=f"高雄市{district.name_zh}{road}{rng.randint(1, 300)}號",
                reporter_name=name, reporter_phone=phone, reporter_email=email,
                registered_at=now - dt.timedelta(hours=hours_ago),
                petition_kind=PetitionKind.ADMINISTRATIVE_MEASURE if kind != CaseKind.DISPATCH
                else "",
            )
            created.append(case)
        # Registrar work: route two petitions, leave the others in the queue.
        for case in created:
            if case.kind != CaseKind.DISPATCH and case.status == CaseStatus.REGISTERED and \
                    case.category.code in ("P-WORKS", "P-ENV") and case.registered_at < \
                    now - dt.timedelta(hours=10):
                services.case_assign(actor=None, case=case, agencies=[
                    case.category.default_agency])
        # The field has answered one dispatch case; another is being handled.
        answered = created[5]
        services.assignment_accept(actor=None, assignment=answered.assignments.get())
        services.assignment_reply(actor=None, assignment=answered.assignments.get(),
                                  reply="已將傾倒路樹移除，道路恢復通行。")
        services.assignment_accept(actor=None, assignment=created[1].assignments.get())
