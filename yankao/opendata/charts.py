"""Charts of the open-data pages (Altair → Vega-Lite), each with a sentence saying what it
shows."""

from __future__ import annotations

import altair as alt
from django.utils.translation import gettext as _

from yankao.opendata.selectors.datastore import DatastorePage
from yankao.opendata.selectors.figures import MonthUse

CHART_ROWS = 30


def numeric_chart(page: DatastorePage) -> tuple[alt.Chart, str] | None:
    """The first numeric column by the first text column, for the first rows of a table."""
    fields = [f for f in page.fields if f["id"] != "_id"]
    number = next((f["id"] for f in fields if f["type"] in ("int", "numeric")), None)
    label = next((f["id"] for f in fields if f["type"] == "text"), None)
    if number is None or label is None:
        return None
    rows = [{"label": str(record[label]), "value": record[number]}
            for record in page.records[:CHART_ROWS]
            if record.get(number) is not None and record.get(label) is not None]
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        y=alt.Y("label:N", title=label, sort=None),
        x=alt.X("value:Q", title=number),
        tooltip=["label:N", "value:Q"],
    ).properties(width="container", height=max(120, 18 * len(rows)))
    highest = max(rows, key=lambda row: row["value"])
    description = _("%(number)s by %(label)s for the first %(count)s rows; the highest is "
                    "%(top)s (%(value)s).") % {"number": number, "label": label,
                                                "count": len(rows), "top": highest["label"],
                                                "value": highest["value"]}
    return chart, description


def usage_chart(months: list[MonthUse], year: int) -> tuple[alt.Chart, str]:
    views, downloads = _("Views"), _("Downloads")
    rows = [{"month": m.month.month, "series": views, "count": m.views} for m in months]
    rows += [{"month": m.month.month, "series": downloads, "count": m.downloads} for m in months]
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("month:O", title=_("Month")),
        y=alt.Y("count:Q", title=_("Count")),
        color=alt.Color("series:N", title=None, sort=[views, downloads]),
        tooltip=["month:O", "series:N", "count:Q"],
    ).properties(height=240, width="container")
    description = _("Views and downloads of the catalogue in %(year)d by month: %(months)s.") % {
        "year": year, "months": "; ".join(f"{m.month.month}: {m.views:,} / {m.downloads:,}"
                                          for m in months)}
    return chart, description
