"""The figure registry: every number, table and chart a report or dashboard shows.

Each entry names its module, computes from that module's selectors (never a typed-in
number), says in words how it is computed (the footnote of PDF and DOCX), and links to the
filtered list of records behind it (the link in HTML). The annual report, the monthly
analyses and the dashboards all read figures from here, so they cannot disagree.

Entries for a module live in ``reports/figures/<module>.py`` and are loaded only when that
module is installed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.apps import apps
from django.utils.translation import get_language

from yankao.core.numbers import format_count, format_percent


@dataclass(frozen=True)
class Period:
    """A year, or one month of it, optionally narrowed by filters (district, agency…).

    The annual report and the monthly analyses pass no filters; dashboards pass the
    visitor's. Filters are (name, value) pairs so the period stays hashable.
    """

    year: int
    month: int | None = None
    filters: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        return dict(self.filters).get(name)

    @property
    def filtered(self) -> bool:
        return bool(self.filters)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def label(self, language: str = "zh") -> str:
        if language.startswith("en"):
            return f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        roc = self.year - 1911  # 民國紀年
        return f"{roc}年{self.month}月" if self.month else f"{roc}年"

    def query(self) -> str:
        """The period as URL query parameters, for links to the records behind a figure."""
        from urllib.parse import urlencode

        params = {"year": self.year, **({"month": self.month} if self.month else {}),
                  **dict(self.filters)}
        return urlencode(params)


@dataclass(frozen=True)
class Value:
    """A computed figure: the number and how it reads. ``missing`` marks a figure whose
    records do not exist for the period (the text says so in words, not a bare dash)."""

    number: int | Decimal | None
    text: str
    missing: bool = False

    @classmethod
    def none(cls, text: str) -> Value:
        """No records for this figure in the period, said in words."""
        return cls(None, text, missing=True)

    @classmethod
    def count(cls, number: int | None) -> Value:
        return cls(number, format_count(number))

    @classmethod
    def percent(cls, number: Decimal | None) -> Value:
        return cls(number, format_percent(number))

    @classmethod
    def money(cls, amount: int | None) -> Value:
        return cls(amount, "—" if amount is None else f"NT${amount:,}")


def pick(zh: str, en: str, language: str | None = None) -> str:
    return en if (language or get_language() or "zh").startswith("en") else zh


# A label or method text: fixed, or computed for the period (from the policy in force then).
Text = str | Callable[[Period], str]


def text_for(value: Text, period: Period | None) -> str:
    if callable(value):
        if period is None:
            raise ValueError("this text depends on the period; pass it")
        return value(period)
    return value


@dataclass(frozen=True)
class Figure:
    key: str
    module: str
    label_zh: Text
    label_en: Text
    method_zh: Text
    method_en: Text
    compute: Callable[[Period], Value]
    records: Callable[[Period], str | None] | None = None
    # A public page of the records, where there is one: public dashboards link only there.
    public_records: Callable[[Period], str | None] | None = None
    unit_zh: str = ""
    unit_en: str = ""
    # Filters the computation honours; dashboards offer only these.
    filters: tuple[str, ...] = ()
    # Counts of people's reports: suppressed on dashboards when small and filtered.
    small_cells: bool = False

    def label(self, language: str | None = None, period: Period | None = None) -> str:
        return text_for(pick(self.label_zh, self.label_en, language), period)

    def method(self, language: str | None = None, period: Period | None = None) -> str:
        return text_for(pick(self.method_zh, self.method_en, language), period)

    def unit(self, language: str | None = None) -> str:
        return pick(self.unit_zh, self.unit_en, language)


@dataclass(frozen=True)
class Table:
    """``columns(language)`` or ``columns(language, period)`` gives the headings (the
    second form for headings from the policy in force in the period)."""

    key: str
    module: str
    title_zh: str
    title_en: str
    method_zh: Text
    method_en: Text
    columns: Callable[..., list[str]]
    rows: Callable[[Period], list[list[Any]]]
    records: Callable[[Period], str | None] | None = None
    filters: tuple[str, ...] = ()
    # Column indexes holding counts of people's reports, suppressed when small.
    small_cell_columns: tuple[int, ...] = ()

    def title(self, language: str | None = None) -> str:
        return pick(self.title_zh, self.title_en, language)

    def method(self, language: str | None = None, period: Period | None = None) -> str:
        return text_for(pick(self.method_zh, self.method_en, language), period)

    def headings(self, language: str, period: Period) -> list[str]:
        if len(inspect.signature(self.columns).parameters) >= 2:
            return self.columns(language, period)
        return self.columns(language)


@dataclass(frozen=True)
class Chart:
    """``build(period, language)`` returns (Altair chart, text description of what it shows)."""

    key: str
    module: str
    title_zh: str
    title_en: str
    method_zh: str
    method_en: str
    build: Callable[[Period, str], tuple[Any, str]]
    filters: tuple[str, ...] = ()

    def title(self, language: str | None = None) -> str:
        return pick(self.title_zh, self.title_en, language)

    def method(self, language: str | None = None, period: Period | None = None) -> str:
        return text_for(pick(self.method_zh, self.method_en, language), period)


_MEMO: ContextVar[dict | None] = ContextVar("yankao_figure_memo", default=None)
_PUBLIC: ContextVar[bool] = ContextVar("yankao_public_output", default=False)

# Counts of people's reports below this (but not zero) are not published (dashboards).
SMALL_CELL_THRESHOLD = 3
SUPPRESSED = f"<{SMALL_CELL_THRESHOLD}"


@contextmanager
def public_output() -> Iterator[None]:
    """A build for the public (a dashboard): counts of people's reports pass through
    :func:`small_cell` before they leave the server, in every chart's data too."""
    token = _PUBLIC.set(True)
    try:
        yield
    finally:
        _PUBLIC.reset(token)


def small_cell(count: int) -> tuple[int | None, str]:
    """A count of people's reports for a chart: ``(value to draw, label to show)``. In a
    public build a count from 1 to 2 becomes ``(None, "<3")`` (Vega-Lite leaves a None
    value undrawn), so the exact number is never in the page; otherwise ``(count,
    "1,234")``."""
    if _PUBLIC.get() and 0 < count < SMALL_CELL_THRESHOLD:
        return None, SUPPRESSED
    return count, format_count(count)


@contextmanager
def computing() -> Iterator[None]:
    """One report or dashboard build: selector results are shared by its figures."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def once_per_build(function: Callable[[Period], Any]) -> Callable[[Period], Any]:
    """Call a selector once per period within a build, however many figures read it
    (e.g. five figures read one ``inspection_summary``). Outside a build, call it."""

    @wraps(function)
    def shared(period: Period) -> Any:
        memo = _MEMO.get()
        if memo is None:
            return function(period)
        key = (function, period)
        if key not in memo:
            memo[key] = function(period)
        return memo[key]

    return shared


Entry = Figure | Table | Chart
_REGISTRY: dict[str, Entry] = {}
_LOADED = False

# Figure modules shipped with the reports app, by the module (app label) they read.
FIGURE_MODULES = ("servicedesk", "programs", "works", "participation", "research", "opendata",
                  "citydata", "counter", "assistant", "reports")


def register(*entries: Entry) -> None:
    for entry in entries:
        _REGISTRY[entry.key] = entry


def unregister(*keys: str) -> None:
    for key in keys:
        _REGISTRY.pop(key, None)


def registry() -> dict[str, Entry]:
    global _LOADED
    if not _LOADED:
        for module in FIGURE_MODULES:
            if apps.is_installed(f"yankao.{module}"):
                importlib.import_module(f"yankao.reports.figures.{module}")
        _LOADED = True
    return _REGISTRY


def get(key: str) -> Entry | None:
    entry = registry().get(key)
    if entry is None or not apps.is_installed(f"yankao.{entry.module}"):
        return None
    return entry


def figures_for_module(module: str) -> list[Figure]:
    return [e for e in registry().values() if isinstance(e, Figure) and e.module == module]
