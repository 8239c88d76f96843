"""The monthly statistics page's table and charts, built from the figure selectors only."""

from __future__ import annotations

import altair as alt
from django.utils.translation import gettext as _

from yankao.core.numbers import average, format_percent
from yankao.servicedesk.models import CallOutcome, CaseKind, Channel
from yankao.servicedesk.selectors import statistics as figures


def _hours(seconds: int | None) -> str:
    return "—" if seconds is None else f"{average(seconds, 3600, 1)}"


def statistics_table(*, year: int, months: tuple[int, int]) -> tuple[list[str], list[list]]:
    """(headers, rows): one row per month and a total row; counts and rates from counts
    (``figures_by_month``: the same statements for one month or twelve)."""
    headers = [_("Month"), _("Calls"), _("Consultations answered on the line"),
               *[str(label) for label in CaseKind.labels], _("Cases"),
               _("Answered on time"), _("On-time rate"), _("Dispatch within 4 hours"),
               _("4-hour rate"), _("Left out of the 4-hour rate"),
               _("Median handling time (h)"), _("90th percentile (h)"),
               _("Surveys answered"), _("Satisfied")]
    rows = []
    by_month, total = figures.figures_by_month(year=year, months=months)
    spans = [(f"{year}-{month:02d}", found) for month, found in by_month.items()]
    if len(spans) > 1:  # one month is its own total
        spans.append((_("Total"), total))
    for label, found in spans:
        calls, on_time, dispatch, handling, survey = (
            found.calls, found.on_time, found.dispatch, found.handling, found.survey)
        rows.append([
            label, calls.calls, calls.consultations,
            *[found.kinds.get(kind, 0) for kind in CaseKind.values], sum(found.kinds.values()),
            on_time.on_time, format_percent(on_time.rate), dispatch.within,
            format_percent(dispatch.rate),
            dispatch.left_out, _hours(handling.median_seconds),
            _hours(handling.p90_seconds), survey.answered, survey.satisfied,
        ])
    return headers, rows


def statistics_charts(*, year: int, months: tuple[int, int]) -> list[dict]:
    """Charts with their text descriptions (the figures in words)."""
    cases = figures.counts_by_month(year=year, months=months)
    calls = figures.calls_per_month(year=year, months=months)
    month_rows = [{"month": f"{year}-{m:02d}", "series": str(_("Cases")), "count": n}
                  for m, n in cases.items()]
    month_rows += [{"month": f"{year}-{m:02d}", "series": str(_("Calls")), "count": n}
                   for m, n in calls.items()]
    monthly = alt.Chart(alt.Data(values=month_rows)).mark_line(point=True).encode(
        x=alt.X("month:O", title=str(_("Month"))),
        y=alt.Y("count:Q", title=str(_("Count"))),
        color=alt.Color("series:N", title=""),
    ).properties(height=220)
    channel_counts = figures.counts_by_channel(year=year, months=months)
    channels = alt.Chart(alt.Data(values=[
        {"channel": str(label), "count": channel_counts.get(value, 0)}
        for value, label in Channel.choices])).mark_bar().encode(
        y=alt.Y("channel:N", title=str(_("Channel")), sort="-x"),
        x=alt.X("count:Q", title=str(_("Cases"))),
    ).properties(height=220)
    outcome_counts = figures.calls_by_outcome(year=year, months=months)
    describe_months = "; ".join(f"{m}: {cases[m]:,} / {calls[m]:,}" for m in cases)
    return [
        {"id": "sd-monthly", "chart": monthly, "title": _("Cases and calls per month"),
         "description": _("Cases and calls per month (month: cases / calls): %(list)s.")
         % {"list": describe_months}},
        {"id": "sd-channels", "chart": channels, "title": _("Cases by channel"),
         "description": "; ".join(f"{label}: {channel_counts.get(value, 0):,}"
                                  for value, label in Channel.choices)},
        {"id": "sd-outcomes", "title": _("Calls by outcome"), "chart": alt.Chart(alt.Data(
            values=[{"outcome": str(label), "count": outcome_counts.get(value, 0)}
                    for value, label in CallOutcome.choices])).mark_bar().encode(
            y=alt.Y("outcome:N", title=str(_("Outcome"))),
            x=alt.X("count:Q", title=str(_("Calls")))).properties(height=160),
         "description": "; ".join(f"{label}: {outcome_counts.get(value, 0):,}"
                                  for value, label in CallOutcome.choices)},
    ]
