"""Charts: one Vega-Lite spec (built with Altair) for the browser, PDF and DOCX.

The browser renders the spec with the vendored vega-embed (``{% vega_chart %}`` in
``core/templatetags/yankao.py``); documents get an SVG from vl-convert. Both use
:data:`THEME`, whose font is Noto Sans CJK TC so Chinese labels render in every PDF. Every
chart carries a text description for people who cannot see it.
"""

from __future__ import annotations

import json
from typing import Any

THEME: dict[str, Any] = {
    "font": "Noto Sans CJK TC",
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#1b1f24",
             "titleColor": "#1b1f24", "gridColor": "#e5e7eb"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 15, "anchor": "start", "color": "#1b1f24"},
    # Colour-blind-safe categories (Okabe–Ito), darkened for contrast on white.
    "range": {"category": ["#0b4f8a", "#b45309", "#15803d", "#b91c1c", "#6d28d9",
                           "#0e7490", "#a16207", "#4b5563"]},
}


def chart_spec(chart: Any) -> dict[str, Any]:
    """A Vega-Lite spec as a dict, with the Yankao theme merged under its own config."""
    spec = chart.to_dict() if hasattr(chart, "to_dict") else dict(chart)
    config = {**THEME, **spec.get("config", {})}
    return {**spec, "config": config}


def chart_svg(chart: Any) -> str:
    """The chart as SVG for PDF and DOCX (vl-convert, offline)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart_spec(chart))


def chart_png(chart: Any, scale: float = 2) -> bytes:
    """The chart as PNG, for DOCX (Word shows SVG poorly)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart_spec(chart), scale=scale)


def spec_json(chart: Any) -> str:
    """The spec as JSON safe to put inside a <script type="application/json"> element."""
    text = json.dumps(chart_spec(chart), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
