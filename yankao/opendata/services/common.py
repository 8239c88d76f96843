"""Helpers shared by the open-data services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode


def now() -> dt.datetime:
    return timezone.now()


def today_taipei() -> dt.date:
    return timezone.now().astimezone(TAIPEI).date()


def actor_user(actor):
    """The user to store as who did it (None for the system)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def invalid(message: str, field: str | None = None) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field=field)
