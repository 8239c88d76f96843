"""Report structures: a tree of sections, each naming the module that records its function.

A structure is data (``reports/data/``); cities with other report layouts add their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class Section:
    number: str  # as printed: 壹, 一, (一)
    title_zh: str
    title_en: str
    module: str | None = None  # the app label whose records cover it; None: no module does
    figures: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()
    children: tuple[Section, ...] = ()
    key: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Structure:
    key: str
    title_zh: str
    title_en: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def walk(self):
        for section in self.sections:
            yield from section.walk()

    def section(self, key: str) -> Section | None:
        return next((s for s in self.walk() if s.key == key), None)


def module_installed(module: str | None) -> bool:
    return module is not None and apps.is_installed(f"yankao.{module}")


def with_keys(sections: tuple[Section, ...], prefix: str = "") -> tuple[Section, ...]:
    """Give every section a stable key from its position: "3", "3.1", "3.1.2"."""
    keyed = []
    for index, section in enumerate(sections, start=1):
        key = f"{prefix}{index}"
        keyed.append(
            Section(
                number=section.number, title_zh=section.title_zh, title_en=section.title_en,
                module=section.module, figures=section.figures, tables=section.tables,
                charts=section.charts, children=with_keys(section.children, f"{key}."), key=key,
            )
        )
    return tuple(keyed)
