import datetime as dt

import pytest

from yankao.core.calendar import TAIPEI, WorkingCalendar, deadline_in_hours
from yankao.core.models import ClosureDay
from yankao.core.services.closures import closure_day_add

D = dt.date


def test_six_working_days_after_2025_01_24_is_the_makeup_saturday():
    # Lunar New Year 2025: 1/25–2/2 off (1/27 swapped for the make-up Saturday 2/8).
    assert WorkingCalendar().add_working_days(D(2025, 1, 24), 6) == D(2025, 2, 8)


def test_makeup_saturday_is_a_working_day_and_marked_as_such():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2025, 2, 8))
    assert calendar.is_makeup_workday(D(2025, 2, 8))
    assert not calendar.is_working_day(D(2025, 2, 15))  # an ordinary Saturday
    assert not calendar.is_working_day(D(2025, 1, 27))  # the bridge day it paid for
    assert not calendar.is_working_day(D(2025, 10, 10))  # National Day
    assert calendar.holiday_name(D(2025, 10, 10), "en_US") == "National Day"


def test_2018_makeup_days_and_holidays():
    calendar = WorkingCalendar()
    # 2018-12-22 (Saturday) was the make-up day for the 12-31 bridge holiday.
    assert calendar.is_working_day(D(2018, 12, 22))
    assert not calendar.is_working_day(D(2018, 12, 31))
    assert calendar.add_working_days(D(2018, 12, 28), 1) == D(2019, 1, 2)


def test_zero_working_days_means_the_next_working_day_or_today():
    calendar = WorkingCalendar()
    assert calendar.add_working_days(D(2025, 2, 3), 0) == D(2025, 2, 3)
    assert calendar.add_working_days(D(2025, 2, 1), 0) == D(2025, 2, 3)
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2025, 2, 1), -1)


def test_closure_days_are_not_working_days():
    gaemi = WorkingCalendar({D(2024, 7, 24), D(2024, 7, 25)})
    plain = WorkingCalendar()
    # Tuesday 7/23 + 3 working days: 7/24, 7/25, 7/26 normally; 7/26, 7/29, 7/30 with closures.
    assert plain.add_working_days(D(2024, 7, 23), 3) == D(2024, 7, 26)
    assert gaemi.add_working_days(D(2024, 7, 23), 3) == D(2024, 7, 30)


@pytest.mark.django_db
def test_calendar_loads_closure_days_entered_by_the_city():
    closure_day_add(actor=None, date=D(2024, 7, 24), reason="凱米颱風")
    assert ClosureDay.objects.count() == 1
    assert not WorkingCalendar.load().is_working_day(D(2024, 7, 24))


def test_working_days_between_counts_the_end_not_the_start():
    calendar = WorkingCalendar()
    assert calendar.working_days_between(D(2025, 1, 24), D(2025, 2, 8)) == 6
    assert calendar.working_days_between(D(2025, 2, 8), D(2025, 1, 24)) == -6
    assert calendar.working_days_between(D(2025, 2, 3), D(2025, 2, 3)) == 0


def test_working_day_deadline_ends_at_the_close_of_the_day_in_taipei():
    # 2025-01-24 20:30 UTC is already 01-25 04:30 in Taipei: the clock starts on the 25th.
    start = dt.datetime(2025, 1, 24, 20, 30, tzinfo=dt.UTC)
    due = WorkingCalendar().deadline_in_working_days(start, 5)
    assert due == dt.datetime(2025, 2, 7, 23, 59, 59, tzinfo=TAIPEI)
    due = WorkingCalendar().deadline_in_working_days(start.replace(hour=10), 6)
    assert due.date() == D(2025, 2, 8)


def test_hour_deadlines_count_nights_and_holidays():
    start = dt.datetime(2025, 1, 28, 22, 0, tzinfo=TAIPEI)  # New Year's Eve, 10 pm
    assert deadline_in_hours(start, 4) == dt.datetime(2025, 1, 29, 2, 0, tzinfo=TAIPEI)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        deadline_in_hours(dt.datetime(2025, 1, 1, 9), 4)  # noqa: DTZ001
