"""Generate a report end to end: build from the records, render, with progress."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext, override

from yankao.reports.builder import BuiltReport, Progress, ReportBuilder
from yankao.reports.figures import Period
from yankao.reports.render import render
from yankao.reports.selectors import approved_narratives
from yankao.reports.structures import structure_get


def build_report(*, structure: str, year: int, month: int | None = None,
                 language: str = "zh-hant", base_url: str | None = None,
                 progress: Progress | None = None) -> BuiltReport:
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
             progress: Progress | None = None) -> bytes:
    """The report as bytes of ``fmt``. ``progress(done, total, step)`` is told as each real
    step starts (every section, by its heading, then the file's layout) and at the end."""
    steps = {"total": 1}

    def building(done: int, total: int, step: str) -> None:
        steps["total"] = total + 1  # the sections, then the layout of the file
        if progress:
            progress(done, steps["total"], step)

    report = build_report(structure=structure, year=year, month=month, language=language,
                          base_url=base_url, progress=building)
    total = steps["total"]
    with override(language):
        if progress:
            progress(total - 1, total,
                     gettext("Laying out the %(format)s file") % {"format": fmt.upper()})
        content = render(report, fmt)
        if progress:
            progress(total, total, gettext("The file is ready"))
    return content
