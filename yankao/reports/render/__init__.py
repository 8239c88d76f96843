"""Renderers: one built report, three formats."""

from yankao.reports.render.docx import render_docx
from yankao.reports.render.html import render_html, render_pdf

FORMATS = ("html", "pdf", "docx")


def render(report, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "docx":
        return render_docx(report)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render", "render_docx", "render_html", "render_pdf"]
