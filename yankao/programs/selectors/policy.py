"""The policy in force: thresholds, due day, grade bands. Policy is readable by all staff."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from decimal import Decimal

from django.utils.translation import gettext as _

from yankao.core.calendar import WorkingCalendar
from yankao.core.errors import DomainError, ErrorCode
from yankao.programs.models import ControlPolicy, GradeBand


def control_policy_for(day: dt.date) -> ControlPolicy:
    """The control policy in force on ``day`` (the latest one that started by then)."""
    policy = ControlPolicy.objects.filter(effective_from__lte=day).order_by(
        "-effective_from").first()
    if policy is None:
        raise DomainError(ErrorCode.INVALID, _(
            "No control policy is in force on %(day)s; add one in the administration.")
            % {"day": day.isoformat()})
    return policy


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, monthrange(year, month)[1])


def policy_for_month(year: int, month: int) -> ControlPolicy:
    """The policy that judges a month's progress: the one in force at the month's end."""
    return control_policy_for(month_end(year, month))


def policies_for_months(year: int, months) -> dict[int, ControlPolicy]:
    """The policy of each month of ``year``, in one query (the analysis of a year)."""
    months = list(months)
    ends = {month: month_end(year, month) for month in months}
    policies = list(ControlPolicy.objects.filter(effective_from__lte=max(ends.values()))
                    .order_by("-effective_from"))
    found = {}
    for month, end in ends.items():
        policy = next((p for p in policies if p.effective_from <= end), None)
        if policy is None:
            return {month: control_policy_for(end) for month in months}  # raises clearly
        found[month] = policy
    return found


def report_due_on(*, year: int, month: int, policy: ControlPolicy | None = None,
                  calendar: WorkingCalendar | None = None) -> dt.date:
    """A month's report is due on the policy's day of the following month, or the next
    working day after it when that day is a holiday or a closure day."""
    policy = policy or policy_for_month(year, month)
    following = dt.date(year + (month == 12), month % 12 + 1, policy.report_due_day)
    return (calendar or WorkingCalendar.load()).add_working_days(following, 0)


def grade_bands(scale_code: str) -> list[GradeBand]:
    """The bands of a grade scale, best first."""
    bands = list(GradeBand.objects.filter(scale__code=scale_code).order_by("-min_score"))
    if not bands:
        raise DomainError(ErrorCode.INVALID, _("The grade scale “%(code)s” has no bands.")
                          % {"code": scale_code})
    return bands


def grade_for(score: Decimal, bands: list[GradeBand]) -> GradeBand:
    """The band a score falls in: the best band whose lowest score it reaches."""
    for band in sorted(bands, key=lambda band: band.min_score, reverse=True):
        if score >= band.min_score:
            return band
    raise DomainError(ErrorCode.INVALID, _("No grade band covers the score %(score)s.")
                      % {"score": score})
