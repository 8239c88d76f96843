"""A city of its own for 2021, not the demo: Nanbin City (南濱市) is set up from its data
files (``city_2021/``), its staff, programs, progress, KPIs, tenders, cases, calls and surveys
go in through the importers (``city_2021_records/``), a progress report and the year's
inspections through the API, two merges and a downgrade through the service-desk pages.
Then its 2021 annual report must give exactly the figures below, which were worked out by
hand from those files before anything ran — the arithmetic is in the comments. The same
test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yankao import cli
from yankao.core.imports import find_importer, no_progress
from yankao.core.services.city import city_setup
from yankao.core.services.tokens import api_token_create
from yankao.reports.generate import build_report

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
CITY, RECORDS = HERE / "city_2021", HERE / "city_2021_records"

# Every figure of the 2021 report, as printed (Chinese edition).
EXPECTED = {
    # 貳一(一) KPIs of 2020 (kpis.csv): K1 120 ≥ 100 met; K2 4 ≤ 5 (lower is better) met;
    # K3 45 < 50 not met; K4 10 ≥ 10 met → 3 of 4 = 75.0 %.
    "programs.kpi_achievement_previous": "75.00%",
    # 參一(一) the city's policy: behind from 4 points, severely from 8 (city.toml).
    # December plan − actual: 110-01 100 − 100 = 0 → on track; 110-02 80 − 76 = 4 → behind
    # (≥ 4, not the usual 5); 110-03 90 − 85 = 5 → behind; 110-04 70 − 55 = 15 → severely
    # behind; 110-05 reported only November → not reported; 110-06 (through the API)
    # 100 − 99.5 = 0.5 → on track. 2 + 3 + 1 = 6.
    "programs.controlled": "6",
    "programs.on_schedule": "2",
    "programs.on_schedule_share": "33.33%",  # 2 / 6 = 33.333…
    "programs.behind": "3",
    "programs.behind_share": "50.00%",  # 3 / 6
    "programs.not_reported": "1",
    "programs.not_reported_share": "16.67%",  # 1 / 6 = 16.666… → half up
    # 肆一 §4 as in force on 31 December 2021 (the text of 2021-03-19). Under construction in
    # 2021: tenders 1–9 (10 ended in 2020, 11 starts in 2022). Budgets: 60 M and 50 M → item 1
    # (2, fewer than 20: both); 49,999,999 and 10 M → item 2 (2: both); 9,999,999 and 1 M →
    # item 3 (2: both); 999,999 below NT$1 M; 8 (補助) and 9 (delegated) left out. Bands
    # 2 + 2 + 2 = 6; 10 % of the 6 own tenders of NT$1 M or more = 0.6 → 1. Minimum 6.
    # Inspections (API): 1–3 and 5 first inspections, 4 a re-inspection of 1 → 5 and 1.
    "works.inspections": "5",
    "works.re_inspections": "1",
    "works.legal_minimum": "6",
    "works.minimum_ratio": "83.33%",  # 5 / 6 = 83.333…
    # 肆三 no tender reported progress: 9 expected each month (tenders 1–9, in progress from
    # January), none on time → 0 of 108.
    "works.update_compliance": "0.00%",
    # 肆四–五 no citizen works reports, no training.
    "works.citizen_reports": "0",
    "works.citizen_satisfied": "—",
    "works.citizen_dissatisfied": "—",
    "works.citizen_inspections": "0",
    "works.citizen_inspection_rate": "—",
    "works.training_sessions": "0",
    "works.training_attendance": "0",
    # 伍 cases-2021.csv: petitions PE1–PE6 (6), mailbox MB1–MB3 (3), dispatch D1–D9 (9).
    "servicedesk.petitions_total": "9",  # 6 + 3
    "servicedesk.mailbox": "3",
    "servicedesk.petitions": "6",
    # calls-2021.csv: 12 consultations (9 answered at once), 10 forwarded as cases,
    # 5 transferred, 3 other = 30.
    "servicedesk.calls": "30",
    "servicedesk.calls_per_month": "3",  # 30 / 12 = 2.5 → 3 half up (round() gives 2)
    "servicedesk.consultation_share": "40.00%",  # 12 / 30
    "servicedesk.answered_at_once": "75.00%",  # 9 / 12
    "servicedesk.forwarded_share": "33.33%",  # 10 / 30
    "servicedesk.other_share": "26.67%",  # (5 + 3) / 30 = 26.666…
    "servicedesk.dispatch": "9",
    "servicedesk.dispatch_per_month": "1",  # 9 / 12 = 0.75 → 1
    # Four hours from registration: D1 2 h 30, D3 3 h, D4 3 h 59, D8 1 h within; D2 6 h
    # late; D5 never answered → open past its 4 hours. Left out: D6 never dispatched (no
    # agency), D7 downgraded (page), D9 merged into D8 (page). 4 / (4 + 1 + 1).
    "servicedesk.dispatch_four_hour": "66.67%",
    "servicedesk.dispatch_excluded": "3",
    # Answered by the time limit (dispatch 4 h, petitions 6 working days, mailbox 5):
    # on time PE1 (2 days), PE5 (next day), MB1 (2 days), MB3 (next day), D1, D3, D4, D8 = 8;
    # late PE2 (2 months), PE3 (open), MB2 (25 days), D2, D5 (open), D7 (downgraded, still
    # unanswered past its limit) = 6; left out PE4 and D6 (no limit: no agency), PE6 and D9
    # (merged). 8 / 14 = 57.142…
    "servicedesk.on_time": "57.14%",
    # surveys-2021.csv: 4 invited, 3 answered (5, 4, 2), 2 satisfied (4 or 5) → 2 / 3.
    "servicedesk.satisfaction": "66.67%",
    "servicedesk.app_dispatch": "3",  # D3, D4, D8
    "servicedesk.app_mailbox": "2",  # MB1, MB3
    # 伍2–3, 伍6: no counter bookings, no FAQ conversations.
    "counter.legal_consultations": "0",
    "counter.legal_no_shows": "0",
    "counter.blood_pressure": "0",
    "assistant.conversations": "0",
    "assistant.questions": "0",
    "assistant.handovers": "0",
}

EXPECTED_TABLES = {
    "works.minimum": [
        ["新臺幣五千萬元以上", "§4 ¶1 item 1", 2, 2],
        ["新臺幣一千萬元以上未達五千萬元", "§4 ¶1 item 2", 2, 2],
        ["新臺幣一百萬元以上未達一千萬元", "§4 ¶1 item 3", 2, 2],
        ["不低於新臺幣1,000,000元以上標案之10%", "§4 ¶1", 6, 1],
        ["法定查核件數", "", 9, 6],  # 2 + 2 + 2 + 1 below + 2 left out = 9 tenders
    ],
    # 1: 85, 86 → 85.5 → 86 甲等; 2: 92, 93, 95 → 93.33 → 93 優等; 3: 70, 69 → 69.5 → 70
    # 乙等 (its concrete test pending); 4: 64 丙等; 5: 78, 79 → 79, but a grave safety fault
    # (§8 ¶1 item 6) → 69 丙等. Shares of 5.
    "works.grades": [["優等", 1, "20.00%"], ["甲等", 1, "20.00%"], ["乙等", 1, "20.00%"],
                     ["丙等", 2, "40.00%"]],
    "works.compliance": [[f"2021-{month:02d}", 9, 0, "0.00%"] for month in range(1, 13)],
    "servicedesk.dispatch_accounting": [
        ["4小時內回報", 4], ["逾4小時回報", 1], ["逾4小時仍未回報", 1], ["不計入：併案", 1],
        ["不計入：降級", 1], ["不計入：未派工", 1], ["不計入：處理中未逾4小時", 0],
        ["不計入：依第173條存查", 0], ["合計", 9]],
    # Channels of the 18 cases: phone PE3 PE6 D1 D2 D5 D7 D9; web PE1 PE4 MB2 D6;
    # app PE5 MB1 MB3 D3 D4 D8; letter PE2.
    "servicedesk.by_channel": [["1999電話", 7], ["臨櫃", 0], ["網路", 4], ["APP", 6],
                               ["書面", 1], ["傳真", 0], ["電子郵件", 0], ["Open311", 0],
                               ["城市感測器", 0]],
}

# Sections with no records for 2021 say so in words.
EXPECTED_WORDS = [
    "尚無2022年度預算之重要施政計畫先期作業紀錄。",
    "「上年度年終考核結果」於110年尚無紀錄。",
    "「市營事業機構年度考核」於110年尚無紀錄。",
    "2021年度無列管之基本設施補助案件紀錄。",
    "2021年度無列管之道安建議事項紀錄。",
    "「公文處理統計」於110年尚無紀錄。",
    "「議會議決案辦理情形」於110年尚無紀錄。",
    "「工程教育訓練」於110年尚無紀錄。",
]


def load(kind: str, fmt: str, name: str) -> None:
    result = find_importer(kind, fmt)(RECORDS / name, actor=None, progress=no_progress)
    assert not result.rejected, (name, result.rejected)


def api(user) -> dict:
    _token, raw = api_token_create(actor=user, user=user, name="2021 records")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def inspect(client, headers, tender, day, scores, **extra):
    body = {"tender": tender, "inspected_on": day,
            "inspectors": [{"name": f"委員{n}", "score": s} for n, s in enumerate(scores, 1)],
            **extra}
    response = client.post("/api/v1/works/inspections", body, content_type="application/json",
                           **headers)
    assert response.status_code == 201, response.content
    return response.json()["number"]


def build_the_city(client: Client) -> None:
    city_setup(actor=None, folder=CITY)
    load("staff", "csv", "staff.csv")
    load("programs", "csv", "programs-2021.csv")
    load("progress", "csv", "progress-2021.csv")
    load("kpis", "csv", "kpis.csv")
    load("tenders", "csv", "tenders-2021.csv")
    load("cases", "csv", "cases-2021.csv")
    load("calls", "csv", "calls-2021.csv")
    load("surveys", "csv", "surveys-2021.csv")
    users = get_user_model().objects
    officer, inspector = users.get(username="nb_edu"), users.get(username="nb_inspector")
    # 110-06's December report, by the education bureau's officer, through the API.
    programs = client.get("/api/v1/programs?year=2021", **api(officer)).json()["items"]
    program = next(p for p in programs if p["code"] == "110-06")
    response = client.post(f"/api/v1/programs/{program['id']}/reports", {
        "month": 12, "actual_pct": "99.5", "budget_executed": 12_000_000,
        "narrative": "平台上線", "delay_reason": "最後一所學校延至一月驗收"},
        content_type="application/json", **api(officer))
    assert response.status_code == 201, response.content
    # The year's inspections, by the inspection team, through the API.
    team = api(inspector)
    first = inspect(client, team, "1100104-01", "2021-03-10", [85, 86])
    inspect(client, team, "1100104-03", "2021-05-04", [92, 93, 95])
    inspect(client, team, "1100104-05", "2021-06-15", [70, 69],
            material_tests=[{"material": "concrete", "result": "pending"}])
    inspect(client, team, "1100104-01", "2021-07-20", [64], first_inspection=first)
    inspect(client, team, "1100104-06", "2021-09-09", [78, 79], grave_finding="safety")
    # Two duplicates merged and a dispatch downgraded, on the service-desk pages.
    client.force_login(users.get(username="nb_registrar"))
    for case, into in (("IM-PE6", "IM-PE1"), ("IM-D9", "IM-D8")):
        response = client.post(f"/staff/servicedesk/cases/{case}/merge/",
                               {"merge-into": into, "merge-reason": "同一事件"})
        assert response.status_code == 302, response.content[:400]
    response = client.post("/staff/servicedesk/cases/IM-D7/downgrade/",
                           {"down-reason": "人行道小坑，非立即危險"})
    assert response.status_code == 302, response.content[:400]
    client.logout()


def test_the_2021_report_of_a_city_of_its_own_equals_the_figures_worked_out_by_hand(
        client, tmp_path, capsys):
    build_the_city(client)
    report = build_report(structure="annual", year=2021, language="zh-hant", base_url="")
    figures = {ref.key: ref.text for ref in report.all_figures()}
    assert {key: figures.get(key) for key in EXPECTED} == EXPECTED
    labels = {ref.key: ref.label for ref in report.all_figures()}
    assert labels["programs.on_schedule"] == "完成或進度落後未滿4%"  # the city's policy
    assert labels["programs.behind"] == "進度落後4%以上"

    def walk(sections):
        for section in sections:
            yield from section.blocks
            yield from walk(section.children)

    blocks = list(walk(report.sections))
    tables = {block.key: block.rows for block in blocks if hasattr(block, "columns")}
    assert {key: tables.get(key) for key in EXPECTED_TABLES} == EXPECTED_TABLES
    words = [part for block in blocks for part in getattr(block, "parts", ())
             if isinstance(part, str)]
    for sentence in EXPECTED_WORDS:
        assert sentence in words, sentence
    # The reading view answers for 2021 and shows the same figures.
    client.force_login(get_user_model().objects.get(username="nb_evaluator"))
    page = client.get("/reports/annual/2021/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("83.33%", "66.67%", "57.14%", "尚無2022年度預算之重要施政計畫先期作業紀錄。"):
        assert shown in text, shown
    # /reports/ offers 2021, the latest year with records, by default.
    overview = client.get("/reports/").content.decode()
    assert 'href="/reports/annual/2021/"' in overview
    assert 'value="2021" selected' in overview
    # `yankao report annual` without --year: the latest year with records, 2021.
    out = tmp_path / "annual.html"
    assert cli.main(["report", "annual", "--format", "html", "--out", str(out), "--quiet"]) == 0
    assert "施政績效成果報告" in out.read_text(encoding="utf-8")
    assert "83.33%" in out.read_text(encoding="utf-8")
    assert str(out) in capsys.readouterr().out
