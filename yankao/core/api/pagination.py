"""Pages of /api/v1 lists: at most MAX_LIMIT items, offsets within what a database can
hold (issue #11, findings 3 and 6). Every ``@paginate`` uses this class
(``NINJA_PAGINATION_CLASS``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
# Far beyond any list here, and far inside a 64-bit integer (SQLite's and PostgreSQL's).
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT,
                           description=f"Items per page, 1–{MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
