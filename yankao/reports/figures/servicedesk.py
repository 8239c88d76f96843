"""Figures of the service desk (為民服務), from ``yankao.servicedesk.selectors`` only.

The service desk's figures are aggregates with no personal data; counts of citizens'
cases by district or category are suppressed on dashboards when small (``small_cells``).
"""

from __future__ import annotations

from decimal import Decimal

import altair as alt

from yankao.core import selectors as core_selectors
from yankao.core.numbers import average, percent
from yankao.reports.dashboards import Dashboard, register_dashboard
from yankao.reports.figures import (
    Chart,
    Figure,
    Period,
    Table,
    Value,
    once_per_build,
    pick,
    register,
    small_cell,
)
from yankao.servicedesk.selectors import CallOutcome, CaseKind, Channel
from yankao.servicedesk.selectors import cases as case_selectors
from yankao.servicedesk.selectors import statistics as st


def span(period: Period) -> dict:
    """The selectors' keyword arguments for a period and its agency filter."""
    arguments = {"year": period.year,
                 "months": (period.month, period.month) if period.month else None}
    code = period.get("agency")
    if code:
        arguments["agency"] = core_selectors.agency_get(code=code)
    return arguments


def months_in(period: Period) -> int:
    return 1 if period.month else 12


def statistics_url(period: Period) -> str:
    first, last = (period.month, period.month) if period.month else (1, 12)
    return f"/staff/servicedesk/statistics/?year={period.year}&month_from={first}&month_to={last}"


@once_per_build
def kinds(period: Period) -> dict[str, int]:
    return st.counts_by_kind(**span(period))


def public_cases_url(period: Period) -> str:
    """The public list of citizens' reports (公開案件): what a public dashboard links to."""
    return "/cases/"


def figure(key, zh, en, method_zh, method_en, compute, unit=("件", ""), small=False,
           records=statistics_url, public_records=None):
    return Figure(key=f"servicedesk.{key}", module="servicedesk", label_zh=zh, label_en=en,
                  method_zh=method_zh, method_en=method_en, compute=compute, records=records,
                  public_records=public_records, unit_zh=unit[0], unit_en=unit[1],
                  filters=("agency",), small_cells=small)


def ratio(selector, part: str, whole: str):
    """A percentage computed from two counts of a selector's result."""
    def compute(period: Period) -> Value:
        result = selector(period)
        return Value.percent(percent(getattr(result, part), getattr(result, whole)))

    return compute


@once_per_build
def _calls(period):
    return st.consultation_answered(**span(period))


@once_per_build
def _dispatch_rate(period: Period):
    return st.dispatch_four_hour(**span(period))


@once_per_build
def _on_time(period: Period):
    return st.on_time(**span(period))


def _dispatch_reasons(period: Period, zh: bool) -> str:
    rate = _dispatch_rate(period)
    parts = ((rate.merged, "併案", "merged into another case"),
             (rate.downgraded, "降級為非派工案件", "downgraded to a non-dispatch case"),
             (rate.not_dispatched, "未派工（無時限起算）", "never dispatched, so no clock ran"),
             (rate.open_not_due, "處理中且未逾4小時", "open, within its 4 hours"),
             (rate.filed, "依行政程序法第173條存查", "filed without handling (§173)"))
    return _counted(parts, zh)


def _counted(parts, zh: bool) -> str:
    """(count, Chinese label, English label) as 「併案1件、…」 or "1 merged; …"."""
    if zh:
        return "、".join(f"{label}{count:,}件" for count, label, _en in parts)
    return "; ".join(f"{count:,} {label}" for count, _zh, label in parts)


def _on_time_reasons(period: Period, zh: bool) -> str:
    found = _on_time(period)
    parts = ((found.not_due, "處理中且未逾期限", "open within their time limit"),
             (found.no_limit, "未訂期限", "with no time limit"),
             (found.merged, "併案", "merged"),
             (found.filed, "依行政程序法第173條存查", "filed without handling (§173)"))
    return _counted(parts, zh)


def _dispatch_rows(period: Period):
    """Every dispatch case of the period, once: counted in the rate or left out, and why."""
    rate = _dispatch_rate(period)
    rows = [("4小時內回報", "Field report within 4 hours", rate.within),
            ("逾4小時回報", "Field report after 4 hours", rate.late),
            ("逾4小時仍未回報", "Still open past 4 hours", rate.open_overdue),
            ("不計入：併案", "Left out: merged", rate.merged),
            ("不計入：降級", "Left out: downgraded", rate.downgraded),
            ("不計入：未派工", "Left out: never dispatched", rate.not_dispatched),
            ("不計入：處理中未逾4小時", "Left out: open, within 4 hours", rate.open_not_due),
            ("不計入：依第173條存查", "Left out: filed without handling (§173)", rate.filed),
            ("合計", "Total", rate.total)]
    return [[pick(zh, en), count] for zh, en, count in rows]


def _outcome_share(period: Period, outcomes: tuple[str, ...]) -> Decimal | None:
    counts = st.calls_by_outcome(**span(period))
    return percent(sum(counts.get(o, 0) for o in outcomes), sum(counts.values()))


def _per_month(count: int, period: Period) -> Value:
    return Value.count(average(count, months_in(period)))


def _category_rows(period: Period, kind: str | None = None):
    counts = st.counts_by_category(**span(period), kind=kind, main=kind is None)
    names = {}
    for category in case_selectors.category_choices():
        names[category.parent.code] = pick(category.parent.name_zh, category.parent.name_en)
        names[category.code] = pick(category.name_zh, category.name_en)
    return [[names.get(code, code or "—"), count]
            for code, count in sorted(counts.items(), key=lambda item: -item[1])]


def _district_rows(period: Period):
    counts = st.counts_by_district(**span(period))
    return [[district.name, counts.get(district.code, 0)]
            for district in core_selectors.district_list()]


def _channel_rows(period: Period):
    counts = st.counts_by_channel(**span(period))
    return [[str(label), counts.get(value, 0)] for value, label in Channel.choices]


def _month_chart(period: Period, language: str, kind: str | None = None):
    en = language.startswith("en")
    year_period = Period(period.year, None, period.filters)
    by_month = st.counts_by_month(**span(year_period), kind=kind)
    rows = [{"month": month, "cases": shown[0], "label": shown[1]}
            for month, shown in ((m, small_cell(c)) for m, c in sorted(by_month.items()))]
    cases, month = ("Cases", "Month") if en else ("案件數", "月份")
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("month:O", title=month),
        y=alt.Y("cases:Q", title=cases),
        tooltip=[alt.Tooltip("month:O", title=month), alt.Tooltip("label:N", title=cases)],
    ).properties(height=220)
    description = "；".join((f"{r['month']}: {r['label']}" if en
                            else f"{r['month']}月 {r['label']}件") for r in rows)
    return chart, description


def _district_map(period: Period, language: str):
    """Cases by district as circles on the districts' coordinates: a map without tiles."""
    en = language.startswith("en")
    counts = st.counts_by_district(**span(period))
    rows = []
    for district in core_selectors.district_list():
        count = counts.get(district.code, 0)
        drawn, label = small_cell(count)
        rows.append({"district": district.name, "longitude": float(district.longitude),
                     "latitude": float(district.latitude), "cases": drawn, "label": label,
                     "rank": count if drawn is not None else 0})
    cases, name = ("Cases", "District") if en else ("案件數", "行政區")
    chart = alt.Chart(alt.Data(values=rows)).mark_circle(opacity=0.7, stroke="#0b4f8a").encode(
        longitude="longitude:Q", latitude="latitude:Q",
        size=alt.Size("cases:Q", title=cases, scale=alt.Scale(range=[10, 1200]),
                      legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("district:N", title=name), alt.Tooltip("label:N", title=cases)],
    ).project(type="mercator").properties(height=320)
    top = sorted(rows, key=lambda r: -r["rank"])[:5]
    for row in rows:
        del row["rank"]
    description = ("Most cases: " if en else "案件最多的行政區：") + "；".join(
        f"{r['district']} {r['label']}" for r in top)
    return chart, description


register(
    figure("calls", "1999 話務處理量", "Calls to 1999",
           "該期間 1999 話務中心處理之來電通數。", "Calls handled by the 1999 call centre.",
           lambda p: Value.count(_calls(p).calls), unit=("通", "")),
    figure("calls_per_month", "平均每月話務量", "Calls per month",
           "話務處理量除以月數，四捨五入。", "Calls divided by the months, rounded.",
           lambda p: _per_month(_calls(p).calls, p), unit=("通", "")),
    figure("consultation_share", "諮詢類占總進線比率", "Consultations among calls",
           "話務中諮詢類（線上回覆）通數除以總通數，由通數計算。",
           "Consultations answered on the line over all calls, from the counts.",
           ratio(_calls, "consultations", "calls"), unit=("", "")),
    figure("answered_at_once", "諮詢類線上立即回覆率", "Consultations answered at once",
           "諮詢類來電中當下即回覆者所占比率，由通數計算。",
           "Consultations answered at once over all consultations, from the counts.",
           ratio(_calls, "answered_at_once", "consultations"), unit=("", "")),
    figure("forwarded_share", "錄案後送占總進線比率", "Calls recorded and forwarded",
           "錄案並後送機關之來電通數除以總通數。",
           "Calls recorded as a case and forwarded, over all calls.",
           lambda p: Value.percent(_outcome_share(p, (CallOutcome.CASE_CREATED,))), unit=("", "")),
    figure("other_share", "其他類占總進線比率", "Other calls",
           "轉接及其他來電通數除以總通數。", "Transferred and other calls, over all calls.",
           lambda p: Value.percent(_outcome_share(p, (CallOutcome.TRANSFERRED,
                                                      CallOutcome.OTHER))), unit=("", "")),
    figure("petitions_total", "人民陳情案件（含市長信箱）", "Petitions, mailbox included",
           "該期間受理之人民陳情與市長信箱案件數。",
           "Petitions and mayor's-mailbox cases registered in the period.",
           lambda p: Value.count(kinds(p).get(CaseKind.PETITION, 0)
                                 + kinds(p).get(CaseKind.MAILBOX, 0)), small=True),
    figure("mailbox", "市長信箱", "Mayor's mailbox",
           "該期間受理之市長信箱案件數。", "Mayor's-mailbox cases registered in the period.",
           lambda p: Value.count(kinds(p).get(CaseKind.MAILBOX, 0)), small=True),
    figure("petitions", "人民陳情", "Petitions",
           "該期間受理之人民陳情案件數（不含市長信箱）。",
           "Petitions registered in the period, mailbox excluded.",
           lambda p: Value.count(kinds(p).get(CaseKind.PETITION, 0)), small=True),
    figure("dispatch", "派工通報案件", "Dispatch cases",
           "該期間受理之派工通報（路面坑洞、路樹傾倒、路燈及號誌故障等）案件數。",
           "Hazard dispatch cases registered in the period.",
           lambda p: Value.count(kinds(p).get(CaseKind.DISPATCH, 0)), small=True,
           public_records=public_cases_url),
    figure("dispatch_per_month", "平均每月派工案件", "Dispatch cases per month",
           "派工案件數除以月數，四捨五入。", "Dispatch cases divided by the months, rounded.",
           lambda p: _per_month(kinds(p).get(CaseKind.DISPATCH, 0), p)),
    figure("dispatch_four_hour", "派工 4 小時內完成回報率", "Dispatch within 4 hours",
           "自派工至現場回報在 4 小時內者，除以計入之派工案件（併案與降級案件不計入、另計）。",
           "Field reports within 4 hours of dispatch, over counted dispatch cases (merged and "
           "downgraded cases are left out and counted apart).",
           ratio(_dispatch_rate, "within", "counted"),
           unit=("", "")),
    figure("dispatch_excluded", "不計入4小時回報率之派工案件",
           "Dispatch cases left out of the rate",
           lambda p: "派工案件中不計入4小時回報率者：" + _dispatch_reasons(p, True) + "。",
           lambda p: "Dispatch cases left out of the 4-hour rate: "
                     + _dispatch_reasons(p, False) + ".",
           lambda p: Value.count(_dispatch_rate(p).left_out)),
    figure("on_time", "案件如期辦結率", "Cases answered on time",
           lambda p: "已辦結或已逾期限之案件中如期辦結者所占比率，由件數計算；未計入："
                     + _on_time_reasons(p, True) + "。",
           lambda p: "Cases answered by their due time over those answered or past it, from "
                     "the counts; left out: " + _on_time_reasons(p, False) + ".",
           ratio(lambda p: _on_time(p), "on_time", "answered_or_due"), unit=("", "")),
    figure("satisfaction", "服務滿意度", "Satisfaction",
           "回覆滿意度調查者中表示滿意者所占比率，由件數計算。",
           "Satisfied answers over all answers to the survey, from the counts.",
           ratio(lambda p: st.satisfaction(**span(p)), "satisfied", "answered"),
           unit=("", "")),
    figure("app_dispatch", "APP 派工報修案件", "Dispatch cases through the app",
           "經由「高雄一指通」APP 受理之派工案件數。", "Dispatch cases received through the app.",
           lambda p: Value.count(st.counts_by_channel(**span(p), kind=CaseKind.DISPATCH)
                                 .get(Channel.APP, 0)), small=True,
           public_records=public_cases_url),
    figure("app_mailbox", "APP 市長信箱案件", "Mailbox cases through the app",
           "經由 APP 受理之市長信箱案件數。", "Mayor's-mailbox cases received through the app.",
           lambda p: Value.count(st.counts_by_channel(**span(p), kind=CaseKind.MAILBOX)
                                 .get(Channel.APP, 0)), small=True),
    Table(key="servicedesk.dispatch_accounting", module="servicedesk",
          title_zh="派工案件計入與不計入4小時回報率",
          title_en="Dispatch cases in and out of the rate",
          method_zh="該期間派工案件逐一歸入一類，合計等於派工案件數；前三類為回報率之分母。",
          method_en="Each dispatch case of the period in one row; they add up to all dispatch "
                    "cases, and the first three rows are the rate's denominator.",
          columns=lambda language: (["", "Cases"] if language.startswith("en")
                                    else ["", "件數"]),
          rows=_dispatch_rows, records=statistics_url, filters=("agency",)),
    Table(key="servicedesk.by_category", module="servicedesk",
          title_zh="案件類別", title_en="Cases by category",
          method_zh="該期間受理案件依主類別計數。",
          method_en="Cases of the period by main category.",
          columns=lambda language: (["Category", "Cases"] if language.startswith("en")
                                    else ["類別", "件數"]),
          rows=_category_rows, records=statistics_url, filters=("agency",),
          small_cell_columns=(1,)),
    Table(key="servicedesk.by_district", module="servicedesk",
          title_zh="各行政區案件數", title_en="Cases by district",
          method_zh="該期間受理案件依案件地點所在行政區計數。",
          method_en="Cases of the period by the district of their location.",
          columns=lambda language: (["District", "Cases"] if language.startswith("en")
                                    else ["行政區", "件數"]),
          rows=_district_rows, records=statistics_url, filters=("agency",),
          small_cell_columns=(1,)),
    Table(key="servicedesk.by_channel", module="servicedesk",
          title_zh="受理管道", title_en="Cases by channel",
          method_zh="該期間受理案件依管道計數。",
          method_en="Cases of the period by channel.",
          columns=lambda language: (["Channel", "Cases"] if language.startswith("en")
                                    else ["管道", "件數"]),
          rows=_channel_rows, records=statistics_url, filters=("agency",),
          small_cell_columns=(1,)),
    Table(key="servicedesk.dispatch_by_category", module="servicedesk",
          title_zh="派工案件類別", title_en="Dispatch cases by category",
          method_zh="該期間派工案件依類別計數。",
          method_en="Dispatch cases of the period by category.",
          columns=lambda language: (["Category", "Cases"] if language.startswith("en")
                                    else ["類別", "件數"]),
          rows=lambda p: _category_rows(p, CaseKind.DISPATCH), records=statistics_url,
          filters=("agency",), small_cell_columns=(1,)),
    Chart(key="servicedesk.dispatch_month_chart", module="servicedesk",
          title_zh="每月派工案件", title_en="Dispatch cases by month",
          method_zh="派工案件依登記月份計數。",
          method_en="Dispatch cases by month registered.",
          build=lambda p, language: _month_chart(p, language, CaseKind.DISPATCH),
          filters=("agency",)),
    Chart(key="servicedesk.month_chart", module="servicedesk",
          title_zh="每月受理案件", title_en="Cases by month",
          method_zh="受理案件依登記月份計數。",
          method_en="Cases by the month they were registered.",
          build=_month_chart, filters=("agency",)),
    Chart(key="servicedesk.district_map", module="servicedesk",
          title_zh="各行政區案件分布", title_en="Cases across the districts",
          method_zh="受理案件依行政區計數，以區公所位置標示。",
          method_en="Cases by district, drawn at the district offices.",
          build=_district_map, filters=("agency",)),
)


def _latest_year():
    years = st.years_with_cases()
    return max(years) if years else None


register_dashboard(
    Dashboard(
        key="servicedesk", module="servicedesk",
        title_zh="為民服務案件", title_en="Citizens' cases",
        summary_zh="1999、人民陳情、市長信箱與派工案件：依類別、行政區與月份，附地圖。",
        summary_en="1999 calls, petitions, the mayor's mailbox and dispatch cases by category, "
                   "district and month, with a map.",
        figures=("servicedesk.calls", "servicedesk.petitions_total", "servicedesk.mailbox",
                 "servicedesk.dispatch", "servicedesk.on_time", "servicedesk.satisfaction"),
        charts=("servicedesk.month_chart", "servicedesk.district_map"),
        tables=("servicedesk.by_category", "servicedesk.by_district", "servicedesk.by_channel"),
        latest_year=_latest_year,
    ),
    Dashboard(
        key="dispatch", module="servicedesk",
        title_zh="派工 4 小時處理", title_en="Dispatch within 4 hours",
        summary_zh="路面坑洞、路樹傾倒、路燈與號誌故障等派工案件在 4 小時內處理並回報的比率。",
        summary_en="How many hazard dispatch cases were handled and reported within 4 hours.",
        figures=("servicedesk.dispatch", "servicedesk.dispatch_four_hour",
                 "servicedesk.dispatch_excluded", "servicedesk.app_dispatch"),
        charts=("servicedesk.dispatch_month_chart",),
        tables=("servicedesk.dispatch_accounting", "servicedesk.dispatch_by_category"),
        latest_year=_latest_year,
    ),
)
