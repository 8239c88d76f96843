"""The years public works has records of (for ``yankao.core.years``)."""

from __future__ import annotations

from yankao.works.models import CitizenReport, Inspection, MonthlyProgress, TrainingSession


def record_years() -> list[int]:
    """Years with an inspection made, a citizen report, a training session or a month of
    reported progress, latest first. Years only: no record is read."""
    years: set[int] = set()
    years.update(day.year for day in Inspection.objects.exclude(
        status=Inspection.Status.PLANNED).dates("inspected_on", "year"))
    years.update(day.year for day in CitizenReport.objects.dates("received_at", "year"))
    years.update(day.year for day in TrainingSession.objects.dates("held_on", "year"))
    years.update(day.year for day in MonthlyProgress.objects.dates("month", "year"))
    return sorted(years, reverse=True)
