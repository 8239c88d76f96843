"""Build a report from its structure, the approved narratives and the figure registry.

The result is a plain tree of blocks that the HTML, PDF and DOCX renderers each lay out;
every figure in it carries its value, how it was computed and the link to its records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import override

from yankao.reports import figures as registry
from yankao.reports.figures import Chart, Figure, Period, Table
from yankao.reports.structure import Section, Structure, module_installed

TOKEN = re.compile(r"\[\[([a-z0-9_.\-]+)\]\]")

MODULE_NAMES = {
    "servicedesk": ("為民服務", "Service desk"),
    "programs": ("列管計畫", "Program control"),
    "works": ("工程查核", "Public works"),
    "participation": ("公民參與", "Participation"),
    "research": ("研究發展", "Research"),
    "opendata": ("資料開放", "Open data"),
    "citydata": ("城市感測資料", "City sensor data"),
    "assistant": ("智能客服", "FAQ assistant"),
    "counter": ("櫃台服務與法律諮詢", "Counter services"),
    "reports": ("報告與儀表板", "Reports and dashboards"),
}


@dataclass
class FigureRef:
    key: str
    label: str
    text: str
    unit: str
    method: str
    url: str | None
    missing: bool = False  # no records for it in the period


@dataclass
class Paragraph:
    parts: list[str | FigureRef]


@dataclass
class FigureList:
    figures: list[FigureRef]


@dataclass
class RowGroup:
    rows: list[list[Any]]
    keep: bool  # printed on one page


@dataclass
class TableBlock:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    method: str
    url: str | None

    # A table of up to this many rows is printed whole on one page.
    SHORT = 20
    # A longer one keeps this many rows together at its start and at its end, so that no
    # row is left alone on a page.
    KEEP = 3

    @property
    def short(self) -> bool:
        return len(self.rows) <= self.SHORT

    @property
    def row_groups(self) -> list[RowGroup]:
        if self.short:
            return [RowGroup(self.rows, keep=True)]
        keep = self.KEEP
        return [RowGroup(self.rows[:keep], keep=True),
                RowGroup(self.rows[keep:-keep], keep=False),
                RowGroup(self.rows[-keep:], keep=True)]


@dataclass
class ChartBlock:
    key: str
    title: str
    chart: Any
    description: str
    method: str


Block = Paragraph | FigureList | TableBlock | ChartBlock


@dataclass
class BuiltSection:
    key: str
    number: str
    title: str
    level: int
    blocks: list[Block] = field(default_factory=list)
    children: list[BuiltSection] = field(default_factory=list)
    narrative_pending: bool = False
    heading: str = ""  # number and title as printed in the report's language


@dataclass
class LeftOut:
    number: str
    title: str
    reason: str
    line: str = ""  # as printed


@dataclass
class BuiltReport:
    structure: str
    title: str
    period: Period
    language: str
    sections: list[BuiltSection]
    left_out: list[LeftOut]
    generated_at: Any

    @property
    def english(self) -> bool:
        return self.language.startswith("en")

    @property
    def colon(self) -> str:
        return ": " if self.english else "："

    def all_figures(self) -> list[FigureRef]:
        found: list[FigureRef] = []

        def walk(sections: list[BuiltSection]) -> None:
            for section in sections:
                for block in section.blocks:
                    if isinstance(block, FigureList):
                        found.extend(block.figures)
                    elif isinstance(block, Paragraph):
                        found.extend(p for p in block.parts if isinstance(p, FigureRef))
                walk(section.children)

        walk(self.sections)
        return found


# (steps done, steps in all, the step now under way: the heading of the section it builds)
Progress = Callable[[int, int, str], None]


class ReportBuilder:
    def __init__(self, structure: Structure, period: Period, *, language: str = "zh-hant",
                 narratives: dict[str, str] | None = None, base_url: str = ""):
        self.structure = structure
        self.period = period
        self.language = language
        self.en = language.startswith("en")
        self.narratives = narratives or {}
        self.base_url = base_url.rstrip("/")
        self._figure_cache: dict[str, FigureRef] = {}

    def title(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def figure(self, key: str) -> FigureRef:
        if key in self._figure_cache:
            return self._figure_cache[key]
        entry = registry.get(key)
        if not isinstance(entry, Figure):
            ref = FigureRef(key, key, "—", "", self.title("此數據目前無法取得。",
                                                        "This figure is not available."), None,
                            missing=True)
        else:
            value = entry.compute(self.period)
            url = entry.records(self.period) if entry.records else None
            ref = FigureRef(
                key=key, label=entry.label(self.language, self.period), text=value.text,
                unit="" if value.missing else entry.unit(self.language),
                method=entry.method(self.language, self.period),
                url=f"{self.base_url}{url}" if url and not value.missing else None,
                missing=value.missing,
            )
        self._figure_cache[key] = ref
        return ref

    def paragraphs(self, text: str) -> list[Paragraph]:
        result = []
        for raw in re.split(r"\n\s*\n", text.strip()):
            if not raw.strip():
                continue
            parts: list[str | FigureRef] = []
            position = 0
            for match in TOKEN.finditer(raw):
                if match.start() > position:
                    parts.append(raw[position:match.start()])
                parts.append(self.figure(match.group(1)))
                position = match.end()
            if position < len(raw):
                parts.append(raw[position:])
            result.append(Paragraph(parts))
        return result

    def section_blocks(self, section: Section) -> tuple[list[Block], bool]:
        blocks: list[Block] = []
        narrative = self.narratives.get(section.key)
        if narrative:
            blocks.extend(self.paragraphs(narrative))
        refs = [self.figure(key) for key in section.figures if registry.get(key)]
        if refs and all(ref.missing for ref in refs):
            # A section without records says so in words, once, not as a list of dashes.
            blocks.append(Paragraph([" ".join(dict.fromkeys(ref.text for ref in refs))]))
        elif refs:
            blocks.append(FigureList(refs))
        for key in section.tables:
            entry = registry.get(key)
            if isinstance(entry, Table):
                rows = entry.rows(self.period)
                title = entry.title(self.language)
                if not rows:
                    blocks.append(Paragraph([self.title(
                        f"「{title}」於{self.period.label('zh')}尚無紀錄。",
                        f"{title}: no records for {self.period.label('en')}.")]))
                    continue
                url = entry.records(self.period) if entry.records else None
                blocks.append(TableBlock(
                    key=key, title=title,
                    columns=entry.headings(self.language, self.period), rows=rows,
                    method=entry.method(self.language, self.period),
                    url=f"{self.base_url}{url}" if url else None,
                ))
        for key in section.charts:
            entry = registry.get(key)
            if isinstance(entry, Chart):
                chart, description = entry.build(self.period, self.language)
                blocks.append(ChartBlock(key=key, title=entry.title(self.language), chart=chart,
                                         description=description,
                                         method=entry.method(self.language, self.period)))
        return blocks, not narrative

    def heading(self, section: Section, key: str, level: int) -> str:
        """Number and title as printed: 「壹、研究發展」「(一)市政創新提案」 in Chinese, the
        section's position ("3.1.2 Controlled programs") in English."""
        title = self.title(section.title_zh, section.title_en)
        if self.en:
            return f"{key} {title}"
        return f"{section.number}{'、' if level <= 2 else ''}{title}"

    def included(self, section: Section) -> bool:
        if section.module is not None:
            return module_installed(section.module)
        return any(self.included(child) for child in section.children)

    def build(self, progress: Progress | None = None) -> BuiltReport:
        with override(self.language), registry.computing():
            left_out: list[LeftOut] = []
            leaves = [s for s in self.structure.walk() if s.module is not None and
                      module_installed(s.module)]
            total = max(1, len(leaves))
            done = 0

            def build_section(section: Section, level: int, path: str) -> BuiltSection | None:
                nonlocal done
                title = self.title(section.title_zh, section.title_en)
                number = section.key if self.en else f"{path}{section.number}"
                if not self.included(section):
                    reason = self.reason(section)
                    left_out.append(LeftOut(number, title, reason, line=(
                        f"{number} {title}: {reason}" if self.en
                        else f"{number} {title}：{reason}")))
                    return None
                built = BuiltSection(key=section.key, number=section.key if self.en
                                     else section.number, title=title, level=level,
                                     heading=self.heading(section, section.key, level))
                if section.module is not None:
                    if progress:
                        progress(done, total, built.heading)
                    built.blocks, built.narrative_pending = self.section_blocks(section)
                    done += 1
                for child in section.children:
                    child_built = build_section(child, level + 1, f"{number} ")
                    if child_built is not None:
                        built.children.append(child_built)
                return built

            sections = [s for s in (build_section(s, 1, "") for s in self.structure.sections) if s]
            return BuiltReport(
                structure=self.structure.key,
                title=self.title(self.structure.title_zh, self.structure.title_en),
                period=self.period, language=self.language, sections=sections,
                left_out=left_out, generated_at=timezone.localtime(),
            )

    def reason(self, section: Section) -> str:
        if section.module is None:
            if section.children:
                return self.title("各小節均未納入", "none of its parts are included")
            return self.title("本平台尚無模組記錄此項業務",
                              "no module of Yankao records this function")
        zh, en = MODULE_NAMES.get(section.module, (section.module, section.module))
        return self.title(f"「{zh}」模組尚未安裝", f"the {en} module is not installed")
