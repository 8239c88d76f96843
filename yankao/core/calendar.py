"""Working calendar (行事曆): deadlines in calendar hours or in working days.

Working days follow Taiwan's national calendar from the ``holidays`` package — public
holidays, bridge days and the make-up Saturdays (補班) announced by the Directorate-General
of Personnel Administration — and the city's own closure days (typhoon days, 停班), which
only the city knows and enters in :class:`~yankao.core.models.ClosureDay`.

All times are aware and in Asia/Taipei. A deadline of N working days falls at the end of
the N-th working day after the day the clock starts (the start day itself is not counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

TAIPEI = ZoneInfo("Asia/Taipei")
END_OF_DAY = dt.time(23, 59, 59)


@lru_cache(maxsize=4)
def national_calendar(language: str = "zh_TW") -> holidays.HolidayBase:
    """Taiwan's public holidays and make-up workdays; years are filled in as they are asked for."""
    return holidays.country_holidays("TW", language=language)


class WorkingCalendar:
    """The national calendar plus a set of city closure days."""

    def __init__(self, closure_days: Iterable[dt.date] = ()):
        self.closure_days = frozenset(closure_days)
        self.national = national_calendar()

    @classmethod
    def load(cls) -> WorkingCalendar:
        """The calendar with every closure day the city has entered (one small query)."""
        from yankao.core.models import ClosureDay

        return cls(ClosureDay.objects.values_list("date", flat=True))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.closure_days:
            return False
        return self.national.is_working_day(day)

    def is_makeup_workday(self, day: dt.date) -> bool:
        """補班: a Saturday or Sunday that is a working day."""
        return day.weekday() >= 5 and self.is_working_day(day)

    def holiday_name(self, day: dt.date, language: str = "zh_TW") -> str | None:
        return national_calendar(language).get(day)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted).

        With ``count == 0``: ``day`` if it is a working day, else the next working day.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        if count == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            return day
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def deadline_in_working_days(self, start: dt.datetime, count: int) -> dt.datetime:
        """End of the ``count``-th working day after the local date of ``start``."""
        local_start = as_taipei(start)
        due_day = self.add_working_days(local_start.date(), count)
        return dt.datetime.combine(due_day, END_OF_DAY, tzinfo=TAIPEI)


def deadline_in_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """Calendar hours: night, weekend and holiday hours all count (派工 4 小時)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    return as_taipei(start) + dt.timedelta(hours=hours)


def today_taipei() -> dt.date:
    """Today in Taipei (the city's day, whatever the server's time zone)."""
    return timezone.now().astimezone(TAIPEI).date()


def as_taipei(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("naive datetimes are not accepted; give a time zone")
    return moment.astimezone(TAIPEI)
