"""Helpers for figures: shares computed from counts, never stored."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int | Decimal, whole: int | Decimal, places: int = 2) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half up (103 of 163 → 63.19)."""
    if not whole:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


def points_text(value: Decimal) -> str:
    """5.00 → "5", 7.50 → "7.5" (no exponent: Decimal("10").normalize() is 1E+1)."""
    return format(Decimal(value).normalize(), "f")
