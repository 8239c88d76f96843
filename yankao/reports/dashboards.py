"""Public dashboards, composed of figure-registry entries so they show the same numbers
as the reports. Filters live in the URL; each dashboard has a CSV download, a text
description of every chart, and suppresses small cells that could identify a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from yankao.core.years import default_year
from yankao.reports import figures as registry
from yankao.reports.figures import (
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    Chart,
    Figure,
    Period,
    Table,
    pick,
    public_output,
)

__all__ = ["SMALL_CELL_THRESHOLD", "SUPPRESSED"]


@dataclass(frozen=True)
class Dashboard:
    key: str
    module: str
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    figures: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    monthly: bool = True  # offers a month filter
    # The year shown when the visitor has not chosen one: the latest with records.
    latest_year: Callable[[], int | None] | None = None

    def default_year(self) -> int:
        """The latest year with records of this dashboard (``core.years``)."""
        return default_year([self.latest_year() if self.latest_year else None])

    def title(self, language: str | None = None) -> str:
        return pick(self.title_zh, self.title_en, language)

    def summary(self, language: str | None = None) -> str:
        return pick(self.summary_zh, self.summary_en, language)

    @property
    def installed(self) -> bool:
        return apps.is_installed(f"yankao.{self.module}")

    def entries(self) -> list[Any]:
        keys = (*self.figures, *self.charts, *self.tables)
        return [entry for entry in (registry.get(key) for key in keys) if entry is not None]

    def filter_names(self) -> list[str]:
        """Filters every entry honours (a filter one chart ignores would mislead)."""
        entries = self.entries()
        if not entries:
            return []
        common = set(entries[0].filters)
        for entry in entries[1:]:
            common &= set(entry.filters)
        return sorted(common)


_DASHBOARDS: dict[str, Dashboard] = {}


def register_dashboard(*dashboards: Dashboard) -> None:
    for dashboard in dashboards:
        _DASHBOARDS[dashboard.key] = dashboard


def dashboards() -> list[Dashboard]:
    registry.registry()  # figure modules register their dashboards when loaded
    return [d for d in _DASHBOARDS.values() if d.installed]


def dashboard_get(key: str) -> Dashboard | None:
    return next((d for d in dashboards() if d.key == key), None)


def download_name(dashboard: Dashboard, period: Period) -> str:
    """The file name of a dashboard's download, named by the filters chosen, e.g.
    ``servicedesk-2021-03-agency-A10`` (without its extension)."""
    parts = [dashboard.key, str(period.year)]
    if period.month:
        parts.append(f"{period.month:02d}")
    for name, value in period.filters:
        parts += [name, value]
    return "-".join(parts)


def suppress(value: Any) -> Any:
    """A count of people's reports below the threshold (but not zero) becomes "<3"."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_CELL_THRESHOLD:
        return SUPPRESSED
    return value


@dataclass
class FigureTile:
    key: str
    label: str
    text: str
    unit: str
    method: str
    url: str | None


@dataclass
class TablePanel:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    method: str


@dataclass
class ChartPanel:
    key: str
    title: str
    chart: Any
    description: str
    method: str


def dashboard_data(dashboard: Dashboard, period: Period, language: str):
    """Tiles, charts and tables of a public dashboard, small cells suppressed before any
    of it leaves the server (tables here, chart data through ``figures.small_cell``)."""
    with registry.computing(), public_output():
        return _dashboard_data(dashboard, period, language)


def _dashboard_data(dashboard: Dashboard, period: Period, language: str):
    tiles, charts, tables = [], [], []
    for key in dashboard.figures:
        entry = registry.get(key)
        if isinstance(entry, Figure):
            value = entry.compute(period)
            text = value.text
            if entry.small_cells and period.filtered:
                shown = suppress(value.number)
                text = shown if shown == SUPPRESSED else text
            tiles.append(FigureTile(key, entry.label(language, period), text,
                                    entry.unit(language), entry.method(language, period),
                                    entry.public_records(period) if entry.public_records
                                    else None))
    for key in dashboard.charts:
        entry = registry.get(key)
        if isinstance(entry, Chart):
            chart, description = entry.build(period, language)
            charts.append(ChartPanel(key, entry.title(language), chart, description,
                                     entry.method(language, period)))
    for key in dashboard.tables:
        entry = registry.get(key)
        if isinstance(entry, Table):
            tables.append(TablePanel(key, entry.title(language),
                                     entry.headings(language, period),
                                     table_rows(entry, period), entry.method(language, period)))
    return tiles, charts, tables


def table_rows(entry: Table, period: Period) -> list[list[Any]]:
    rows = entry.rows(period)
    if not entry.small_cell_columns:
        return rows
    return [[suppress(cell) if index in entry.small_cell_columns else cell
             for index, cell in enumerate(row)] for row in rows]
