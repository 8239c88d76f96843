"""Charts of program control, built with Altair (rendered by core: ``{% vega_chart %}`` on
pages, ``core.charts.chart_svg`` in PDFs). Colours carry no meaning alone: every chart has
a text description and the pages show the same figures in tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import altair as alt
from django.utils.translation import gettext as _

from yankao.programs.selectors import (
    BEHIND,
    NOT_REPORTED,
    ON_TRACK,
    SEVERELY_BEHIND,
    CurvePoint,
    DelayClassCounts,
    GradeDistribution,
    OverviewRow,
)


class Built(NamedTuple):
    """A chart whose data is the named source "values", and those values."""

    chart: alt.TopLevelMixin
    values: list[dict]


VALUES = alt.Data(name="values")


def as_spec(built: Built) -> dict:
    """The Vega-Lite spec with its data inlined. Altair validates specs and inline data
    against the JSON schema, which costs tens of milliseconds per chart on every page; the
    builders' specs are validated once in the tests instead (tests/test_charts.py)."""
    spec = built.chart.to_dict(validate=False)
    spec["data"] = {"values": built.values}
    return spec


# Okabe–Ito derived, darkened for contrast on white; also used by programs.css.
DELAY_COLOURS = {ON_TRACK: "#15803d", BEHIND: "#b45309", SEVERELY_BEHIND: "#b91c1c",
                 NOT_REPORTED: "#6b7280"}
CLASS_ORDER = (ON_TRACK, BEHIND, SEVERELY_BEHIND, NOT_REPORTED)




def s_curve_chart(points: Sequence[CurvePoint], *, width: int | str = "container"):
    """Planned against actual cumulative progress by month."""
    planned, actual = _("Planned"), _("Actual")
    values = []
    for point in points:
        if point.planned_pct is not None:
            values.append({"month": point.month, "series": planned,
                           "pct": float(point.planned_pct)})
        if point.actual_pct is not None:
            values.append({"month": point.month, "series": actual,
                           "pct": float(point.actual_pct)})
    chart = alt.Chart(VALUES).mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("month:O", title=_("Month"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("pct:Q", title=_("Cumulative progress (%)"), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None, sort=[planned, actual],
                        scale=alt.Scale(domain=[planned, actual], range=["#0b4f8a", "#b45309"]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", sort=[planned, actual], legend=None,
                                  scale=alt.Scale(domain=[planned, actual],
                                                  range=[[6, 3], [1, 0]])),
        tooltip=[alt.Tooltip("series:N", title=_("Series")),
                 alt.Tooltip("month:O", title=_("Month")),
                 alt.Tooltip("pct:Q", title="%", format=".2f")],
    ).properties(height=260, width=width)
    return Built(chart, values)


def overview_chart(rows: Sequence[OverviewRow], labels: dict[str, str], *,
                   width: int | str = "container"):
    """Agencies × months, each cell coloured by the worst delay class among the agency's
    programs that month and labelled "behind/reported"."""
    values = []
    for row in rows:
        for cell in row.months:
            worst = cell.worst or NOT_REPORTED
            values.append({"agency": row.agency_short, "month": cell.month,
                           "class": labels[worst],
                           "text": f"{cell.behind_total}/{cell.reported}" if cell.reported
                           else "–"})
    domain = [labels[name] for name in CLASS_ORDER]
    base = alt.Chart(VALUES).encode(
        x=alt.X("month:O", title=_("Month"), axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("agency:N", title=None, sort=None, axis=alt.Axis(labelLimit=110)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("class:N", title=_("Delay class"),
                        scale=alt.Scale(domain=domain,
                                        range=[DELAY_COLOURS[n] for n in CLASS_ORDER]),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=360)),
        tooltip=[alt.Tooltip("agency:N", title=_("Agency")),
                 alt.Tooltip("month:O", title=_("Month")),
                 alt.Tooltip("class:N", title=_("Delay class")),
                 alt.Tooltip("text:N", title=_("Behind / reported"))],
    )
    text = base.mark_text(fontSize=10, color="white").encode(text="text:N")
    chart = (cells + text).properties(height=max(120, 20 * len(rows)), width=width)
    return Built(chart, values)


def trend_chart(trend: Sequence[DelayClassCounts], labels: dict[str, str], *,
                width: int | str = "container"):
    """Programs in each delay class by month, stacked."""
    values = []
    for counts in trend:
        for name in CLASS_ORDER:
            count = counts.not_reported if name == NOT_REPORTED else getattr(counts, name)
            values.append({"month": counts.month, "class": labels[name], "order": CLASS_ORDER
                           .index(name), "count": count})
    domain = [labels[name] for name in CLASS_ORDER]
    chart = alt.Chart(VALUES).mark_bar().encode(
        x=alt.X("month:O", title=_("Month"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=_("Programs"), stack="zero"),
        color=alt.Color("class:N", title=_("Delay class"),
                        scale=alt.Scale(domain=domain,
                                        range=[DELAY_COLOURS[n] for n in CLASS_ORDER]),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=360)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("month:O", title=_("Month")),
                 alt.Tooltip("class:N", title=_("Delay class")),
                 alt.Tooltip("count:Q", title=_("Programs"))],
    ).properties(height=240, width=width)
    return Built(chart, values)


def grade_chart(distribution: GradeDistribution, *, chinese: bool,
                width: int | str = "container"):
    values = [{"grade": g.label_zh if chinese else g.label_en, "count": g.count,
               "share": float(g.share) if g.share is not None else 0}
              for g in distribution.grades]
    order = [v["grade"] for v in values]
    chart = alt.Chart(VALUES).mark_bar(color="#0b4f8a").encode(
        x=alt.X("grade:N", title=_("Grade"), sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=_("Programs")),
        tooltip=[alt.Tooltip("grade:N", title=_("Grade")),
                 alt.Tooltip("count:Q", title=_("Programs")),
                 alt.Tooltip("share:Q", title="%", format=".2f")],
    ).properties(height=220, width=width)
    return Built(chart, values)
