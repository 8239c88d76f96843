"""Bounded input types for /api/v1, so no number or date a client sends can reach the
database out of range (issue #11, finding 3). Use them for every query parameter and
body field of these kinds; ``core/tests/test_api_contract.py`` checks that every integer
an operation accepts has both bounds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator

YEAR_MIN, YEAR_MAX = 1900, 2200
# What a PositiveIntegerField holds on every database: counts, NT$ amounts, days.
INT_MAX = 2_147_483_647
# A BigIntegerField: the largest NT$ amounts (a city's budget).
BIGINT_MAX = 9_223_372_036_854_775_807

Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description="A year, 1900–2200.")]
Month = Annotated[int, Field(ge=1, le=12, description="A month, 1–12.")]
YearMonth = Annotated[str, Field(pattern=r"^(19|2[0-2])\d{2}-(0[1-9]|1[0-2])$",
                                 description="A month as YYYY-MM, 1900-01 to 2299-12.")]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Amount = Annotated[int, Field(ge=0, le=BIGINT_MAX)]


# Real UTC offsets run from -12:00 to +14:00; PostgreSQL refuses a displacement past
# ±15:59 outright (SQLite would store it), so a moment outside both bounds is the client's
# error, told as such, never the database's.
OFFSET_MAX = dt.timedelta(hours=14)


def _moment(value: dt.datetime) -> dt.datetime:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(f"the year must be between {YEAR_MIN} and {YEAR_MAX}")
    offset = value.utcoffset()
    if offset is not None and abs(offset) > OFFSET_MAX:
        raise ValueError("the UTC offset must be between -14:00 and +14:00")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]
