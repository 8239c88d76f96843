"""Figures of the city data platform (城市資料平台, 陸2.4 of the 2018 report), from
``yankao.citydata.selectors`` only: sensors, readings received and alerts that became
dispatch cases."""

from __future__ import annotations

import altair as alt

from yankao.citydata import selectors as s
from yankao.reports.figures import Chart, Figure, Period, Table, Value, once_per_build, register


@once_per_build
def sensors(period: Period):
    return s.sensor_summary(year=period.year)


@once_per_build
def alerts(period: Period):
    return s.alert_summary(year=period.year)


def staff_url(period: Period) -> str:
    return "/staff/citydata/"


def map_url(period: Period) -> str:
    return "/citydata/"


def figure(key, zh, en, method_zh, method_en, compute, records, unit=("", "")):
    return Figure(key=f"citydata.{key}", module="citydata", label_zh=zh, label_en=en,
                  method_zh=method_zh, method_en=method_en, compute=compute, records=records,
                  unit_zh=unit[0], unit_en=unit[1])


def _rule_rows(period: Period):
    return [[name, count] for name, count in alerts(period).by_rule]


def _month_chart(period: Period, language: str):
    en = language.startswith("en")
    counts = s.alert_episodes_by_month(year=period.year)
    rows = [{"month": month, "episodes": n} for month, n in counts.items()]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("month:O", title="Month" if en else "月份"),
        y=alt.Y("episodes:Q", title="Alert episodes" if en else "警示事件數"),
        tooltip=["month:O", "episodes:Q"],
    ).properties(height=200)
    description = "；".join(f"{month}{'' if en else '月'} {n}" for month, n in counts.items())
    return chart, description


register(
    figure("sensors", "智慧路燈等感測設施", "Sensor sites",
           "城市資料平台上登錄之感測設施（SensorThings 之 Thing）數。",
           "Sensor sites (SensorThings Things) registered on the platform.",
           lambda p: Value.count(sensors(p).things), map_url, unit=("處", "")),
    figure("datastreams", "資料串流", "Datastreams",
           "感測設施之資料串流數；其中開放者另列。",
           "Datastreams of the sensor sites; the open ones are listed apart.",
           lambda p: Value.count(sensors(p).datastreams), map_url, unit=("條", "")),
    figure("open_datastreams", "其中開放資料串流", "Of which open to everyone",
           "存取層級為公開之資料串流數。", "Datastreams whose access tier is public.",
           lambda p: Value.count(sensors(p).public_datastreams), map_url, unit=("條", "")),
    figure("observations", "全年接收觀測值", "Readings received in the year",
           "該年度各資料串流接收之觀測值筆數，由每日彙總表加總。",
           "Readings received in the year by all datastreams, summed from the daily rollups.",
           lambda p: Value.count(sensors(p).observations), map_url, unit=("筆", "")),
    figure("alert_episodes", "感測警示事件", "Alert episodes",
           "該年度依警示規則（門檻、變化率、夜間熄燈）開始之事件數；一事件自首次超限至"
           "恢復正常達規則所定時間為止。",
           "Episodes that began in the year under the alert rules (threshold, rate of "
           "change, light out at night); an episode runs from the first breach until the "
           "readings have been normal for the rule's recovery time.",
           lambda p: Value.count(alerts(p).episodes), staff_url, unit=("件", "")),
    figure("alert_cases", "警示轉派工案件", "Alerts that became dispatch cases",
           "上列事件中已於1999派工系統立案者；每一事件恰立一案。",
           "Of those episodes, the ones registered as service-desk dispatch cases; each "
           "episode opens exactly one case.",
           lambda p: Value.count(alerts(p).with_case), staff_url, unit=("件", "")),
    Table(key="citydata.alerts_by_rule", module="citydata", title_zh="感測警示事件（依規則）",
          title_en="Alert episodes by rule",
          method_zh="該年度開始之警示事件依規則計數。",
          method_en="Alert episodes that began in the year, by rule.",
          columns=lambda language: (["Rule", "Episodes"] if language.startswith("en")
                                    else ["規則", "事件數"]),
          rows=_rule_rows, records=staff_url),
    Chart(key="citydata.alerts_by_month", module="citydata", title_zh="感測警示事件（依月份）",
          title_en="Alert episodes by month", method_zh="該年度各月開始之警示事件數。",
          method_en="Alert episodes that began in each month of the year.",
          build=_month_chart),
)
