"""Helpers for program figures. Shares and averages come from ``yankao.core.numbers``."""

from __future__ import annotations

from decimal import Decimal


def points_text(value: Decimal) -> str:
    """5.00 → "5", 7.50 → "7.5" (no exponent: Decimal("10").normalize() is 1E+1)."""
    return format(Decimal(value).normalize(), "f")
