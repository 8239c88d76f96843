"""Figures of program control (管考), from ``yankao.programs.selectors`` only."""

from __future__ import annotations

import altair as alt

from yankao.core.numbers import format_percent
from yankao.core.permissions import CITY_WIDE
from yankao.programs import selectors as s
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
)

NOT_REPORTED_FIELD = "not_reported"


def month_of(period: Period) -> int:
    """The month whose cumulative progress a period reports: the month, or December."""
    return period.month or 12


@once_per_build
def classes(period: Period):
    return s.delay_class_counts(actor=CITY_WIDE, year=period.year, month=month_of(period),
                                agency_code=period.get("agency"))


@once_per_build
def subsidies(period: Period):
    return s.subsidy_summary(actor=CITY_WIDE, year=period.year)


@once_per_build
def pre_review(period: Period):
    """The pre-review held in the period's year is of the next year's budget."""
    return s.budget_pre_review_summary(actor=CITY_WIDE, budget_year=period.year + 1)


@once_per_build
def road_safety(period: Period):
    return s.recommendation_summary(actor=CITY_WIDE, year=period.year, topic_code="road-safety")


def minor(period: Period) -> str:
    """The delay threshold of the control policy that judged the period's month ("5")."""
    return s.points_text(classes(period).minor_points)


def _on_track_label(language_zh: bool):
    def label(period: Period) -> str:
        return (f"完成或進度落後未滿{minor(period)}%" if language_zh
                else f"Done or under {minor(period)} points behind")
    return label


def _behind_label(language_zh: bool):
    def label(period: Period) -> str:
        return (f"進度落後{minor(period)}%以上" if language_zh
                else f"{minor(period)} points or more behind")
    return label


def _share_label(base, language_zh: bool):
    def label(period: Period) -> str:
        return f"{base(language_zh)(period)}{'占比' if language_zh else ' (share)'}"
    return label


@once_per_build
def kpis_previous(period: Period):
    return s.kpi_achievement(actor=CITY_WIDE, year=period.year - 1)


def _kpi_value(period: Period) -> Value:
    found = kpis_previous(period)
    if not found.measured:
        return Value.none(pick(f"{period.year - 1}年度無已衡量之績效指標紀錄。",
                               f"No indicator was measured in {period.year - 1}."))
    return Value.percent(found.rate)


def _subsidy_value(period: Period, pick_value) -> Value:
    found = subsidies(period)
    if not found.cases and not found.meetings:
        return Value.none(pick(f"{period.year}年度無列管之基本設施補助案件紀錄。",
                               f"No subsidy case was under control in {period.year}."))
    return pick_value(found)


def _road_safety_value(period: Period, pick_value) -> Value:
    found = road_safety(period)
    if not found.total:
        return Value.none(pick(f"{period.year}年度無列管之道安建議事項紀錄。",
                               f"No road-safety recommendation was tracked in {period.year}."))
    return pick_value(found)


def _pre_review_value(period: Period, pick_value) -> Value:
    """A figure of the pre-review of the next year's budget, or words saying there is none."""
    found = pre_review(period)
    if found is None:
        return Value.none(pick(
            f"尚無{period.year + 1}年度預算之重要施政計畫先期作業紀錄。",
            f"No pre-review of the {period.year + 1} budget is recorded."))
    return pick_value(found)


def analysis_url(period: Period) -> str:
    return f"/staff/programs/analysis/?year={period.year}&month={month_of(period)}"


def figure(key, zh, en, method_zh, method_en, compute, records=None, unit=("", ""),
           filters=("agency",)):
    return Figure(key=f"programs.{key}", module="programs", label_zh=zh, label_en=en,
                  method_zh=method_zh, method_en=method_en, compute=compute, records=records,
                  unit_zh=unit[0], unit_en=unit[1], filters=filters)


def _grades_rows(period: Period):
    distribution = s.grade_distribution(actor=CITY_WIDE, year=period.year - 1)
    if not distribution.approved:
        return []
    return [[pick(g.label_zh, g.label_en), g.count, format_percent(g.share)]
            for g in distribution.grades]


def _resolution_rows(period: Period):
    rows = s.council_resolution_counts(actor=CITY_WIDE, year=period.year)
    if not sum(r.count for r in rows):
        return []
    return [[pick(r.name_zh, r.name_en), r.count, r.replied] for r in rows] + [
        [pick("合計", "Total"), sum(r.count for r in rows), sum(r.replied for r in rows)]]


def _resolution_method(language_zh: bool):
    def method(period: Period) -> str:
        undated = s.council_resolutions_undated(actor=CITY_WIDE)
        text = ("該年度議會議決之議員提案，依類別計數（含已函復件數）。" if language_zh else
                "Council resolutions adopted in the year, by category, with those replied to.")
        if undated:
            text += (f"另有{undated}件未登錄議決日期，無從歸入年度，未計入。" if language_zh else
                     f" {undated} resolutions have no date of adoption and are counted in no "
                     "year.")
        return text
    return method


def _enterprise_rows(period: Period):
    return [[e.enterprise.name,
             e.final_score if e.final_score is not None else "—",
             pick(e.grade.label_zh, e.grade.label_en) if e.grade else "—"]
            for e in s.enterprise_evaluation_list(actor=CITY_WIDE, year=period.year - 1)]


def _document_rows(period: Period):
    rows = s.document_overdue_by_category(actor=CITY_WIDE, year=period.year,
                                          month=period.month)
    if not any(d.total for d in rows):
        return []
    return [[d.name, d.total, d.overdue, format_percent(d.overdue_share)] for d in rows]


def _by_agency_rows(period: Period):
    rows = s.delay_class_by_agency(actor=CITY_WIDE, year=period.year, month=month_of(period))
    if period.get("agency"):
        rows = [row for row in rows if row.agency_code == period.get("agency")]
    return [[row.agency_name, row.total, row.on_track, row.behind_total, row.not_reported,
             format_percent(row.share_behind_total)] for row in rows if row.total]


def _latest_year():
    years = s.program_years(actor=CITY_WIDE)
    return max(years) if years else None


def _trend_chart(period: Period, language: str):
    trend = s.delay_class_trend(actor=CITY_WIDE, year=period.year, through_month=month_of(period),
                                agency_code=period.get("agency"))
    en = language.startswith("en")
    points = minor(period)
    names = ((f"On schedule or < {points} points", f"{points} points or more", "Not reported")
             if en else (f"如期或落後未滿{points}%", f"落後{points}%以上", "未填報"))
    rows = []
    for month in trend:
        rows.append({"month": month.month, "class": names[0], "programs": month.on_track})
        rows.append({"month": month.month, "class": names[1], "programs": month.behind_total})
        rows.append({"month": month.month, "class": names[2], "programs": month.not_reported})
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("month:O", title="Month" if en else "月份"),
        y=alt.Y("programs:Q", title="Programs" if en else "計畫數", stack="zero"),
        color=alt.Color("class:N", title=None, sort=list(names),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=["month:O", "class:N", "programs:Q"],
    ).properties(height=220)
    description = "；".join(
        (f"{m.month}: {m.on_track} / {m.behind_total} / {m.not_reported} not reported" if en
         else f"{m.month}月 如期 {m.on_track}、落後 {m.behind_total}、未填報 {m.not_reported}")
        for m in trend)
    return chart, description


register(
    figure("controlled", "列管計畫", "Controlled programs",
           "該年度列管計畫總數（含該月未填報進度者，另列於「未填報」）；年報為12月。",
           "All controlled programs of the year, those that did not report for the month "
           "included (counted apart as not reported); December for the year.",
           lambda p: Value.count(classes(p).total), analysis_url, unit=("案", "")),
    figure("on_schedule", _on_track_label(True), _on_track_label(False),
           lambda p: f"預定累計進度減實際累計進度未滿{minor(p)}個百分點（含完成）之計畫數；門檻依"
                     "該月施行之管制作業規定。",
           lambda p: f"Programs whose planned minus actual cumulative progress is under "
                     f"{minor(p)} points, the threshold of the control policy in force that "
                     "month.",
           lambda p: Value.count(classes(p).on_track), analysis_url, unit=("項", "")),
    figure("on_schedule_share", _share_label(_on_track_label, True),
           _share_label(_on_track_label, False),
           "上列計畫數除以列管計畫總數（含未填報者），由件數計算。",
           "The count above divided by all controlled programs (those not reported "
           "included), computed from counts.",
           lambda p: Value.percent(classes(p).share_on_track), analysis_url),
    figure("behind", _behind_label(True), _behind_label(False),
           lambda p: f"預定累計進度減實際累計進度達{minor(p)}個百分點以上之計畫數；門檻依該月"
                     "施行之管制作業規定。",
           lambda p: f"Programs {minor(p)} or more points behind their planned cumulative "
                     "progress, the threshold of the control policy in force that month.",
           lambda p: Value.count(classes(p).behind_total), analysis_url, unit=("項", "")),
    figure("behind_share", _share_label(_behind_label, True),
           _share_label(_behind_label, False),
           "上列計畫數除以列管計畫總數（含未填報者），由件數計算。",
           "The count above divided by all controlled programs (those not reported "
           "included), computed from counts.",
           lambda p: Value.percent(classes(p).share_behind_total), analysis_url),
    figure("not_reported", "未填報進度", "Not reported",
           "列管計畫中該月（年報為12月）無有效進度報告者；與上列兩類合計為列管計畫總數。",
           "Controlled programs with no standing progress report for the month (December "
           "for the year); with the two classes above they add up to all controlled programs.",
           lambda p: Value.count(classes(p).not_reported), analysis_url, unit=("項", "")),
    figure("not_reported_share", "未填報進度占比", "Not reported (share)",
           "未填報計畫數除以列管計畫總數，由件數計算。",
           "Programs not reported over all controlled programs, computed from counts.",
           lambda p: Value.percent(classes(p).share(NOT_REPORTED_FIELD)), analysis_url),
    figure("kpi_achievement_previous", "上年度中程施政計畫績效指標達成率",
           "Previous year's KPI achievement",
           "上年度已衡量之績效衡量指標中達成目標者所占比率。",
           "Share of the previous year's measured indicators that met their targets.",
           _kpi_value,
           lambda p: f"/staff/programs/kpis/?year={p.year - 1}", filters=()),
    figure("subsidy_cases", "基本設施補助列管案件", "Basic-infrastructure subsidy cases",
           "該年度列管之基本設施補助案件數。", "Subsidy cases under control in the year.",
           lambda p: _subsidy_value(p, lambda r: Value.count(r.cases)),
           lambda p: "/staff/programs/tracked/subsidies/", unit=("案", ""), filters=()),
    figure("subsidy_closed", "已結案解除列管", "Closed and released",
           "上列案件中已結案解除列管者。", "Of those, the cases closed and released.",
           lambda p: _subsidy_value(p, lambda r: Value.count(r.closed)),
           lambda p: "/staff/programs/tracked/subsidies/?status=released", unit=("案", ""),
           filters=()),
    figure("subsidy_budget", "補助經費", "Subsidy budget",
           "各補助案件核定經費之合計（新臺幣元）。", "Sum of the cases' budgets, NT$.",
           lambda p: _subsidy_value(p, lambda r: Value.money(r.budget)),
           lambda p: "/staff/programs/tracked/subsidies/", filters=()),
    figure("subsidy_execution", "整體預算執行率", "Budget execution",
           "各案執行數合計除以經費合計，由金額計算。",
           "Executed amounts over budgets, computed from the amounts.",
           lambda p: _subsidy_value(p, lambda r: Value.percent(r.execution_rate)),
           lambda p: "/staff/programs/tracked/subsidies/", filters=()),
    figure("subsidy_meetings", "公共工程督導會報", "Supervision meetings",
           "該年度召開之督導會報次數。", "Supervision meetings held in the year.",
           lambda p: _subsidy_value(p, lambda r: Value.count(r.meetings)),
           lambda p: "/staff/programs/tracked/subsidies/", unit=("次", ""), filters=()),
    figure("road_safety", "道安委員建議事項列管", "Road-safety recommendations tracked",
           "該年度列管之道路交通安全委員建議事項件數。",
           "Road-safety recommendations of the year under control.",
           lambda p: _road_safety_value(p, lambda r: Value.count(r.total)),
           lambda p: f"/staff/programs/tracked/recommendations/?topic=road-safety&year={p.year}",
           unit=("案", ""), filters=()),
    figure("road_safety_adopted", "已參採", "Adopted",
           "上列建議事項中各機關已參採者。", "Of those, the recommendations adopted.",
           lambda p: _road_safety_value(p, lambda r: Value.count(r.adopted)),
           lambda p: f"/staff/programs/tracked/recommendations/?topic=road-safety&year={p.year}",
           unit=("案", ""), filters=()),
    figure("pre_review_requested", "先期作業提報總經費需求", "Requested in the pre-review",
           "次年度重要施政計畫先期作業各機關提報經費之合計。",
           "Sum of the agencies' requests in the pre-review of next year's key programs.",
           lambda p: _pre_review_value(p, lambda r: Value.money(r.requested)),
           lambda p: "/staff/programs/tracked/", filters=()),
    figure("pre_review_meetings", "初審會議", "Review meetings",
           "先期作業召開之初審會議場次。", "Review meetings of the pre-review.",
           lambda p: _pre_review_value(p, lambda r: Value.count(r.meetings)),
           unit=("場", ""), filters=()),
    figure("pre_review_visits", "現勘", "Site visits",
           "先期作業辦理之現勘次數。", "Site visits of the pre-review.",
           lambda p: _pre_review_value(p, lambda r: Value.count(r.site_visits)),
           unit=("次", ""), filters=()),
    figure("pre_review_public", "核列公務預算", "Approved public budget",
           "審議核列之公務預算合計。", "Public budget approved in the review.",
           lambda p: _pre_review_value(p, lambda r: Value.money(r.approved_public)),
           filters=()),
    figure("pre_review_fund", "核列基金預算", "Approved fund budget",
           "審議核列之基金預算合計。", "Fund budget approved in the review.",
           lambda p: _pre_review_value(p, lambda r: Value.money(r.approved_fund)),
           filters=()),
    Table(key="programs.grades_previous_year", module="programs",
          title_zh="上年度年終考核結果", title_en="Previous year's year-end grades",
          method_zh="上年度經核定之年終考核，依等第計數；占比由件數計算。",
          method_en="Approved year-end evaluations of the previous year by grade; shares "
                    "from counts.",
          columns=lambda language: (["Grade", "Programs", "Share"]
                                    if language.startswith("en") else ["等第", "案數", "占比"]),
          rows=_grades_rows, records=lambda p: f"/staff/programs/evaluations/?year={p.year - 1}"),
    Table(key="programs.enterprises", module="programs",
          title_zh="市營事業機構年度考核", title_en="Municipal enterprise evaluations",
          method_zh="上年度市營事業機構經營績效考核之總分與等第。",
          method_en="The previous year's evaluations of municipal enterprises.",
          columns=lambda language: (["Enterprise", "Score", "Grade"]
                                    if language.startswith("en") else ["事業機構", "總分", "等第"]),
          rows=_enterprise_rows, records=lambda p: "/staff/programs/tracked/"),
    Table(key="programs.council_resolutions", module="programs",
          title_zh="議會議決案辦理情形", title_en="City council resolutions",
          method_zh=_resolution_method(True), method_en=_resolution_method(False),
          columns=lambda language: (["Category", "Resolutions", "Replied"]
                                    if language.startswith("en") else ["類別", "件數", "已函復"]),
          rows=_resolution_rows, records=lambda p: "/staff/programs/tracked/resolutions/"),
    Table(key="programs.documents", module="programs",
          title_zh="公文處理統計", title_en="Official document processing",
          method_zh="各機關每月填報之七大類公文件數與逾期件數；逾期比率由件數計算。",
          method_en="Documents of the 7 categories reported monthly by agencies, with overdue "
                    "counts; shares from counts.",
          columns=lambda language: (["Category", "Documents", "Overdue", "Overdue share"]
                                    if language.startswith("en")
                                    else ["類別", "件數", "逾期件數", "逾期比率"]),
          rows=_document_rows, records=lambda p: f"/staff/programs/documents/?year={p.year}"),
    Table(key="programs.delay_by_agency", module="programs",
          title_zh="各機關列管計畫執行情形", title_en="Controlled programs by agency",
          method_zh="各機關列管計畫於該月（年報為12月）依預定與實際累計進度之差分類計數，"
                    "未填報者另列；落後占比之分母為該機關列管計畫總數。",
          method_en="Each agency's programs classed by planned minus actual progress for the "
                    "month (December for the year), those not reported apart; the share "
                    "behind is of all the agency's programs.",
          columns=lambda language, period: (
              ["Agency", "Programs", f"On schedule or < {minor(period)} points",
               f"{minor(period)} points or more", "Not reported", "Share behind"]
              if language.startswith("en")
              else ["機關", "列管計畫", f"如期或落後未滿{minor(period)}%",
                    f"落後{minor(period)}%以上", "未填報", "落後占比"]),
          rows=_by_agency_rows, records=analysis_url, filters=("agency",)),
    Chart(key="programs.delay_trend", module="programs",
          title_zh="列管計畫每月執行情形", title_en="Controlled programs by month",
          method_zh="每月依預定與實際累計進度之差分類計數，未填報者另列；門檻依期末施行之管制"
                    "作業規定。",
          method_en="Each month's programs classed by planned minus actual progress, those "
                    "not reported apart; thresholds of the control policy in force at the "
                    "period's end.",
          build=_trend_chart, filters=("agency",)),
)


register_dashboard(Dashboard(
    key="programs", module="programs",
    title_zh="列管計畫執行進度", title_en="Controlled programs",
    summary_zh="市府列管計畫每月的執行進度：如期、落後5%以上，依機關與月份。",
    summary_en="The city's controlled programs month by month: on schedule or behind, by "
               "agency.",
    figures=("programs.controlled", "programs.on_schedule", "programs.on_schedule_share",
             "programs.behind", "programs.behind_share", "programs.not_reported",
             "programs.not_reported_share"),
    charts=("programs.delay_trend",), tables=("programs.delay_by_agency",),
    latest_year=_latest_year,
))
