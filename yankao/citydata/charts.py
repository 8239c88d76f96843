"""The week chart of a datastream (Altair, from the hourly rollups)."""

from __future__ import annotations

import altair as alt
from django.utils.translation import gettext as _

from yankao.citydata.selectors import HourPoint
from yankao.citydata.services.storage import CITY_TZ


def week_chart(points: list[HourPoint], *, label: str, unit: str):
    """(chart, text description) of hourly means with the hour's range."""
    rows = [{"hour": p.hour.astimezone(CITY_TZ).strftime("%Y-%m-%dT%H:%M"),
             "mean": round(p.mean, 2), "low": p.minimum, "high": p.maximum} for p in points]
    axis = f"{label} ({unit})" if unit else label
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("hour:T", title=_("Hour")))
    band = base.mark_area(opacity=0.25).encode(y=alt.Y("low:Q", title=axis), y2="high:Q")
    line = base.mark_line().encode(y=alt.Y("mean:Q", title=axis),
                                   tooltip=["hour:T", "mean:Q", "low:Q", "high:Q"])
    chart = (band + line).properties(width="container", height=260)
    if points:
        highest = max(points, key=lambda p: p.maximum)
        text = _("Hourly means of %(label)s over %(hours)s hours, from %(first)s to %(last)s; "
                 "the highest reading was %(high)s %(unit)s at %(when)s.") % {
            "label": label, "hours": len(points),
            "first": points[0].hour.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M"),
            "last": points[-1].hour.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M"),
            "high": f"{highest.maximum:g}", "unit": unit,
            "when": highest.hour.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")}
    else:
        text = _("No readings in this week.")
    return chart, text
