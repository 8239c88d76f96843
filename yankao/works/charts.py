"""Charts of the works pages (Altair → Vega-Lite), each with a sentence describing it."""

from __future__ import annotations

import altair as alt
from django.utils.translation import gettext as _

from yankao.works.selectors.inspections import GradeDistribution
from yankao.works.selectors.tenders import CurvePoint, MonthCompliance


def s_curve_chart(points: list[CurvePoint]) -> tuple[alt.Chart, str]:
    """Planned and actual cumulative progress by month (S 曲線)."""
    planned, actual = _("Planned"), _("Actual")
    rows = [{"month": point.month, "series": planned, "percent": float(point.planned)}
            for point in points if point.planned is not None]
    rows += [{"month": point.month, "series": actual, "percent": float(point.actual)}
             for point in points if point.actual is not None]
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("month:O", title=_("Month")),
        y=alt.Y("percent:Q", title=_("Cumulative progress (%)"),
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None,
                        sort=[planned, actual]),
        strokeDash=alt.StrokeDash("series:N", legend=None, sort=[planned, actual]),
    ).properties(height=260, width="container")
    reported = [point for point in points if point.actual is not None]
    if reported:
        last = reported[-1]
        description = _(
            "S-curve: at %(month)s the planned progress was %(planned)s%% and the actual "
            "%(actual)s%%, over %(months)d months planned."
        ) % {"month": last.month, "planned": last.planned, "actual": last.actual,
             "months": len(points)}
    else:
        description = _("S-curve: the planned progress over %(months)d months; nothing "
                        "reported yet.") % {"months": len(points)}
    return chart, description


def grade_chart(distribution: GradeDistribution) -> tuple[alt.Chart, str]:
    rows = [{"grade": grade.label, "count": grade.count} for grade in distribution.grades]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("grade:N", title=_("Grade"), sort=[row["grade"] for row in rows],
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=_("Inspections")),
    ).properties(height=220, width="container")
    description = _("Inspections of %(year)d by grade: %(grades)s.") % {
        "year": distribution.year,
        "grades": ", ".join(f"{grade.label} {grade.count}" for grade in distribution.grades)}
    return chart, description


def compliance_chart(months: list[MonthCompliance], year: int) -> tuple[alt.Chart, str]:
    rows = [{"month": month.month, "rate": float(month.rate_percent or 0)} for month in months]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("month:O", title=_("Month")),
        y=alt.Y("rate:Q", title=_("Updated on time (%)"), scale=alt.Scale(domain=[0, 100])),
    ).properties(height=220, width="container")
    description = _("Monthly progress updated by the deadline in %(year)d: %(rates)s.") % {
        "year": year,
        "rates": ", ".join(
            f"{month.month} {'—' if month.rate_percent is None else month.rate_percent}%"
            for month in months)}
    return chart, description
