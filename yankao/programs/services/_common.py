"""Small checks shared by the program-control services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode

TWO_PLACES = Decimal("0.01")


def to_decimal(value, *, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(ErrorCode.INVALID, _("“%(value)s” is not a number.") % {"value": value},
                          field=field) from None
    if not number.is_finite():
        raise DomainError(ErrorCode.INVALID, _("“%(value)s” is not a number.") % {"value": value},
                          field=field)
    return number


def pct_to_bp(value, *, field: str) -> int:
    """A percentage between 0 and 100 with at most two decimals (63.19) → basis points."""
    number = to_decimal(value, field=field)
    if not Decimal(0) <= number <= Decimal(100):
        raise DomainError(ErrorCode.INVALID,
                          _("A percentage must be between 0 and 100, not %(value)s.")
                          % {"value": number}, field=field)
    if number != number.quantize(TWO_PLACES):
        raise DomainError(ErrorCode.INVALID,
                          _("Give a percentage with at most two decimals."), field=field)
    return int(number * 100)


def score_value(value, *, field: str) -> Decimal:
    """A score between 0 and 100 with at most two decimals."""
    number = to_decimal(value, field=field)
    if not Decimal(0) <= number <= Decimal(100) or number != number.quantize(TWO_PLACES):
        raise DomainError(ErrorCode.INVALID,
                          _("A score must be between 0 and 100 with at most two decimals."),
                          field=field)
    return number


def amount_value(value, *, field: str) -> int:
    """An amount in NT$: a whole number, not negative."""
    if isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, _("Give an amount in whole NT$."), field=field)
    number = to_decimal(value, field=field)
    if number < 0 or number != number.to_integral_value():
        raise DomainError(ErrorCode.INVALID, _("Give an amount in whole NT$, not negative."),
                          field=field)
    return int(number)


def require_text(value: str, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(ErrorCode.INVALID, message, field=field)
    return text


