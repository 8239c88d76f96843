"""Figures of the counter services (聯合服務中心 法律諮詢、保健服務), from
``yankao.counter.selectors`` only."""

from __future__ import annotations

from yankao.core.permissions import CITY_WIDE
from yankao.counter import selectors as s
from yankao.reports.figures import Figure, Period, Table, Value, once_per_build, pick, register

MONTHS = [str(m) for m in range(1, 13)]


@once_per_build
def legal(period: Period):
    return s.consultations_by_site_month(actor=CITY_WIDE, year=period.year)


@once_per_build
def pressure(period: Period):
    return s.visits_by_site_month(actor=CITY_WIDE, year=period.year, service="blood-pressure")


@once_per_build
def bookings(period: Period):
    return s.booking_figures(actor=CITY_WIDE, year=period.year)


def _sum(rows, period: Period) -> int:
    if period.month:
        return sum(row.months[period.month - 1] for row in rows)
    return sum(row.total for row in rows)


def records(period: Period) -> str:
    return f"/staff/counter/?year={period.year}"


def _site_rows(rows):
    return [[row.site_name, *row.months, row.total] for row in rows]


register(
    Figure(key="counter.legal_consultations", module="counter",
           label_zh="受理法律諮詢服務", label_en="Free legal consultations given",
           method_zh="四處據點諮詢時段中，預約並到場諮詢的人次。",
           method_en="People who came to a booked consultation at the four sites.",
           compute=lambda p: Value.count(_sum(legal(p), p)), records=records,
           unit_zh="人次", unit_en="people"),
    Figure(key="counter.legal_no_shows", module="counter",
           label_zh="預約未到", label_en="Booked but did not come",
           method_zh="預約後未到場（由櫃台登記或次日自動登記）的人次。",
           method_en="Bookings marked as not come, by the counter or the day after.",
           compute=lambda p: Value.count(bookings(p).no_show), records=records,
           unit_zh="人次", unit_en="people"),
    Figure(key="counter.blood_pressure", module="counter",
           label_zh="量血壓服務", label_en="Blood-pressure checks",
           method_zh="聯合服務中心櫃台登記的量血壓服務人次。",
           method_en="Blood-pressure checks recorded at the counters.",
           compute=lambda p: Value.count(_sum(pressure(p), p)), records=records,
           unit_zh="人次", unit_en="people"),
    Table(key="counter.legal_by_site", module="counter",
          title_zh="法律諮詢人次（據點×月份）", title_en="Legal consultations by site and month",
          method_zh="到場諮詢人次，依據點及月份。", method_en="People who came, by site and month.",
          columns=lambda language: [pick("據點", "Site", language), *MONTHS,
                                    pick("合計", "Total", language)],
          rows=lambda p: _site_rows(legal(p)), records=records),
)
