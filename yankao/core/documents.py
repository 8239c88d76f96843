"""Printable documents: HTML templates to PDF with WeasyPrint.

Every element — page footers and SVG chart text included — is set in Noto Sans CJK TC
(Debian's ``fonts-noto-cjk``); WeasyPrint renders Traditional Chinese correctly only when
the font is named on each element.
"""

from __future__ import annotations

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


def html_to_pdf(html: str, *, extra_css: str = "") -> bytes:
    from weasyprint import CSS, HTML

    stylesheets = [CSS(string=PRINT_CSS)]
    if extra_css:
        stylesheets.append(CSS(string=extra_css))
    # Static files are read from disk, never fetched over the network.
    return HTML(string=html, base_url=str(settings.STATIC_ROOT)).write_pdf(
        stylesheets=stylesheets
    )


def render_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    return html_to_pdf(render_to_string(template_name, context), extra_css=extra_css)
