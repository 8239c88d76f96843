"""Figures of open data (資料開放, 陸 一(三)), from ``yankao.opendata.selectors`` only."""

from __future__ import annotations

import altair as alt

from yankao.core.numbers import format_percent
from yankao.core.permissions import CITY_WIDE
from yankao.opendata import selectors as s
from yankao.reports.dashboards import Dashboard, register_dashboard
from yankao.reports.figures import Chart, Figure, Period, Table, Value, once_per_build, register

LEVELS = (("gold", "金標章", "Gold"), ("silver", "銀標章", "Silver"),
          ("bronze", "銅標章", "Bronze"), ("unlabelled", "無標章", "No label"))


@once_per_build
def catalogue(period: Period):
    return s.catalogue_figures(actor=CITY_WIDE, year=period.year)


@once_per_build
def previous(period: Period):
    return s.catalogue_figures(actor=CITY_WIDE, year=period.year - 1)


@once_per_build
def labels(period: Period):
    return s.quality_figures(actor=CITY_WIDE, year=period.year)


@once_per_build
def labels_before(period: Period):
    return s.quality_figures(actor=CITY_WIDE, year=period.year - 1)


@once_per_build
def requests(period: Period):
    return s.feedback_figures(actor=CITY_WIDE, year=period.year)


def catalogue_url(period: Period) -> str:
    return "/opendata/"


def staff_url(period: Period) -> str:
    return f"/staff/opendata/?year={period.year}"


def figure(key, zh, en, method_zh, method_en, compute, records=catalogue_url, unit=("", "")):
    return Figure(key=f"opendata.{key}", module="opendata", label_zh=zh, label_en=en,
                  method_zh=method_zh, method_en=method_en, compute=compute, records=records,
                  public_records=catalogue_url, unit_zh=unit[0], unit_en=unit[1])


def _label_rows(period: Period):
    current = labels(period)
    return [[zh if not _en() else en, getattr(current, key),
             format_percent(current.share(key))] for key, zh, en in LEVELS]


def _en() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "zh").startswith("en")


def _top_rows(period: Period):
    return [[row.title, row.agency, row.downloads, row.views]
            for row in s.most_used(actor=CITY_WIDE, year=period.year, public_only=True)]


def _label_chart(period: Period, language: str):
    en = language.startswith("en")
    rows = []
    for label_set in (labels_before(period), labels(period)):
        for key, zh, english in LEVELS:
            rows.append({"year": str(label_set.year), "label": english if en else zh,
                         "datasets": getattr(label_set, key)})
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("label:N", title="Label" if en else "標章", sort=None),
        xOffset=alt.XOffset("year:N"),
        y=alt.Y("datasets:Q", title="Datasets" if en else "資料集數"),
        color=alt.Color("year:N", title="Year" if en else "年度"),
        tooltip=["year:N", "label:N", "datasets:Q"],
    ).properties(height=240)
    before, now = labels_before(period), labels(period)
    if en:
        description = (f"Gold: {before.gold} at the end of {before.year}, {now.gold} at the end "
                       f"of {now.year}; silver {now.silver}, bronze {now.bronze}.")
    else:
        description = (f"金標章資料集：{before.year - 1911}年底 {before.gold} 個，"
                       f"{now.year - 1911}年底 {now.gold} 個；銀標章 {now.silver} 個，"
                       f"銅標章 {now.bronze} 個。")
    return chart, description


register(
    figure("datasets", "資料集", "Datasets",
           "年底時對外開放（已發布、未下架、非僅機關間共享）之資料集數。",
           "Datasets open to everyone at the end of the year: published, not withdrawn, not "
           "shared between agencies only.",
           lambda p: Value.count(catalogue(p).datasets), unit=("個", "")),
    figure("resources", "資料項", "Resources",
           "年底時上列資料集之資料項（檔案或 API）數。",
           "The resources (files or APIs) of those datasets at the end of the year.",
           lambda p: Value.count(catalogue(p).resources), unit=("個", "")),
    figure("datasets_increase", "較前一年增加資料集", "More datasets than a year before",
           "本年底資料集數減前一年底資料集數。",
           "Datasets at the end of the year less those at the end of the year before.",
           lambda p: Value.count(catalogue(p).datasets - previous(p).datasets),
           unit=("個", "")),
    figure("resources_increase", "較前一年增加資料項", "More resources than a year before",
           "本年底資料項數減前一年底資料項數。",
           "Resources at the end of the year less those at the end of the year before.",
           lambda p: Value.count(catalogue(p).resources - previous(p).resources),
           unit=("個", "")),
    figure("agencies", "提供資料之機關", "Publishing agencies",
           "年底時至少有一個對外開放資料集之機關數。",
           "Agencies with at least one dataset open to everyone at the end of the year.",
           lambda p: Value.count(catalogue(p).agencies), unit=("個", "")),
    figure("gold", "符合金標章之資料集", "Datasets with the gold label",
           "年底時各資料集最近一次機器檢測達金標章者（每一資料項連結有效、可直接下載、開放格式"
           "且可解析、編碼相符、欄位與說明一致）。",
           "Datasets whose latest machine check by the end of the year earned gold (every "
           "resource reachable, downloadable, open and parsable, in its declared character "
           "set, with the columns its field descriptions name).",
           lambda p: Value.count(labels(p).gold), staff_url, unit=("個", "")),
    figure("gold_previous", "前一年金標章資料集", "Gold a year before",
           "前一年底之金標章資料集數，計算方式同上。",
           "Gold datasets at the end of the year before, counted the same way.",
           lambda p: Value.count(labels_before(p).gold), staff_url, unit=("個", "")),
    figure("gold_share", "金標章資料集比率", "Share with the gold label",
           "金標章資料集數除以年底對外開放資料集數，由個數計算。",
           "Gold datasets over the datasets open at the end of the year, from counts.",
           lambda p: Value.percent(labels(p).share("gold")), staff_url),
    figure("requests", "民眾資料需求", "Data requests",
           "該年度收到之民眾資料需求件數（含未公開者）。",
           "Requests for data received in the year, those not published included.",
           lambda p: Value.count(requests(p).received),
           lambda p: "/opendata/requests/", unit=("件", "")),
    figure("requests_on_time", "資料需求如期回覆比率", "Requests answered on time",
           "已回覆之資料需求中於期限（工作天，依本市行事曆）內回覆者所占比率，由件數計算。",
           "Answered requests answered by their deadline (working days on the city's "
           "calendar), over those answered, from counts.",
           lambda p: Value.percent(requests(p).on_time_rate),
           lambda p: "/opendata/requests/"),
    Table(key="opendata.labels", module="opendata", title_zh="資料集品質標章",
          title_en="Quality labels of the datasets",
          method_zh="年底對外開放之資料集依其最近一次機器檢測之標章計數；占比由個數計算。",
          method_en="Datasets open at the end of the year by the label of their latest "
                    "machine check; shares from counts.",
          columns=lambda language: (["Label", "Datasets", "Share"]
                                    if language.startswith("en") else ["標章", "資料集", "占比"]),
          rows=_label_rows, records=staff_url),
    Table(key="opendata.most_used", module="opendata", title_zh="使用最多的資料集",
          title_en="The most used datasets",
          method_zh="該年度下載次數最多之對外開放資料集（次依瀏覽次數）。",
          method_en="The public datasets downloaded most in the year (then viewed most).",
          columns=lambda language: (["Dataset", "Agency", "Downloads", "Views"]
                                    if language.startswith("en")
                                    else ["資料集", "機關", "下載次數", "瀏覽次數"]),
          rows=_top_rows, records=lambda p: f"/opendata/statistics/?year={p.year}"),
    Chart(key="opendata.label_chart", module="opendata", title_zh="資料集品質標章",
          title_en="Quality labels", method_zh="前一年底與本年底各標章之資料集數。",
          method_en="Datasets by label at the end of the year before and of this year.",
          build=_label_chart),
)


register_dashboard(
    Dashboard(
        key="opendata", module="opendata",
        title_zh="資料開放", title_en="Open data",
        summary_zh="對外開放的資料集與資料項，以及符合金標章的資料集。",
        summary_en="Datasets and resources open to everyone, and those with the gold "
                   "quality label.",
        figures=("opendata.datasets", "opendata.resources", "opendata.gold",
                 "opendata.gold_share"),
        charts=("opendata.label_chart",), tables=("opendata.labels",),
        monthly=False, latest_year=s.latest_year,
    ),
)
