"""Figures of the FAQ assistant (1999 智能客服), from ``yankao.assistant.selectors`` only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yankao.assistant import selectors as s
from yankao.core.permissions import CITY_WIDE
from yankao.reports.figures import Figure, Period, Value, once_per_build, register


@once_per_build
def by_month(period: Period) -> dict[int, int]:
    return s.conversations_by_month(actor=CITY_WIDE, year=period.year)


@once_per_build
def year_summary(period: Period):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return s.summary(actor=CITY_WIDE, start=start, end=end)


def conversations(period: Period) -> Value:
    counts = by_month(period)
    return Value.count(counts.get(period.month, 0) if period.month else sum(counts.values()))


def records(period: Period) -> str:
    return "/staff/assistant/"


register(
    Figure(key="assistant.conversations", module="assistant",
           label_zh="智能客服服務件數", label_en="Conversations with the FAQ assistant",
           method_zh="期間內開始的智能客服對話數（網頁與API）。",
           method_en="Conversations with the FAQ assistant started in the period (web and "
                     "API).",
           compute=conversations, records=records, unit_zh="件"),
    Figure(key="assistant.handovers", module="assistant",
           label_zh="轉由專人回覆件數", label_en="Conversations handed to a person",
           method_zh="期間內開始、並由民眾要求轉給專人而建立諮詢案件的對話數。",
           method_en="Conversations of the period that the asker handed to a person, each "
                     "opening a consultation case.",
           compute=lambda period: Value.count(year_summary(period).handovers),
           records=records, unit_zh="件"),
    Figure(key="assistant.questions", module="assistant",
           label_zh="智能客服提問數", label_en="Questions asked of the FAQ assistant",
           method_zh="期間內向智能客服提出的問題數；一次對話可有多個問題。",
           method_en="Questions asked in the period; one conversation may hold several.",
           compute=lambda period: Value.count(year_summary(period).questions),
           records=records, unit_zh="則"),
)
