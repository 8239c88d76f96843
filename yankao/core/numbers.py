"""Numbers as people read them. Percentages are computed here, from counts, when shown —
never stored (the 2018 report printed 63.8% for 103/163, which is 63.19%)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(
    numerator: int | Decimal, denominator: int | Decimal, places: int = 2
) -> Decimal | None:
    """100 × numerator / denominator, rounded half up; None when the denominator is 0."""
    if not denominator:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(exponent, ROUND_HALF_UP)


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
