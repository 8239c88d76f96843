"""Numbers as people read them: the one place where shares and averages are computed.

Percentages and averages are computed here, from counts, when shown — never stored (the
2018 report printed 63.8% for 103/163, which is 63.19%). Every rounding is half up
(四捨五入), as the reports' footnotes say: Python's ``round()`` rounds half to even
(``round(2.5) == 2``) and must not be used for a figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

Number = int | Decimal


def round_half_up(value: Number, places: int = 0) -> Decimal:
    """``value`` rounded half up (四捨五入) to ``places`` decimals: 2.5 → 3, 89.5 → 90."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def percent(numerator: Number, denominator: Number, places: int = 2) -> Decimal | None:
    """100 × numerator / denominator, rounded half up; None when the denominator is 0."""
    if not denominator:
        return None
    return round_half_up(Decimal(numerator) * 100 / Decimal(denominator), places)


def average(total: Number, count: Number, places: int = 0) -> Decimal | None:
    """total / count rounded half up (30 calls over 12 months → 3, not 2); None when the
    count is 0."""
    if not count:
        return None
    return round_half_up(Decimal(total) / Decimal(count), places)


def format_percent(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:.{places}f}%"


def format_count(value: int | Decimal | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,}"
    return f"{int(value):,}"
