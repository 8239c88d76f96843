"""DOCX through python-docx, with real Word footnotes for the figures' provenance.

python-docx cannot write footnotes, so this module adds the OOXML footnotes part itself
(ECMA-376 Part 1, §17.11): a ``word/footnotes.xml`` part with the separator footnotes,
a relationship from the document, and a ``w:footnoteReference`` run after each figure.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from yankao.reports.builder import ChartBlock, FigureList, FigureRef, Paragraph, TableBlock

FONT = "Noto Sans CJK TC"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class Footnotes:
    def __init__(self, document):
        self.document = document
        self.notes: list[str] = []

    def reference(self, paragraph, text: str) -> None:
        """Add a superscript footnote mark to ``paragraph``; the note says ``text``."""
        self.notes.append(text)
        note_id = len(self.notes)
        paragraph._p.append(parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteReference w:id="{note_id}"/></w:r>'
        ))

    def xml(self) -> bytes:
        notes = "".join(
            f'<w:footnote w:id="{index}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {escape(text)}</w:t>'
            f"</w:r></w:p></w:footnote>"
            for index, text in enumerate(self.notes, start=1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:footnotes xmlns:w="{W_NS}">'
            f'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            f"</w:footnote>"
            f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f"<w:continuationSeparator/></w:r></w:p></w:footnote>"
            f"{notes}</w:footnotes>"
        ).encode()

    def attach(self) -> None:
        package = self.document.part.package
        part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, self.xml(), package)
        self.document.part.relate_to(part, RT.FOOTNOTES)
        settings = self.document.settings.element
        settings.append(parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            f"</w:footnotePr>"
        ))


def _set_fonts(document) -> None:
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
                       "Caption", "Table Grid"):
        try:
            style = document.styles[style_name]
        except KeyError:
            continue
        style.font.name = FONT
        properties = style.element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = parse_xml(f'<w:rFonts {nsdecls("w")}/>')
            properties.append(fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
    document.styles["Normal"].font.size = Pt(11)


def _figure_run(paragraph, figure: FigureRef, notes: Footnotes, *, with_unit: bool,
                colon: str = "：") -> None:
    # In prose the writer supplies the unit (「共[[x]]件」); in figure lists it is added.
    run = paragraph.add_run(f"{figure.text}{figure.unit if with_unit else ''}")
    run.bold = True
    notes.reference(paragraph, f"{figure.label}{colon}{figure.method}")


def _section(document, section, notes: Footnotes, colon: str) -> None:
    document.add_heading(section.heading, level=min(section.level, 4))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            for part in block.parts:
                if isinstance(part, FigureRef):
                    _figure_run(paragraph, part, notes, with_unit=False, colon=colon)
                else:
                    paragraph.add_run(part)
        elif isinstance(block, FigureList):
            for figure in block.figures:
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(f"{figure.label}{colon}")
                _figure_run(paragraph, figure, notes, with_unit=True, colon=colon)
        elif isinstance(block, TableBlock):
            caption = document.add_paragraph(style="Caption")
            caption.add_run(block.title)
            notes.reference(caption, block.method)
            table = document.add_table(rows=1, cols=len(block.columns))
            table.style = "Table Grid"
            for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
                cell.text = str(column)
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = f"{value:,}" if isinstance(value, int) else str(value)
        elif isinstance(block, ChartBlock):
            from yankao.core.charts import chart_png

            document.add_picture(io.BytesIO(chart_png(block.chart)), width=Cm(15))
            caption = document.add_paragraph(style="Caption")
            caption.add_run(f"{block.title}{colon}{block.description}")
            notes.reference(caption, block.method)
    for child in section.children:
        _section(document, child, notes, colon)


def render_docx(report) -> bytes:
    with override(report.language):
        document = Document()
        _set_fonts(document)
        notes = Footnotes(document)
        document.add_heading(report.title, level=0)
        document.add_paragraph(report.period.label(report.language))
        document.add_paragraph(
            f"{_('Generated from the records on')} {report.generated_at:%Y-%m-%d %H:%M}"
        )
        for section in report.sections:
            _section(document, section, notes, report.colon)
        if report.left_out:
            document.add_heading(_("Sections left out"), level=1)
            document.add_paragraph(_(
                "These sections of the report are left out because no installed module "
                "records them. They are not filled with text that the records do not support."
            ))
            for item in report.left_out:
                document.add_paragraph(item.line, style="List Bullet")
        notes.attach()
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
