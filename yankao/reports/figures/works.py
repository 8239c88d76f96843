"""Figures of public-works oversight (工程查核), from ``yankao.works.selectors`` only."""

from __future__ import annotations

import altair as alt
from django.utils.translation import get_language

from yankao.core.errors import DomainError
from yankao.core.numbers import format_percent
from yankao.core.permissions import CITY_WIDE
from yankao.reports.dashboards import Dashboard, register_dashboard
from yankao.reports.figures import (
    Chart,
    Figure,
    Period,
    Table,
    Value,
    once_per_build,
    register,
)
from yankao.works import selectors as s


@once_per_build
def summary(period: Period):
    return s.inspection_summary(actor=CITY_WIDE, year=period.year)


@once_per_build
def grades(period: Period):
    return s.grade_distribution(actor=CITY_WIDE, year=period.year)


@once_per_build
def compliance(period: Period):
    return s.progress_compliance_by_month(actor=CITY_WIDE, year=period.year)


@once_per_build
def satisfaction(period: Period):
    return s.citizen_report_satisfaction(actor=CITY_WIDE, year=period.year)


@once_per_build
def report_inspections(period: Period):
    return s.citizen_report_inspection_rate(actor=CITY_WIDE, year=period.year)


@once_per_build
def training(period: Period):
    return s.training_summary(year=period.year)


def inspections_url(period: Period) -> str:
    return f"/staff/works/inspections/?year={period.year}"


def reports_url(period: Period) -> str:
    return f"/staff/works/reports/?year={period.year}"


def figure(key, zh, en, method_zh, method_en, compute, records=None, unit=("", "")):
    return Figure(key=f"works.{key}", module="works", label_zh=zh, label_en=en,
                  method_zh=method_zh, method_en=method_en, compute=compute, records=records,
                  unit_zh=unit[0], unit_en=unit[1])


def _minimum_method(language_zh: bool) -> str:
    return ("依工程施工查核小組作業辦法第4條（該年12月31日施行之條文），就當年度施工中標案之"
            "預算金額分級計算之法定查核件數（各級件數未達規定者全數查核）；經查核小組設立機關"
            "首長核准調整者，依核准件數。" if language_zh else
            "The legal minimum under §4 of the inspection rules (工程施工查核小組作業辦法) as "
            "in force on 31 December of the year, from the budget amounts of the tenders under "
            "construction in the year, band by band (all of a band's tenders when there are "
            "fewer than its count); where the head of the team's agency approved another "
            "count, that count.")


def get_language_is_english() -> bool:
    return (get_language() or "zh").startswith("en")


@once_per_build
def minimum(period: Period):
    try:
        return s.inspection_minimum(actor=CITY_WIDE, year=period.year)
    except DomainError:
        return None


def _minimum_rows(period: Period):
    found = minimum(period)
    if found is None:
        return []
    en = get_language_is_english()
    rows = [[row.label, row.citation, row.tenders, row.required] for row in found.rows]
    if found.overall_percent:
        rows.append([
            (f"No fewer than {found.overall_percent.normalize():f}% of tenders of "
             f"NT${found.overall_floor:,} or more" if en else
             f"不低於新臺幣{found.overall_floor:,}元以上標案之{found.overall_percent.normalize():f}%"),
            "§4 ¶1", found.overall_tenders, found.overall_required])
    rows.append(["Legal minimum" if en else "法定查核件數", "", found.tenders, found.total])
    return rows


def _grade_rows(period: Period):
    distribution = grades(period)
    return [[g.label, g.count, format_percent(g.percent)] for g in distribution.grades]


def _compliance_rows(period: Period):
    return [[m.month, m.expected, m.on_time, format_percent(m.rate_percent)]
            for m in compliance(period)]


def _training_rows(period: Period):
    return [[session.held_on.isoformat(), session.title, session.co_organiser or "—",
             session.attendance] for session in s.training_list(year=period.year)]


def _channel_rows(period: Period):
    return [[c.label, c.count]
            for c in s.citizen_report_channels(actor=CITY_WIDE, year=period.year)]


def _grade_chart(period: Period, language: str):
    distribution = grades(period)
    en = language.startswith("en")
    rows = [{"grade": g.label, "inspections": g.count} for g in distribution.grades]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("grade:N", title="Grade" if en else "等第", sort=None),
        y=alt.Y("inspections:Q", title="Inspections" if en else "查核件數"),
        tooltip=["grade:N", "inspections:Q"],
    ).properties(height=220)
    description = "；".join(f"{g.label} {g.count}" for g in distribution.grades)
    return chart, description


register(
    figure("inspections", "查核件數", "Inspections",
           "該年度完成之不預警查核（含複查）件數；規劃中者不計。",
           "Unannounced inspections made in the year, re-inspections included; planned ones "
           "not counted.",
           lambda p: Value.count(summary(p).inspections), inspections_url, unit=("件", "")),
    figure("re_inspections", "其中複查", "Of which re-inspections",
           "上列查核中屬複查者。", "Of those, the re-inspections.",
           lambda p: Value.count(summary(p).re_inspections),
           lambda p: f"{inspections_url(p)}&kind=re_inspection", unit=("件", "")),
    figure("legal_minimum", "法定查核件數", "Legal minimum", _minimum_method(True),
           _minimum_method(False), lambda p: Value.count(summary(p).legal_minimum),
           lambda p: f"/staff/works/?year={p.year}", unit=("件", "")),
    figure("minimum_ratio", "查核件數占法定查核件數比率", "Inspections against the minimum",
           "查核件數除以法定查核件數，由件數計算。",
           "Inspections divided by the legal minimum, computed from counts.",
           lambda p: Value.percent(summary(p).ratio_percent), inspections_url),
    figure("update_compliance", "標案管理系統每月填報率（全年）", "Monthly tender updates on time",
           "每月應於填報期限前更新進度之標案中如期更新者所占比率，全年合計由件數計算。",
           "Tenders that updated their monthly progress by the deadline, over those expected, "
           "for the whole year, computed from counts.",
           lambda p: Value.percent(_yearly_compliance(p)),
           lambda p: f"/staff/works/compliance/?year={p.year}"),
    figure("citizen_reports", "全民督工通報", "Citizen works reports",
           "該年度受理之全民督工通報件數。", "Citizen works reports received in the year.",
           lambda p: Value.count(report_inspections(p).reports),
           reports_url, unit=("件", "")),
    figure("citizen_satisfied", "通報人滿意比例", "Reporters satisfied",
           "回覆滿意度調查之通報人中表示滿意者所占比率，由件數計算。",
           "Satisfied reporters over those who answered the survey, computed from counts.",
           lambda p: Value.percent(satisfaction(p).satisfied_percent), reports_url),
    figure("citizen_dissatisfied", "通報人不滿意比例", "Reporters dissatisfied",
           "回覆滿意度調查之通報人中表示不滿意者所占比率，由件數計算。",
           "Dissatisfied reporters over those who answered the survey, computed from counts.",
           lambda p: Value.percent(satisfaction(p).dissatisfied_percent), reports_url),
    figure("citizen_inspections", "督工案查核件次", "Inspections from citizen reports",
           "由全民督工通報引發之查核件次。", "Inspections arising from citizen reports.",
           lambda p: Value.count(report_inspections(p).inspections),
           inspections_url, unit=("件次", "")),
    figure("citizen_inspection_rate", "督工案查核率", "Citizen reports inspected",
           "督工案查核件次除以通報件數，由件數計算。",
           "Inspections from citizen reports over reports, computed from counts.",
           lambda p: Value.percent(report_inspections(p).rate_percent),
           reports_url),
    figure("training_sessions", "工程教育訓練", "Training sessions",
           "該年度辦理之工程教育訓練場次。", "Engineering training sessions held in the year.",
           lambda p: Value.count(training(p).sessions),
           lambda p: "/staff/works/training/", unit=("場", "")),
    figure("training_attendance", "參訓人次", "Attendance",
           "各場次參加人數之合計。", "Sum of the sessions' attendance.",
           lambda p: Value.count(training(p).attendance),
           lambda p: "/staff/works/training/", unit=("人次", "")),
    Table(key="works.minimum", module="works", title_zh="法定查核件數",
          title_en="The legal minimum of inspections",
          method_zh="工程施工查核小組作業辦法第4條（該年12月31日施行之條文）各款：施工中標案依"
                    "預算金額分級之件數與應查核件數；合計列之標案數含未達最低級距及依規定不計"
                    "之補助、委託案件。",
          method_en="§4 of the inspection rules as in force on 31 December, item by item: the "
                    "tenders under construction by budget amount and how many to inspect; the "
                    "total's tenders include those below the lowest band and the subsidised or "
                    "delegated ones the text leaves out.",
          columns=lambda language: (["Budget amount", "Item", "Tenders", "To inspect"]
                                    if language.startswith("en")
                                    else ["預算金額", "條款", "標案數", "應查核件數"]),
          rows=_minimum_rows, records=lambda p: f"/staff/works/?year={p.year}"),
    Table(key="works.grades", module="works", title_zh="查核成績等第分布",
          title_en="Inspection grades",
          method_zh="該年度已定等第之查核依等第計數；占比由件數計算。",
          method_en="Graded inspections of the year by grade; shares from counts.",
          columns=lambda language: (["Grade", "Inspections", "Share"]
                                    if language.startswith("en") else ["等第", "件數", "占比"]),
          rows=_grade_rows, records=inspections_url),
    Table(key="works.compliance", module="works", title_zh="標案管理系統每月填報情形",
          title_en="Monthly tender updates",
          method_zh="每月應填報標案數、如期填報數與填報率（由件數計算）。",
          method_en="Tenders expected to update each month, those on time, and the rate.",
          columns=lambda language: (["Month", "Expected", "On time", "Rate"]
                                    if language.startswith("en")
                                    else ["月份", "應填報", "如期填報", "填報率"]),
          rows=_compliance_rows, records=lambda p: f"/staff/works/compliance/?year={p.year}"),
    Table(key="works.training", module="works", title_zh="工程教育訓練", title_en="Training",
          method_zh="該年度各場次之日期、主題、合辦單位與參加人數。",
          method_en="Each session of the year: date, title, co-organiser and attendance.",
          columns=lambda language: (["Date", "Title", "Co-organiser", "Attendance"]
                                    if language.startswith("en")
                                    else ["日期", "主題", "合辦單位", "參加人數"]),
          rows=_training_rows, records=lambda p: "/staff/works/training/"),
    Table(key="works.citizen_channels", module="works", title_zh="全民督工通報管道",
          title_en="Citizen works reports by channel",
          method_zh="該年度通報依受理管道計數。", method_en="Reports of the year by channel.",
          columns=lambda language: (["Channel", "Reports"] if language.startswith("en")
                                    else ["管道", "件數"]),
          rows=_channel_rows, records=reports_url, small_cell_columns=(1,)),
    Chart(key="works.grade_chart", module="works", title_zh="查核成績等第分布",
          title_en="Inspection grades", method_zh="該年度已定等第之查核依等第計數。",
          method_en="Graded inspections of the year by grade.", build=_grade_chart),
)


def _yearly_compliance(period: Period):
    from yankao.core.numbers import percent

    months = compliance(period)
    return percent(sum(m.on_time for m in months), sum(m.expected for m in months))


def _latest_year():
    years = s.inspection_years(actor=CITY_WIDE)
    return max(years) if years else None


register_dashboard(
    Dashboard(
        key="works-inspections", module="works",
        title_zh="公共工程查核", title_en="Public works inspections",
        summary_zh="不預警查核件數與法定查核件數、複查，以及查核成績等第分布。",
        summary_en="Unannounced inspections against the legal minimum, re-inspections, and "
                   "the grades given.",
        figures=("works.inspections", "works.re_inspections", "works.legal_minimum",
                 "works.minimum_ratio"),
        charts=("works.grade_chart",), tables=("works.grades",),
        monthly=False, latest_year=_latest_year,
    ),
    Dashboard(
        key="works-citizen-reports", module="works",
        title_zh="全民督工", title_en="Citizen works reports",
        summary_zh="民眾通報公共工程問題的件數、滿意度，以及因通報而辦理的查核。",
        summary_en="Citizens' reports on public works: how many, how satisfied reporters "
                   "were, and the inspections they led to.",
        figures=("works.citizen_reports", "works.citizen_satisfied",
                 "works.citizen_dissatisfied", "works.citizen_inspections",
                 "works.citizen_inspection_rate"),
        tables=("works.citizen_channels",),
        monthly=False, latest_year=_latest_year,
    ),
)
