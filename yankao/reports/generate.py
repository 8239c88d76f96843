"""Generate a report end to end: build from the records, render, with progress."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from yankao.reports.builder import BuiltReport, ReportBuilder
from yankao.reports.figures import Period
from yankao.reports.render import render
from yankao.reports.selectors import approved_narratives
from yankao.reports.structures import structure_get


def build_report(*, structure: str, year: int, month: int | None = None,
                 language: str = "zh-hant", base_url: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> BuiltReport:
    layout = structure_get(structure)
    period = Period(year, month)
    builder = ReportBuilder(
        layout, period, language=language,
        narratives=approved_narratives(structure=structure, period=period),
        base_url=settings.YANKAO_BASE_URL if base_url is None else base_url,
    )
    return builder.build(progress=progress)


def generate(*, structure: str, year: int, fmt: str, month: int | None = None,
             language: str = "zh-hant", base_url: str | None = None,
             progress: Callable[[int, int], None] | None = None) -> bytes:
    """The report as bytes of ``fmt``. Progress runs to 90% while building, 100% rendered."""

    def building(done: int, total: int) -> None:
        if progress:
            progress(round(90 * done / total), 100)

    report = build_report(structure=structure, year=year, month=month, language=language,
                          base_url=base_url, progress=building)
    content = render(report, fmt)
    if progress:
        progress(100, 100)
    return content
