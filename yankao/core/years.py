"""The year a page, report or dashboard opens on when nobody chose one.

It is always **the latest year with records** — never a year written into the code, and
never the current calendar year only because it is now (a city that loaded its 2021
history must not land on an empty 2026). Each page passes the years its own records cover;
``record_years`` collects them across the installed modules for pages that span them all
(the reports overview).

Core imports no domain app: a module names the function that lists its years on its
AppConfig, ``yankao_record_years = "yankao.<app>.selectors.record_years"`` (a callable
without arguments returning years, in any order).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string

# Years a person may ask for (form fields, ?year= in addresses).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def latest_year(years: Iterable[int | None]) -> int | None:
    """The latest of ``years``; None when there is none."""
    found = [year for year in years if year]
    return max(found) if found else None


def default_year(years: Iterable[int | None] = (), *, fallback: int | None = None) -> int:
    """The latest year with records (``years``); with no records at all, ``fallback`` or
    the current year in Taipei — there is nothing to show either way."""
    return latest_year(years) or fallback or timezone.localdate().year


def chosen_year(value: str | int | None, default: int) -> int:
    """The year a person asked for (``?year=2021``), or ``default`` when the value is
    missing, not a number or out of range."""
    try:
        year = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= LAST_YEAR else default


def record_years() -> list[int]:
    """Years with records in any installed module, latest first."""
    years: set[int] = set()
    for config in apps.get_app_configs():
        provider = getattr(config, "yankao_record_years", None)
        if provider:
            function = import_string(provider) if isinstance(provider, str) else provider
            years.update(year for year in function() if year)
    return sorted(years, reverse=True)
