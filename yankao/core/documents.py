"""Printable documents: HTML templates to PDF with WeasyPrint.

Every element — page footers and SVG chart text included — is set in Noto Sans CJK TC
(Debian's ``fonts-noto-cjk``); WeasyPrint renders Traditional Chinese correctly only when
the font is named on each element.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string

CJK_FONT = '"Noto Sans CJK TC", "Noto Sans TC", sans-serif'
PRINT_CSS = f"""
@page {{
  size: A4;
  margin: 18mm 16mm 20mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-family: {CJK_FONT};
                    font-size: 9pt; color: #4b5563; }}
}}
* {{ font-family: {CJK_FONT} !important; }}
svg text {{ font-family: {CJK_FONT} !important; }}
body {{ font-size: 10.5pt; line-height: 1.55; color: #1b1f24; }}
h1 {{ font-size: 18pt; }} h2 {{ font-size: 14pt; }} h3 {{ font-size: 12pt; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 0.5pt solid #9ca3af; padding: 3pt 5pt; text-align: left; }}
thead {{ display: table-header-group; }}
tr, figure {{ break-inside: avoid; }}
"""


def html_to_document(html: str, *, extra_css: str = ""):
    """The laid-out pages (a WeasyPrint ``Document``): for writing, or for checking the
    layout (what is on which page) in tests."""
    from weasyprint import CSS, HTML

    stylesheets = [CSS(string=PRINT_CSS)]
    if extra_css:
        stylesheets.append(CSS(string=extra_css))
    # Static files are read from disk, never fetched over the network.
    return HTML(string=html, base_url=str(settings.STATIC_ROOT)).render(
        stylesheets=stylesheets)


def html_to_pdf(html: str, *, extra_css: str = "") -> bytes:
    return html_to_document(html, extra_css=extra_css).write_pdf()


# Footnotes (``float: footnote``) ----------------------------------------------------------
#
# WeasyPrint lets a footnote slip to the next page when a later block that may not be split
# (a chart, a table kept whole) is pushed over the page end after the footnote was placed.
# ``footnoted_document`` lays the document out, finds the first block whose footnote slipped
# and starts that block on a new page, until every footnote is on the page of its mark.

FOOTNOTE_BLOCK = "data-footnote-block"
_BLOCK_TAGS = re.compile(r"<(p|li|figure|div|dd|td)(?=[\s>])")


def _walk(box, ancestors=()):
    yield box, ancestors
    for child in getattr(box, "children", None) or ():
        yield from _walk(child, (*ancestors, box))


def footnotes_by_page(document) -> list[tuple[list[str], list[str]]]:
    """For each laid-out page, the footnote calls in its text and the footnote markers in
    its footnote area, as printed ("12" and "12")."""
    pages = []
    for page in document.pages:
        calls, markers = [], []
        for box, _ancestors in _walk(page._page_box):
            if type(box).__name__ != "TextBox":
                continue
            tag = box.element_tag or ""
            if tag.endswith("::footnote-call"):
                calls.append(box.text.strip())
            elif tag.endswith("::footnote-marker"):
                markers.append(box.text.strip().rstrip("."))
        pages.append((calls, markers))
    return pages


def _first_slipped_block(document) -> str | None:
    """The outermost marked block holding the first footnote call whose note is not on
    the call's page; None when every note is at home."""
    for page in document.pages:
        markers = set()
        calls = []
        for box, ancestors in _walk(page._page_box):
            if type(box).__name__ != "TextBox":
                continue
            tag = box.element_tag or ""
            if tag.endswith("::footnote-marker"):
                markers.add(box.text.strip().rstrip("."))
            elif tag.endswith("::footnote-call"):
                calls.append((box.text.strip(), ancestors))
        for number, ancestors in calls:
            if number in markers:
                continue
            for ancestor in ancestors:
                element = getattr(ancestor, "element", None)
                block = element.get(FOOTNOTE_BLOCK) if element is not None else None
                if block:
                    return block
    return None


def footnoted_document(html: str, *, extra_css: str = "", attempts: int = 12):
    """The laid-out document with every footnote on the page of its mark (see above)."""
    counter = iter(range(1, 10**9))
    html = _BLOCK_TAGS.sub(lambda match: f'<{match[1]} {FOOTNOTE_BLOCK}="{next(counter)}"',
                           html)
    breaks: list[str] = []
    for _ in range(attempts):
        css = extra_css + "".join(f'[{FOOTNOTE_BLOCK}="{block}"] {{ break-before: page; }}'
                                  for block in breaks)
        document = html_to_document(html, extra_css=css)
        block = _first_slipped_block(document)
        if block is None or block in breaks:
            return document
        breaks.append(block)
    return document


def render_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    return html_to_pdf(render_to_string(template_name, context), extra_css=extra_css)
