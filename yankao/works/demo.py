"""The demo city's public works in 2018, the same at every ``--scale`` (the reference report
counts them one by one):

- a tender list whose legal minimum under §4 as in force in 2018 (工程施工查核小組作業辦法,
  text of 2003-09-10) is 63, by budget amount: 140 tenders at or above the 查核金額
  (NT$50 M: 20 % of 140 = 28, not fewer than 20), 300 from NT$10 M up to 50 M (15 or
  more: 15), 700 from the 公告金額 (NT$1 M) up to NT$10 M (20 or more: 20) — 28 + 15 + 20
  = 63 — and 12 small ones below NT$1 M that do not count;
- every tender's monthly progress reported on time (100 % in every month of 2018);
- 148 inspections, 11 of them re-inspections, 11 arising from citizen reports;
- 80 citizen works reports, 21 reporters surveyed, 17 satisfied (80.95 %);
- the 7 training sessions of 2018 with their attendance.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.apps import apps
from django.db import transaction

from yankao.core.calendar import TAIPEI, WorkingCalendar
from yankao.core.models import Agency, District
from yankao.works import demo_data as words
from yankao.works.models import (
    CitizenReport,
    Defect,
    Inspection,
    InspectionConsequence,
    MonthlyProgress,
    ProgressCheck,
    ReportExtension,
    Tender,
)
from yankao.works.rules import month_start, months_between, progress_due_at
from yankao.works.services.citizen import (
    citizen_report_dissatisfaction_conclude,
    citizen_report_dissatisfaction_respond,
    citizen_report_extend,
    citizen_report_handle,
    citizen_report_improvement,
    citizen_report_route,
    citizen_report_submit,
    citizen_report_survey,
    citizen_report_verify,
    training_session_record,
)
from yankao.works.services.inspections import (
    DefectEntry,
    InspectorEntry,
    MaterialTestEntry,
    inspection_record,
    inspection_send,
)
from yankao.works.services.policy import works_policy_seed
from yankao.works.services.tenders import progress_check_record

DEMO_ORDER = 40
YEAR = 2018
YEAR_START, YEAR_END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

# (band, tenders, lowest and highest budget NT$, earliest start, latest start, months min,
# max). Budgets stay inside their §4 band: 50 M and more, 10 M up to 50 M, 1 M up to 10 M.
BANDS = [
    ("supervised", 140, 50_000_000, 1_200_000_000, dt.date(2016, 9, 1), dt.date(2018, 6, 1),
     12, 36),
    ("ten-million", 300, 10_000_000, 49_900_000, dt.date(2017, 6, 1), dt.date(2018, 9, 1),
     6, 20),
    ("announced", 700, 1_000_000, 9_990_000, dt.date(2017, 10, 1), dt.date(2018, 11, 1), 2, 10),
    ("small", 12, 300_000, 990_000, dt.date(2018, 1, 1), dt.date(2018, 9, 1), 1, 4),
]
FIRST_INSPECTIONS, RE_INSPECTIONS, REPORT_INSPECTIONS = 137, 11, 11
REPORTS, SURVEYED, SATISFIED = 80, 21, 17
DELAY_REASONS = ["用地取得延宕", "地下管線遷移協調中", "雨季影響施工", "材料進場延誤",
                 "設計變更辦理中", "廠商人力不足", "居民陳情暫緩施工"]
CHANGE_NOTES = ["追加排水設施", "變更鋪面材料", "增設安全護欄", "配合管線調整線形",
                "增加擋土設施"]


def build(ctx) -> None:
    rng = ctx.rng_for("works")
    calendar = WorkingCalendar.load()
    with transaction.atomic():
        works_policy_seed(actor=None)
        tenders = _tenders(rng)
        ctx.say(f"  works: {len(tenders)} tenders")
        _progress(rng, tenders)
        checks = _written_checks(ctx.rng_for("works-checks"))  # the others draw as before
        reports = _reports(rng, tenders)
        inspections = _inspections(rng, calendar, tenders, reports)
        _report_outcomes(rng, reports)
        for held_on, title, co_organiser, attendance in words.TRAINING_2018:
            training_session_record(actor=None, title=title,
                                    held_on=dt.date.fromisoformat(held_on),
                                    co_organiser=co_organiser, attendance=attendance,
                                    hours=Decimal("6"))
        ctx.say(f"  works: {checks} written progress checks, {len(inspections)} "
                f"inspections, {len(reports)} citizen reports, "
                f"{len(words.TRAINING_2018)} training sessions")


def _months(first: dt.date, count: int) -> dt.date:
    month = month_start(first)
    for _ in range(count):
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return month


def _curve(start: dt.date, end: dt.date) -> list[dict]:
    """A planned S-curve (smoothstep) from the start month to the completion month."""
    months = months_between(start, end)
    points, previous = [], 0.0
    for index, month in enumerate(months, start=1):
        t = index / len(months)
        value = max(previous, round(100 * (3 * t * t - 2 * t * t * t), 1))
        points.append({"month": f"{month:%Y-%m}", "percent": value})
        previous = value
    points[-1]["percent"] = 100.0
    return points


def _tenders(rng: random.Random) -> list[Tender]:
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    districts = list(District.objects.select_related("office"))
    kinds = words.TENDER_KINDS
    weights = [weight for _code, weight, _patterns in kinds]
    tenders, serial = [], 0
    for _band, count, low, high, first_start, last_start, shortest, longest in BANDS:
        for _ in range(count):
            serial += 1
            code, _weight, patterns = rng.choices(kinds, weights)[0]
            district = rng.choice(districts)
            agency = district.office if code == "district" else agencies[code]
            title = rng.choice(patterns).format(
                d=district.name_zh, r=rng.choice(words.ROADS[district.name_zh]),
                s=rng.choice(words.STREAMS), k=rng.choice(words.SCHOOLS),
                p=rng.choice(words.PARKS))
            # Log-uniform budgets: many small tenders, few large ones.
            budget = min(high, max(low, int(low * (high / low) ** rng.random()) // 1000 * 1000))
            span = (last_start - first_start).days
            start = first_start + dt.timedelta(days=rng.randrange(span + 1))
            months = rng.randint(shortest, longest)
            end = _months(start, months) - dt.timedelta(days=1)
            if end < YEAR_START:
                end = YEAR_START + dt.timedelta(days=rng.randrange(30, 120))
            ratio = rng.uniform(0.74, 0.79) if rng.random() < 0.06 else rng.uniform(0.8, 0.98)
            contractor = (rng.choice(words.CONTRACTOR_PREFIXES)
                          + rng.choice(words.CONTRACTOR_SUFFIXES))
            supervisor = (agency.name_zh if rng.random() < 0.3
                          else rng.choice(words.SUPERVISORS))
            tenders.append(Tender(
                pcc_number=f"{start.year - 1911}{start:%m}{serial:04d}", agency=agency,
                title=title, district=district,
                location=f"高雄市{district.name_zh}{rng.choice(words.ROADS[district.name_zh])}",
                latitude=(district.latitude + Decimal(rng.randint(-90, 90)) / 10_000),
                longitude=(district.longitude + Decimal(rng.randint(-90, 90)) / 10_000),
                budget_amount=budget, contract_amount=int(budget * ratio) // 1000 * 1000,
                awarded_on=start - dt.timedelta(days=rng.randint(14, 45)),
                contractor=contractor, supervisor=supervisor, start_date=start, end_date=end,
                status=Tender.Status.COMPLETED if end <= YEAR_END else Tender.Status.IN_PROGRESS,
                planned_curve=_curve(start, end),
            ))
    Tender.objects.bulk_create(tenders, batch_size=500)
    return list(Tender.objects.select_related("agency").order_by("pk"))


def _progress(rng: random.Random, tenders: list[Tender]) -> None:
    """Every month of every tender, reported between the 1st and the update day (6th)."""
    rows = []
    suspended = []
    for tender in tenders:
        last = min(month_start(tender.end_date), dt.date(YEAR, 12, 1))
        months = months_between(tender.start_date, last)
        ongoing = tender.status == Tender.Status.IN_PROGRESS
        roll = rng.random()
        final_delay = (0 if not ongoing or roll < 0.78 else rng.uniform(1, 5) if roll < 0.88
                       else rng.uniform(5, 10) if roll < 0.95 else rng.uniform(10, 22))
        stop = ongoing and len(suspended) < 3 and final_delay >= 10
        if stop:
            suspended.append(tender.pk)
        change_months = set(rng.sample(range(len(months)), k=min(len(months),
                                                                   rng.choice([0, 0, 0, 1, 2]))))
        curve = tender.planned_by_month()
        actual = Decimal("0")
        for index, month in enumerate(months):
            planned = curve.get(f"{month:%Y-%m}", Decimal("100"))
            share = (index + 1) / len(months)
            delay = Decimal(str(round(final_delay * share, 2)))
            actual = min(Decimal("100"), max(actual, planned - delay))
            if not ongoing and index == len(months) - 1:
                actual = Decimal("100")
            behind = actual < planned
            stopped = stop and index == len(months) - 1
            submitted = dt.datetime.combine(
                month_start(month + dt.timedelta(days=32)) + dt.timedelta(
                    days=rng.randint(0, 4)), dt.time(rng.randint(8, 17), rng.randint(0, 59)),
                tzinfo=TAIPEI)
            rows.append(MonthlyProgress(
                tender=tender, month=month, planned_percent=planned,
                actual_percent=actual.quantize(Decimal("0.01")),
                amount_spent=int(tender.contract_amount * actual / 100 * Decimal("0.95")),
                delay_reason=rng.choice(DELAY_REASONS) if behind else "",
                stopped=stopped, stoppage_days=rng.randint(5, 20) if stopped else 0,
                stoppage_reason="用地糾紛暫停施工" if stopped else "",
                design_change=index in change_months,
                design_change_note=rng.choice(CHANGE_NOTES) if index in change_months else "",
                due_at=progress_due_at(month, 6), submitted_at=submitted, updated_at=submitted,
            ))
    MonthlyProgress.objects.bulk_create(rows, batch_size=1000)
    Tender.objects.filter(pk__in=suspended).update(status=Tender.Status.SUSPENDED)


def _written_checks(rng: random.Random) -> int:
    """Every month of 2018, 20 to 24 written progress checks, the most behind tenders of
    the month first and a few others by lot, made between the 8th and the 20th of the
    following month (after the update day)."""
    count = 0
    for number in range(1, 13):
        month = dt.date(YEAR, number, 1)
        rows = sorted(MonthlyProgress.objects.filter(month=month).values_list(
            "tender_id", "planned_percent", "actual_percent"),
            key=lambda row: (row[2] - row[1], row[0]))
        behind = [row for row in rows if row[1] - row[2] > 0][:16]
        others = [row for row in rows if row not in behind]
        chosen = behind + rng.sample(others, k=min(len(others),
                                                   rng.randint(20, 24) - len(behind)))
        tenders = Tender.objects.select_related("agency").in_bulk([row[0] for row in chosen])
        after = month_start(month + dt.timedelta(days=32))
        for tender_id, planned, actual in chosen:
            delay = planned - actual
            finding = (ProgressCheck.Finding.ON_SCHEDULE if delay <= 0
                       else ProgressCheck.Finding.BEHIND_EXPLAINED if delay < 5
                       else ProgressCheck.Finding.ACTION if delay < 10
                       else ProgressCheck.Finding.INSPECT)
            note = ("" if delay < 5 else f"落後 {delay} 個百分點，請機關提出趕工計畫"
                    if delay < 10 else f"落後 {delay} 個百分點，列入優先查核")
            progress_check_record(
                actor=None, tender=tenders[tender_id], month=month, finding=finding,
                note=note, checked_at=dt.datetime.combine(
                    after + dt.timedelta(days=rng.randint(7, 19)), dt.time(10, 0),
                    tzinfo=TAIPEI))
            count += 1
    return count


def _working_day(calendar: WorkingCalendar, rng: random.Random, first: dt.date,
                 last: dt.date) -> dt.date:
    """A random working day from ``first`` to ``last`` (the first one after ``first`` when
    the span has none)."""
    for _ in range(20):
        day = first + dt.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))
        if calendar.is_working_day(day):
            return day
    return calendar.add_working_days(first, 0)


def _window(tender: Tender) -> tuple[dt.date, dt.date]:
    return (max(tender.start_date + dt.timedelta(days=20), dt.date(YEAR, 1, 8)),
            min(tender.end_date - dt.timedelta(days=3), dt.date(YEAR, 12, 21)))


def _person(rng: random.Random) -> str:
    return rng.choice(words.SURNAMES) + rng.choice(words.GIVEN)


def _service_desk_case_numbers(count: int) -> list[str]:
    """Reports taken on the 1999 hotline came in as petitions of the service desk (built
    earlier in the demo); link them to real case numbers when that module is installed."""
    if not apps.is_installed("yankao.servicedesk"):
        return []
    from yankao.servicedesk.selectors.public import case_numbers_for_linking

    return case_numbers_for_linking(year=YEAR, kind="petition", limit=count)


def _reports(rng: random.Random, tenders: list[Tender]) -> list[CitizenReport]:
    """80 reports about tenders under construction, received through 2018."""
    candidates = [t for t in tenders if t.contract_amount >= 5_000_000
                  and (_window(t)[1] - _window(t)[0]).days > 40]
    chosen = rng.sample(candidates, REPORTS)
    channels = ["web"] * 30 + ["phone"] * 38 + ["1999"] * 12
    rng.shuffle(channels)
    entries = []
    for tender, channel in zip(chosen, channels, strict=True):
        first, last = _window(tender)
        received = first + dt.timedelta(days=rng.randrange(max(1, (last - first).days - 20)))
        entries.append((received, tender, channel))
    entries.sort(key=lambda entry: (entry[0], entry[1].pk))
    case_numbers = iter(_service_desk_case_numbers(channels.count("1999")))
    reports = []
    for received, tender, channel in entries:
        subject, description = rng.choice(words.REPORT_SUBJECTS)
        reports.append(citizen_report_submit(
            actor=None, channel=channel, subject=subject, description=description,
            location=tender.location, district=tender.district, tender=tender,
            name=_person(rng) if channel == "web" or rng.random() < 0.7 else "",
            phone=f"09{rng.randint(10, 89)}{rng.randint(100000, 999999)}",
            service_desk_case_number=next(case_numbers, "") if channel == "1999" else "",
            received_at=dt.datetime.combine(received, dt.time(rng.randint(8, 20)),
                                            tzinfo=TAIPEI)))
    return reports


def _entries(rng: random.Random, quality: float, count: int) -> list[InspectorEntry]:
    names = rng.sample(words.INSPECTORS, count)
    return [InspectorEntry(name=name, score=max(40, min(98, round(rng.gauss(quality, 2)))))
            for name in names]


def _defects(rng: random.Random, quality: float) -> list[DefectEntry]:
    codes = list(words.DEFECT_TEXTS)
    weights = [3 if code.startswith("5") else 2 if code.startswith("4") else 1
               for code in codes]
    count = rng.randint(1, 3) + (2 if quality < 75 else 0)
    defects = []
    for code in rng.choices(codes, weights, k=count):
        severity = rng.choices(["minor", "major", "critical"], [6, 3, 1])[0]
        points = {"minor": rng.randint(0, 1), "major": rng.randint(2, 4),
                  "critical": rng.randint(5, 8)}[severity]
        defects.append(DefectEntry(code=code, description=rng.choice(words.DEFECT_TEXTS[code]),
                                   severity=severity, deduction_points=points))
    return defects


def _inspections(rng, calendar, tenders, reports) -> list[Inspection]:
    """137 first inspections (11 arising from reports) and 11 re-inspections."""
    plans = []  # (day, tender, quality, origin, report, first_index)
    report_tenders = set()
    for report in rng.sample(reports, REPORT_INSPECTIONS):
        tender = report.tender
        first, last = _window(tender)
        day = _working_day(calendar, rng, report.received_at.date() + dt.timedelta(days=3),
                           last)
        plans.append((day, tender, rng.gauss(80, 5), Inspection.Origin.CITIZEN_REPORT, report))
        report_tenders.add(tender.pk)
    pool = [t for t in tenders if t.pk not in report_tenders and t.contract_amount >= 1_000_000
            and (_window(t)[1] - _window(t)[0]).days >= 60]
    weights = [4 if t.contract_amount >= 50_000_000 else 1 for t in pool]
    picked: dict[int, Tender] = {}
    while len(picked) < FIRST_INSPECTIONS - REPORT_INSPECTIONS:
        tender = rng.choices(pool, weights)[0]
        picked.setdefault(tender.pk, tender)
    ordered = sorted(picked.values(), key=lambda t: t.pk)
    # Eleven weak sites early in the year, to be re-inspected; five of them 丙等.
    weak = rng.sample([t.pk for t in ordered if _window(t)[0] < dt.date(YEAR, 8, 1)
                       and _window(t)[1] > dt.date(YEAR, 10, 15)], RE_INSPECTIONS)
    for tender in ordered:
        first, last = _window(tender)
        if tender.pk in weak:
            day = _working_day(calendar, rng, first, min(last - dt.timedelta(days=50),
                                                          dt.date(YEAR, 9, 30)))
            quality = (rng.uniform(62, 68) if weak.index(tender.pk) < 5
                       else rng.uniform(69.6, 73))
        else:
            day = _working_day(calendar, rng, first, last)
            quality = rng.gauss(81, 5.5)
        origin = Inspection.Origin.PRIORITY if rng.random() < 0.15 else Inspection.Origin.ROUTINE
        plans.append((day, tender, quality, origin, None))
    plans.sort(key=lambda plan: (plan[0], plan[1].pk))
    failed = set(rng.sample(range(20, 120), 2))
    inspections, firsts = [], {}
    for index, (day, tender, quality, origin, report) in enumerate(plans):
        material = ("concrete" if index in failed
                    else rng.choice(["concrete", "asphalt", "compaction", "steel"]))
        tests = [MaterialTestEntry(material=material,
                                   result="failed" if index in failed else "passed")]
        if index >= len(plans) - 2:
            tests.append(MaterialTestEntry(material="compaction"))
        inspection = inspection_record(
            actor=None, tender=tender, inspected_on=day,
            inspectors=_entries(rng, quality, rng.choice([3, 3, 4, 5])),
            defects=_defects(rng, quality), tests=tests, origin=origin,
            citizen_report=report, summary="")
        inspections.append(inspection)
        if tender.pk in weak:
            firsts[tender.pk] = inspection
    for first in firsts.values():
        tender = first.tender
        day = _working_day(calendar, rng, first.inspected_on + dt.timedelta(days=25),
                           min(_window(tender)[1], first.inspected_on + dt.timedelta(days=50)))
        inspections.append(inspection_record(
            actor=None, tender=tender, inspected_on=day,
            inspectors=_entries(rng, rng.uniform(76, 84), 3),
            defects=_defects(rng, 85)[:1], tests=[MaterialTestEntry("concrete", "passed")],
            origin=first.origin, first_inspection=first))
    _send_and_improve(rng, calendar, inspections)
    return inspections


def _send_and_improve(rng, calendar, inspections: list[Inspection]) -> None:
    """Records go out within 7 working days; improvements of all but the latest sites are
    verified and those inspections closed. History is written as it happened in 2018."""
    latest = sorted(inspections, key=lambda i: i.inspected_on)[-2:]
    for inspection in inspections:
        if inspection in latest:
            continue
        inspection_send(actor=None, inspection=inspection)
        sent = calendar.add_working_days(inspection.inspected_on, rng.randint(2, 6))
        sent_at = dt.datetime.combine(sent, dt.time(rng.randint(9, 17)), tzinfo=TAIPEI)
        open_site = inspection.inspected_on >= dt.date(YEAR, 11, 20)
        defects = list(inspection.defects.all())
        for defect in defects:
            improved = calendar.add_working_days(sent, rng.randint(5, 20))
            defect.status = (rng.choice([Defect.Status.OPEN, Defect.Status.SUBMITTED,
                                         Defect.Status.VERIFIED]) if open_site
                             else Defect.Status.VERIFIED)
            done = defect.status != Defect.Status.OPEN
            defect.improvement_due = calendar.add_working_days(sent, 20)
            defect.improvement_note = "已依查核意見改善完成" if done else ""
            defect.improved_at = (dt.datetime.combine(improved, dt.time(10), tzinfo=TAIPEI)
                                  if done else None)
            defect.verified_at = (defect.improved_at + dt.timedelta(days=3)
                                  if defect.status == Defect.Status.VERIFIED else None)
        Defect.objects.bulk_update(defects, ["status", "improvement_due", "improvement_note",
                                             "improved_at", "verified_at"])
        still_open = inspection.defects.exclude(status=Defect.Status.VERIFIED).exists()
        Inspection.objects.filter(pk=inspection.pk).update(
            sent_at=sent_at,
            status=Inspection.Status.SENT if still_open else Inspection.Status.CLOSED,
            closed_at=None if still_open else sent_at + dt.timedelta(days=30))
        if not open_site:
            InspectionConsequence.objects.filter(inspection=inspection).update(
                done_at=sent_at + dt.timedelta(days=14), note="已辦理")


def _report_outcomes(rng: random.Random, reports: list[CitizenReport]) -> None:
    """Routed, handled, improved, verified and closed — except the last few of December —
    with 21 reporters surveyed (17 satisfied) and 5 matters referred to other agencies."""
    calendar = WorkingCalendar.load()
    referral = [Agency.objects.get(code=code) for code in
                ("transportation", "labor", "environmental-protection")]
    referred = set(rng.sample(range(len(reports) - 6), 5))
    closed = []
    for index, report in enumerate(reports):
        received = report.received_at
        stage = ("routed", "handling", "improved")[(len(reports) - 1 - index) // 2] \
            if index >= len(reports) - 6 else "closed"
        report = citizen_report_route(
            actor=None, report=report, agency=report.tender.agency,
            referred=[rng.choice(referral)] if index in referred else [])
        due = calendar.deadline_in_working_days(received, 10)
        if stage != "routed":
            report = citizen_report_handle(actor=None, report=report,
                                           note="已由主辦機關聯繫通報人並通知廠商改善")
        if stage in ("handling", "closed") and index % 9 == 4:
            report = citizen_report_extend(actor=None, report=report, reason="材料進場延誤")
            ReportExtension.objects.filter(report=report).update(
                previous_due_at=due, new_due_at=calendar.deadline_in_working_days(due, 10),
                created_at=received + dt.timedelta(days=6))
            due = calendar.deadline_in_working_days(due, 10)
        improved_at = received + dt.timedelta(days=rng.randint(3, 9))
        if stage in ("improved", "closed"):
            report = citizen_report_improvement(actor=None, report=report,
                                                note="已完成改善並拍照存證")
        if stage == "closed":
            report = citizen_report_verify(actor=None, report=report, accepted=True)
            closed.append(report)
        verified = improved_at + dt.timedelta(days=rng.randint(1, 4))
        CitizenReport.objects.filter(pk=report.pk).update(
            due_at=due,
            improved_at=improved_at if stage in ("improved", "closed") else None,
            verified_at=verified if stage == "closed" else None,
            closed_at=verified if stage == "closed" else None)
    surveyed = rng.sample(closed, SURVEYED)
    for position, report in enumerate(surveyed):
        report = citizen_report_survey(actor=None, report=report,
                                       satisfied=position < SATISFIED)
        CitizenReport.objects.filter(pk=report.pk).update(
            surveyed_at=report.closed_at + dt.timedelta(days=2))
        if position >= SATISFIED:
            report = citizen_report_dissatisfaction_respond(
                actor=None, report=report, response="主辦機關再次現勘並向通報人說明改善情形")
            if position < SURVEYED - 1:
                citizen_report_dissatisfaction_conclude(
                    actor=None, report=report, outcome="查核小組複核改善符合規定，函復通報人")

