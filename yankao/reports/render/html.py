from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import override

from yankao.core.documents import footnoted_document


def render_html(report, *, mode: str = "file") -> str:
    """A standalone HTML document: charts inline as SVG, figures linked to their records."""
    with override(report.language):
        return render_to_string("reports/report_document.html", {"report": report, "mode": mode})


def render_pdf(report) -> bytes:
    """PDF through WeasyPrint: every figure carries a footnote saying how it was computed,
    on the page of its mark."""
    return layout_pdf(report).write_pdf()


def layout_pdf(report):
    """The PDF's laid-out pages (every footnote on the page of its mark), also to check
    what lands on which page."""
    return footnoted_document(render_html(report, mode="pdf"))
