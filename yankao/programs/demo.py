"""The demo city's program control (2018, with 2017 for the previous year's grades).

These records are few and are the same at every ``--scale``. The report's figures come out
of them, computed by the selectors: December 2018 gives 103 programs under 5 points behind
and 60 at 5 or more (63.19 % and 36.81 %); the 2017 grades are 優等 2, 甲等 52, 乙等 105;
145 subsidy cases, 135 closed, NT$3,756,946,000, execution 99.89 %; KPI achievement 95.9 %,
96.1 % and 96.7 % in 2015–2017; 83 road-safety recommendations adopted and released; 520
council resolutions in 8 categories; both enterprises 甲等; the 2019 budget pre-review.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from yankao.core.calendar import TAIPEI, WorkingCalendar
from yankao.core.models import Agency, District
from yankao.core.numbers import percent
from yankao.programs.data import demo_kaohsiung as data
from yankao.programs.models import (
    BudgetPreReview,
    BudgetRequest,
    Checkpoint,
    ControlStatus,
    CouncilResolution,
    DocumentCategory,
    DocumentStat,
    DocumentUrgency,
    EnterpriseEvaluation,
    EnterpriseIndicator,
    EvaluationRound,
    EvaluationScore,
    GradeBand,
    GradeScale,
    Kpi,
    KpiTarget,
    PlanMonth,
    PreReviewMeeting,
    Program,
    ProgressReport,
    RecommendationTopic,
    ResolutionCategory,
    RoundWeight,
    ScoreComponent,
    SubsidyCase,
    SupervisionMeeting,
    WorkPlan,
    YearEndEvaluation,
)
from yankao.programs.models.tracked import Recommendation
from yankao.programs.reference import ENTERPRISE_GRADES, PROGRAM_GRADES
from yankao.programs.selectors.policy import grade_for, policy_for_month, report_due_on
from yankao.programs.services import reference_data_ensure, weighted_score
from yankao.programs.services.evaluation import default_weights

DEMO_ORDER = 30
YEAR = 2018
PREVIOUS = 2017
# December 2018: 103 on track (under 5 points behind), 41 behind, 19 severely behind.
CLASS_COUNTS_2018 = {"on_track": 103, "behind": 41, "severely_behind": 19}
CLASS_COUNTS_2017 = {"on_track": 104, "behind": 37, "severely_behind": 18}
GRADES_2017 = {"優等": 2, "甲等": 52, "乙等": 105}
KPI_ACHIEVEMENT = {2015: "95.9", 2016: "96.1", 2017: "96.7"}
SUBSIDY_BUDGET = 3_756_946_000
SUBSIDY_EXECUTED = 3_752_813_700  # 99.89 % of the budget, spent by the 145 cases
PRE_REVIEW = {"requested": 31_550, "public": 9_164, "fund": 1_847}  # NT$ millions


def _aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TAIPEI)


def build(ctx) -> None:
    with transaction.atomic():
        reference_data_ensure(actor=None)
        agencies = {a.code: a for a in Agency.objects.all()}
        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=["evaluator", "chief", "officer", "officer_epb"])}
        calendar = WorkingCalendar.load()
        programs_2018 = _programs(ctx, YEAR, 163, CLASS_COUNTS_2018, agencies, users, calendar)
        programs_2017 = _programs(ctx, PREVIOUS, 159, CLASS_COUNTS_2017, agencies, users,
                                  calendar)
        _evaluations(ctx, programs_2017, programs_2018, users)
        _kpis(ctx, agencies)
        _subsidies(ctx, agencies)
        _recommendations(ctx, agencies)
        _council_resolutions(ctx, agencies)
        _enterprises(ctx, agencies)
        _pre_review(ctx, agencies, calendar)
        _documents(ctx, agencies)
    ctx.say("  programs: 163 programs in 2018 (159 in 2017), KPIs, subsidies, resolutions, "
            "document statistics")


# Programs, plans, reports ------------------------------------------------------------

def _program_specs(rng: random.Random, count: int) -> list[tuple]:
    """``count`` (agency, name_zh, name_en, budget range, level): every listed program
    once, and the district programs repeated over districts until the count is reached."""
    plain = [p for p in data.PROGRAMS if "{d}" not in p[1]]
    templated = [p for p in data.PROGRAMS if "{d}" in p[1]]
    extra = count - len(plain)
    specs = list(plain)
    for index, (agency, name_zh, name_en, budget, level) in enumerate(templated):
        share = extra // len(templated) + (1 if index < extra % len(templated) else 0)
        districts = data.PROGRAM_DISTRICTS[index % 5:] + data.PROGRAM_DISTRICTS[:index % 5]
        for district_zh, district_en in districts[:share]:
            specs.append((agency, name_zh.format(d=district_zh), name_en.format(e=district_en),
                          budget, level))
    rng.shuffle(specs)
    return specs


def _s_curve(month: int, steepness: float, centre: float) -> float:
    def s(x: float) -> float:
        return 1 / (1 + math.exp(-steepness * (x - centre)))

    return (s(month) - s(0)) / (s(12) - s(0))


def _series(rng: random.Random, delay_class: str) -> tuple[list[int], list[int]]:
    """Planned and actual cumulative basis points for months 1–12, December's delay in
    ``delay_class``, actual progress never falling."""
    final = 10000 if rng.random() < 0.8 else rng.randrange(5000, 9001, 50)
    steepness, centre = rng.uniform(0.45, 0.9), rng.uniform(5.5, 7.5)
    planned = [round(final * _s_curve(m, steepness, centre)) for m in range(1, 13)]
    planned[-1] = final
    if delay_class == "on_track":
        december = 0 if rng.random() < 0.45 else rng.randrange(-200 if final < 10000 else 0, 500)
    elif delay_class == "behind":
        december = rng.randrange(500, 1000)
    else:
        december = rng.randrange(1000, 3200)
    december = min(december, planned[-1])
    actual = [0] * 12
    actual[-1] = planned[-1] - december
    for m in range(10, -1, -1):
        drift = round(december * ((m + 1) / 12) ** 1.3) + rng.randrange(-120, 121)
        actual[m] = max(0, min(planned[m] - drift, actual[m + 1], 10000))
    return planned, actual


def _programs(ctx, year: int, count: int, class_counts: dict[str, int], agencies, users,
              calendar) -> list[Program]:
    rng = ctx.rng_for(f"programs.{year}")
    roc = year - 1911
    specs = _program_specs(rng, count)
    classes = [name for name, n in class_counts.items() for _ in range(n)]
    rng.shuffle(classes)
    evaluator = users.get("evaluator")
    programs = Program.objects.bulk_create([
        Program(year=year, code=f"{roc}-{index + 1:03d}", name_zh=name_zh, name_en=name_en,
                agency=agencies[agency], control_level=level,
                budget=rng.randrange(budget[0], budget[1] + 1) * 1_000_000,
                summary=f"{name_zh}：{roc}年度列管計畫，依作業計畫按月填報執行進度。")
        for index, (agency, name_zh, name_en, budget, level) in enumerate(specs)
    ])
    plans = WorkPlan.objects.bulk_create([
        WorkPlan(program=program, version=1, status=WorkPlan.Status.APPROVED,
                 submitted_at=_aware(dt.date(year, 1, rng.randrange(8, 20))),
                 decided_at=_aware(dt.date(year, 1, 25 + rng.randrange(0, 6)), 15),
                 decided_by=evaluator, decision_comment="")
        for program in programs
    ])
    policies = {m: policy_for_month(year, m) for m in range(1, 13)}
    due = {m: report_due_on(year=year, month=m, policy=policies[m], calendar=calendar)
           for m in range(1, 13)}
    plan_months, reports, checkpoints = [], [], []
    pending = [p for p in programs if p.agency.code == "pwb-maintenance"]
    for program, plan, delay_class in zip(programs, plans, classes, strict=True):
        planned, actual = _series(rng, delay_class)
        final_share = planned[-1] / 10000
        steepness, centre = rng.uniform(0.45, 0.8), rng.uniform(6.5, 8.0)
        planned_money = [round(program.budget * final_share * _s_curve(m, steepness, centre))
                         for m in range(1, 13)]
        ratio_floor = {"on_track": 0.9, "behind": 0.75, "severely_behind": 0.6}[delay_class]
        spent, last_spent = [], 0
        for m in range(12):
            value = round(planned_money[m] * rng.uniform(ratio_floor, 1.0))
            last_spent = max(last_spent, min(value, program.budget))
            spent.append(last_spent)
        for m in range(1, 13):
            plan_months.append(PlanMonth(plan=plan, month=m, planned_bp=planned[m - 1],
                                         planned_budget=planned_money[m - 1]))
            reports.append(_report(rng, program, plan, m, planned, actual, planned_money,
                                   spent, due[m], policies[m], users, pending, year))
        checkpoints.extend(_checkpoints(rng, program, year, actual))
    PlanMonth.objects.bulk_create(plan_months)
    ProgressReport.objects.bulk_create(reports)
    Checkpoint.objects.bulk_create(checkpoints)
    if year == YEAR and pending:
        # A revision waiting for the commission, for the demo's evaluator.
        revised = pending[min(2, len(pending) - 1)]
        plan = WorkPlan.objects.create(
            program=revised, version=2, status=WorkPlan.Status.SUBMITTED,
            submitted_at=_aware(dt.date(year, 7, 16)),
            revision_reason="配合中央補助款核定時程及管線遷移期程，調整下半年度預定進度。")
        old = list(PlanMonth.objects.filter(plan__program=revised, plan__version=1)
                   .order_by("month"))
        june = old[5].planned_bp
        PlanMonth.objects.bulk_create([
            PlanMonth(plan=plan, month=row.month, planned_budget=row.planned_budget,
                      planned_bp=row.planned_bp if row.month <= 6 else max(
                          june, row.planned_bp - 500 * (12 - row.month) // 6))
            for row in old
        ])
    return programs


def _report(rng, program, plan, month, planned, actual, planned_money, spent, due_on, policy,
            users, pending, year) -> ProgressReport:
    index = month - 1
    delay = planned[index] - actual[index]
    phase = data.PHASES[min(len(data.PHASES) - 1, actual[index] * len(data.PHASES) // 10001)]
    narrative = (f"{month}月{phase}，累計實際進度{actual[index] / 100:.2f}%"
                 f"（預定{planned[index] / 100:.2f}%）。")
    low_spending = planned_money[index] and (
        spent[index] * 10000 < planned_money[index] * policy.budget_floor_bp)
    late = rng.random() < 0.03
    submitted_on = due_on + dt.timedelta(days=rng.randrange(1, 6)) if late else (
        due_on - dt.timedelta(days=rng.randrange(0, 7)))
    submitted_at = _aware(submitted_on, rng.randrange(9, 17), rng.randrange(0, 60))
    status = ProgressReport.Status.APPROVED
    if year == YEAR and month == 12 and program in pending[:2]:
        status = (ProgressReport.Status.SUBMITTED if program == pending[0]
                  else ProgressReport.Status.UNIT_APPROVED)
    unit_at = submitted_at + dt.timedelta(days=1, hours=2)
    approved_at = unit_at + dt.timedelta(days=3)
    return ProgressReport(
        program=program, plan=plan, month=month, status=status,
        planned_bp=planned[index], actual_bp=actual[index],
        planned_budget=planned_money[index], budget_executed=spent[index],
        narrative=narrative,
        delay_reason=rng.choice(data.DELAY_REASONS) if delay > 0 else "",
        budget_reason=rng.choice(data.BUDGET_REASONS) if low_spending else "",
        due_on=due_on, submitted_at=submitted_at, submitted_by=users.get("officer")
        if program.agency.code == "pwb-maintenance" else None,
        unit_reviewed_at=unit_at if status != ProgressReport.Status.SUBMITTED else None,
        unit_reviewed_by=users.get("chief") if program.agency.code == "pwb-maintenance"
        and status != ProgressReport.Status.SUBMITTED else None,
        approved_at=approved_at if status == ProgressReport.Status.APPROVED else None,
        approved_by=users.get("evaluator") if status == ProgressReport.Status.APPROVED else None,
    )


def _checkpoints(rng, program, year: int, actual: list[int]) -> list[Checkpoint]:
    rows = []
    for title, month, reached in (("完成規劃設計", 3, 1500), ("完成發包作業", 5, 3000),
                                  ("完成主體工程", 10, 8000), ("完工驗收", 12, 10000)):
        done = next((m for m in range(12) if actual[m] >= reached), None)
        rows.append(Checkpoint(
            program=program, title=title, due_on=dt.date(year, month, 28),
            done_on=dt.date(year, done + 1, rng.randrange(1, 28)) if done is not None else None))
    return rows


# Year-end evaluation -----------------------------------------------------------------

def _scores_for(rng, target: Decimal, weights: dict[str, int]) -> dict[str, Decimal]:
    scores = {code: Decimal(str(round(float(target) + rng.uniform(-4, 4), 2)))
              for code in weights}
    shift = target - weighted_score(scores, weights)
    return {code: min(Decimal(100), max(Decimal(0), value + shift)).quantize(Decimal("0.01"))
            for code, value in scores.items()}


def _evaluations(ctx, programs_2017, programs_2018, users) -> None:
    rng = ctx.rng_for("programs.evaluations")
    weights = default_weights()
    components = {c.code: c for c in ScoreComponent.objects.all()}
    scale = GradeScale.objects.get(code=PROGRAM_GRADES)
    bands = list(GradeBand.objects.filter(scale=scale))
    by_label = {band.label_zh: band for band in bands}
    grades = [label for label, n in GRADES_2017.items() for _ in range(n)]
    rng.shuffle(grades)
    for year, programs in ((PREVIOUS, programs_2017), (YEAR, programs_2018)):
        evaluation_round = EvaluationRound.objects.create(year=year, grade_scale=scale)
        RoundWeight.objects.bulk_create([
            RoundWeight(round=evaluation_round, component=components[code], weight=weight)
            for code, weight in weights.items()])
        evaluations, scores = [], []
        for index, program in enumerate(programs):
            if year == PREVIOUS:
                band = by_label[grades[index]]
                upper = min([b.min_score for b in bands if b.min_score > band.min_score],
                            default=Decimal(100))
                target = Decimal(str(round(rng.uniform(float(band.min_score) + 0.5,
                                                       float(upper) - 0.5), 2)))
                second = _scores_for(rng, target, weights)
                final = weighted_score(second, weights)
                assert grade_for(final, bands) == band
                stages = {"self": _scores_for(rng, min(Decimal(99), target + 4), weights),
                          "first": _scores_for(rng, target + 1, weights), "second": second}
                evaluations.append(YearEndEvaluation(
                    round=evaluation_round, program=program,
                    status=YearEndEvaluation.Status.APPROVED, final_score=final, grade=band,
                    self_comment="依作業計畫推動，年度目標大致達成。",
                    first_comment="執行情形良好，惟部分工項進度落後，請加強管控。",
                    second_comment="同意初評意見。",
                    approved_at=_aware(dt.date(2018, 3, 30), 16)))
            else:
                advanced = index < 6
                stages = {"self": _scores_for(rng, Decimal(str(round(rng.uniform(80, 92), 2))),
                                              weights)} if advanced else {}
                evaluations.append(YearEndEvaluation(
                    round=evaluation_round, program=program,
                    status=YearEndEvaluation.Status.FIRST_REVIEW if advanced
                    else YearEndEvaluation.Status.SELF_EVALUATION,
                    self_comment="年度各項工作均依計畫推動完成。" if advanced else ""))
            scores.append(stages)
        evaluations = YearEndEvaluation.objects.bulk_create(evaluations)
        EvaluationScore.objects.bulk_create([
            EvaluationScore(evaluation=evaluation, stage=stage, component=components[code],
                            score=value)
            for evaluation, stages in zip(evaluations, scores, strict=True)
            for stage, values in stages.items() for code, value in values.items()])


# KPIs ------------------------------------------------------------------------------

def _achieving_counts(size: int, rate: str) -> tuple[int, int]:
    """The largest number of indicators up to ``size`` for which some count met gives
    exactly ``rate`` (one decimal), and that count."""
    for n in range(size, 0, -1):
        for met in range(n, -1, -1):
            if str(percent(met, n, places=1)) == rate:
                return n, met
            if percent(met, n, places=1) < Decimal(rate):
                break
    raise ValueError(rate)


def _kpis(ctx, agencies) -> None:
    rng = ctx.rng_for("programs.kpis")
    pool = []
    for code in _first_level_codes():
        for spec in data.COMMON_KPIS + data.AGENCY_KPIS.get(code, []):
            pool.append((code, *spec))
    kpis = Kpi.objects.bulk_create([
        Kpi(agency=agencies[code], code=f"KPI-{index + 1:03d}", indicator_zh=name_zh,
            indicator_en=name_en, unit=unit, direction=direction,
            definition=f"{name_zh}（單位：{unit}），依年度統計資料計算。")
        for index, (code, name_zh, name_en, unit, direction, _base) in enumerate(pool)])
    size = len(kpis)
    members = {}
    for year, drop_first, keep in ((2015, 0, size - 16), (2016, 0, size - 6),
                                   (2017, 14, size - 14)):
        n, met = _achieving_counts(keep, KPI_ACHIEVEMENT[year])
        members[year] = (list(range(drop_first, drop_first + n)), met)
    members[2018] = (members[2017][0], None)
    targets: dict[tuple[int, int], Decimal] = {}
    rows = []
    for year in (2015, 2016, 2017, 2018):
        indices, met_count = members[year]
        failing = set(rng.sample(indices, len(indices) - met_count)) if met_count is not None \
            else set()
        for index in indices:
            kpi = kpis[index]
            base = Decimal(pool[index][5])
            step = year - 2015
            if kpi.unit == "%":
                target = (min(base + Decimal("1.5") * step, Decimal(100)) if kpi.direction ==
                          "higher" else max(base - step, Decimal(1)))
            else:
                factor = Decimal(str(1.04 ** step)) if kpi.direction == "higher" else Decimal(
                    str(0.96 ** step))
                target = (base * factor).quantize(Decimal("0.01"))
            reason = ""
            previous = targets.get((index, year - 1))
            if year == 2018 and index % 40 == 7 and kpi.direction == "higher":
                target = (previous * Decimal("0.95")).quantize(Decimal("0.01"))
                reason = "107年7月12日修正目標值：配合中央政策及預算調整，下修年度目標。"
            elif previous is not None and (
                (kpi.direction == "higher" and target <= previous)
                or (kpi.direction == "lower" and target >= previous)
            ):
                reason = "目標值已達上限，維持前一年度水準。"
            targets[(index, year)] = target
            actual = None
            if met_count is not None:
                if index in failing:
                    factor = rng.uniform(0.9, 0.99) if kpi.direction == "higher" else rng.uniform(
                        1.01, 1.1)
                    actual = (target * Decimal(str(factor))).quantize(Decimal("0.01"))
                    actual = min(actual, target - Decimal("0.01")) if kpi.direction == \
                        "higher" else max(actual, target + Decimal("0.01"))
                else:
                    factor = rng.uniform(1.0, 1.06) if kpi.direction == "higher" else rng.uniform(
                        0.94, 1.0)
                    actual = (target * Decimal(str(factor))).quantize(Decimal("0.01"))
                    if kpi.unit == "%":
                        actual = min(actual, Decimal(100))
                    actual = max(actual, target) if kpi.direction == "higher" else min(actual,
                                                                                        target)
            rows.append(KpiTarget(kpi=kpi, year=year, target=target, actual=actual,
                                  target_reason=reason))
    KpiTarget.objects.bulk_create(rows)


# Other tracked items ---------------------------------------------------------------

def _split(rng, total: int, parts: int, low: float = 0.4, high: float = 1.6) -> list[int]:
    """``parts`` positive integers adding up to ``total``."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    values = [max(1, int(w * scale)) for w in weights]
    values[values.index(max(values))] += total - sum(values)
    return values


def _subsidies(ctx, agencies) -> None:
    rng = ctx.rng_for("programs.subsidies")
    districts = list(District.objects.select_related("office"))
    budgets = [value * 1000 for value in _split(rng, SUBSIDY_BUDGET // 1000, 145)]
    open_cases = set(rng.sample(range(145), 10))
    shortfalls = _split(rng, SUBSIDY_BUDGET - SUBSIDY_EXECUTED, 10)
    cases = []
    for index, budget in enumerate(budgets):
        district = districts[index % len(districts)]
        facility = data.SUBSIDY_FACILITIES[index % len(data.SUBSIDY_FACILITIES)]
        agency = district.office if index % 3 else agencies[
            "pwb-maintenance" if index % 2 else "water-resources"]
        if index in open_cases:
            shortfall = shortfalls.pop()
            budget = max(budget, shortfall * 3)
            executed, closed_on, status = budget - shortfall, None, ControlStatus.TRACKING
        else:
            closed_on = dt.date(2018, rng.randrange(3, 13), rng.randrange(1, 28))
            executed, status = budget, ControlStatus.RELEASED
        cases.append(SubsidyCase(
            year=YEAR, code=f"107-B{index + 1:03d}", title=f"{district.name_zh}{facility}",
            agency=agency, budget=budget, executed=executed, closed_on=closed_on,
            control_status=status, released_on=closed_on,
            release_reason="結案解除列管" if closed_on else ""))
    # Open cases' budgets were raised to cover their shortfall: take it back from the
    # largest closed case so the total stays NT$3,756,946,000.
    excess = sum(c.budget for c in cases) - SUBSIDY_BUDGET
    largest = max((c for c in cases if c.closed_on), key=lambda c: c.budget)
    largest.budget -= excess
    largest.executed -= excess
    cases = SubsidyCase.objects.bulk_create(cases)
    for held_on, title in data.SUPERVISION_MEETINGS:
        meeting = SupervisionMeeting.objects.create(
            year=YEAR, held_on=dt.date.fromisoformat(held_on), title=title,
            notes="檢討進度落後案件遭遇問題，請各機關加速辦理並按月回報。")
        meeting.cases.set(rng.sample(cases, 12))


def _recommendations(ctx, agencies) -> None:
    rng = ctx.rng_for("programs.recommendations")
    topic = RecommendationTopic.objects.get(code="road-safety")
    handling = ["transportation", "police", "traffic-engineering", "education",
                "pwb-maintenance", "health", "information"]
    released = dt.date(2018, 10, 30)
    Recommendation.objects.bulk_create([
        Recommendation(
            topic=topic, year=YEAR, agency=agencies[handling[index % len(handling)]],
            source="106年度道安工作交通部年終視導及地方初評",
            item=rng.choice(data.ROAD_SAFETY_ITEMS).format(
                d=rng.choice(data.PROGRAM_DISTRICTS)[0]) + f"（第{index + 1}項）",
            response="已納入107年度道安工作計畫執行，並按季追蹤辦理情形。",
            responded_on=dt.date(2018, rng.randrange(2, 9), rng.randrange(1, 28)),
            adopted_on=dt.date(2018, rng.randrange(9, 11), rng.randrange(1, 28)),
            control_status=ControlStatus.RELEASED, released_on=released,
            release_reason="107年10月30日第10次道安大會決議解除列管")
        for index in range(83)])


def _councillor(rng) -> str:
    return rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)


def _council_resolutions(ctx, agencies) -> None:
    rng = ctx.rng_for("programs.council")
    dates = ctx.rng_for("programs.council.dates")  # adopted at the session, autumn 2018
    categories = {c.code: c for c in ResolutionCategory.objects.all()}
    rows = [code for code, n in data.RESOLUTION_COUNTS.items() for _ in range(n)]
    rng.shuffle(rows)
    resolutions = []
    for number, code in enumerate(rows, start=1):
        district = rng.choice(data.PROGRAM_DISTRICTS)[0]
        proposers = "、".join(_councillor(rng) for _ in range(rng.randrange(1, 4)))
        replied = rng.random() < 0.96
        released = replied and rng.random() < 0.6
        replied_on = dt.date(2019, 1, rng.randrange(2, 31)) if replied else None
        resolutions.append(CouncilResolution(
            session=data.COUNCIL_SESSION, number=number, category=categories[code],
            resolved_on=dt.date(2018, 12, 20) - dt.timedelta(days=dates.randrange(0, 70)),
            proposer=proposers, subject=rng.choice(data.RESOLUTION_SUBJECTS[code]).format(
                d=district),
            agency=agencies[rng.choice(data.RESOLUTION_AGENCIES[code])],
            reply=rng.choice(["已納入年度計畫辦理，預計年底前完成。",
                              "已完成改善，並函復提案議員。",
                              "列入中長程計畫，俟經費到位後辦理。"]) if replied else "",
            replied_on=replied_on,
            control_status=ControlStatus.RELEASED if released else ControlStatus.TRACKING,
            released_on=dt.date(2019, 3, 15) if released else None,
            release_reason="已函復議會並完成辦理。" if released else ""))
    CouncilResolution.objects.bulk_create(resolutions)


def _enterprises(ctx, agencies) -> None:
    rng = ctx.rng_for("programs.enterprises")
    bands = list(GradeBand.objects.filter(scale__code=ENTERPRISE_GRADES))
    for code, reviewed in (("pawnshop", dt.date(2018, 7, 16)), ("ferry", dt.date(2018, 7, 17))):
        evaluation = EnterpriseEvaluation.objects.create(
            enterprise=agencies[code], year=PREVIOUS, indicators_fixed_on=dt.date(2016, 12, 20),
            status=EnterpriseEvaluation.Status.APPROVED, reviewed_on=reviewed,
            comment="經營績效良好，建議持續開發新服務並強化資訊化作業。")
        indicators = EnterpriseIndicator.objects.bulk_create([
            EnterpriseIndicator(evaluation=evaluation, name_zh=name_zh, name_en=name_en,
                                weight=weight, target=target,
                                score=Decimal(str(round(rng.uniform(81, 89), 1))))
            for name_zh, name_en, weight, target in data.ENTERPRISE_INDICATORS[code]])
        score = weighted_score({str(i.pk): i.score for i in indicators},
                               {str(i.pk): i.weight for i in indicators})
        evaluation.final_score, evaluation.grade = score, grade_for(score, bands)
        evaluation.save(update_fields=["final_score", "grade"])


def _pre_review(ctx, agencies, calendar) -> None:
    rng = ctx.rng_for("programs.prereview")
    review = BudgetPreReview.objects.create(budget_year=2019, title="108年度重要施政計畫先期作業")
    plans = data.PRE_REVIEW_PLANS
    requested = _split(rng, PRE_REVIEW["requested"], len(plans))
    public = _split(rng, PRE_REVIEW["public"], len(plans), 0.8, 1.2)
    funded = [i for i, (code, _title) in enumerate(plans) if code in data.PRE_REVIEW_FUND_AGENCIES]
    fund = dict(zip(funded, _split(rng, PRE_REVIEW["fund"], len(funded)), strict=True))
    rows = []
    for index, (code, title) in enumerate(plans):
        # Each request covers what was approved for it (the rest of the request is the
        # central subsidy and self-financed parts not approved in the city budget).
        approved = public[index] + fund.get(index, 0)
        rows.append([code, title, max(requested[index], approved), public[index],
                     fund.get(index, 0)])
    excess = sum(row[2] for row in rows) - PRE_REVIEW["requested"]
    for row in sorted(rows, key=lambda r: r[2] - r[3] - r[4], reverse=True):
        take = min(excess, row[2] - row[3] - row[4])
        row[2] -= take
        excess -= take
    BudgetRequest.objects.bulk_create([
        BudgetRequest(review=review, agency=agencies[code], title=title,
                      requested=req * 1_000_000, approved_public=pub * 1_000_000,
                      approved_fund=fnd * 1_000_000)
        for code, title, req, pub, fnd in rows])
    day, meetings = dt.date(2018, 5, 2), []
    while len(meetings) < 24:
        if calendar.is_working_day(day) and day.weekday() in (0, 2, 4):
            code, title = plans[len(meetings) % len(plans)]
            meetings.append(PreReviewMeeting(
                review=review, kind=PreReviewMeeting.Kind.MEETING, held_on=day,
                subject=f"第{len(meetings) + 1}場初審會議：{agencies[code].label_zh}{title}"))
        day += dt.timedelta(days=1)
    meetings += [PreReviewMeeting(review=review, kind=PreReviewMeeting.Kind.SITE_VISIT,
                                  held_on=dt.date.fromisoformat(held_on), subject=subject)
                 for held_on, subject in data.PRE_REVIEW_SITE_VISITS]
    PreReviewMeeting.objects.bulk_create(meetings)


def _first_level_codes() -> list[str]:
    """The first-level agencies in the order of the city's agencies.csv."""
    return list(Agency.objects.filter(kind=Agency.Kind.FIRST_LEVEL).order_by("sort_order")
                .values_list("code", flat=True))


def _documents(ctx, agencies) -> None:
    rng = ctx.rng_for("programs.documents")
    categories = list(DocumentCategory.objects.all())
    urgencies = {u.code: u for u in DocumentUrgency.objects.all()}
    volume = {"general": (800, 4000), "legislator": (0, 6), "application": (60, 800),
              "petition": (30, 400), "appeal": (0, 12), "project": (5, 40),
              "control-yuan": (0, 4)}
    urgency_share = {"most-urgent": 0.05, "urgent": 0.25, "normal": 0.70}
    days = {"most-urgent": (0.5, 1.05), "urgent": (1.4, 3.1), "normal": (2.8, 6.3)}
    flagged = {"urban-development", "land", "economic-development", "labor"}
    rows = []
    for code in _first_level_codes():
        agency = agencies[code]
        overdue_rate = rng.uniform(0.032, 0.05) if code in flagged else rng.uniform(0.004, 0.024)
        size = rng.uniform(0.3, 1.5)
        for month in range(1, 13):
            for category in categories:
                low, high = volume[category.code]
                total = round(rng.randint(low, high) * size)
                for urgency_code, share in urgency_share.items():
                    count = round(total * share)
                    overdue = min(count, round(count * overdue_rate * rng.uniform(0.6, 1.4)))
                    low_days, high_days = days[urgency_code]
                    rows.append(DocumentStat(
                        agency=agency, year=YEAR, month=month, category=category,
                        urgency=urgencies[urgency_code], on_time=count - overdue,
                        overdue=overdue,
                        average_days=Decimal(str(round(rng.uniform(low_days, high_days), 2)))
                        if count else Decimal(0)))
    DocumentStat.objects.bulk_create(rows, batch_size=2000)
