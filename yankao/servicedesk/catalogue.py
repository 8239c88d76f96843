"""The reference catalogue: Kaohsiung's categories, routing rules and time limits.

The catalogue is data in the city's folder (``yankao/cities/kaohsiung/servicedesk/``, the
format in ``servicedesk/city.py`` and docs/cities.md); ``catalogue_seed`` loads it. Its
dispatch sub-categories and their units are those of Kaohsiung's Open1999 dispatch list
(2016–2017, ``data/kaohsiung-open1999-dispatch-categories-2016-2017.tsv``), grouped under
the main categories of Tainan's Open1999 list (``data/tainan-open1999-categories-2015.tsv``);
the list's counts are the demo's distribution (``dispatch_entries``). Everything here is
data an administrator edits afterwards.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yankao.core.cities import city_folder
from yankao.core.models import Agency
from yankao.servicedesk.models import Category, DeadlineRule, RoutingRule

DATA = Path(__file__).resolve().parent / "data"
KAOHSIUNG_DISPATCH = DATA / "kaohsiung-open1999-dispatch-categories-2016-2017.tsv"

# Unit names in the dispatch list that are not an agency's short name.
UNIT_ALIASES = {"水利局防洪維護科": "flood-control", "養工處2": "pwb-maintenance"}

# Main categories (Tainan's groups, with English names), and the words that put a
# Kaohsiung dispatch category under each; the first match wins.
MAIN_CATEGORIES = [
    ("streetlight", "路燈故障", "Street lights", ("路燈",)),
    ("traffic", "交通運輸", "Traffic and signals", ("號誌", "交通疏導")),
    ("parking", "違規停車", "Illegal parking and obstruction",
     ("違規停車", "佔用道路", "妨害安寧", "急迫危害")),
    ("utility", "民生管線", "Utility lines",
     ("台電", "停電", "電線", "漏電", "變壓器", "管線", "寬頻", "人孔蓋鬆動", "人手孔", "中華",
      "欣高", "瓦斯", "停水", "消防栓", "檢修管線")),
    ("road", "道路維修", "Roads, pavements and drains",
     ("路面", "坑洞", "下陷", "塌陷", "掏空", "道破損", "人行道", "路樹", "溝蓋", "人孔",
      "污水", "積水", "安全島", "公園", "管道")),
    ("animal", "動物救援", "Animal rescue", ("犬", "動物")),
    ("pollution", "髒亂及污染", "Litter and pollution",
     ("髒亂", "空氣", "垃圾", "油漬", "廣告", "怠速", "風景區")),
    ("noise", "噪音舉發", "Noise", ("噪音",)),
    ("district", "區公所轄管", "District office matters", ()),
]

@dataclass(frozen=True)
class DispatchEntry:
    """One line of the Kaohsiung dispatch list, as a sub-category with its demo weight."""

    code: str
    name_zh: str
    main: str
    agency_code: str | None
    count: int


def _main_for(name: str) -> str:
    for code, _zh, _en, words in MAIN_CATEGORIES:
        if any(word in name for word in words):
            return code
    return "district"


def dispatch_entries() -> tuple[list[DispatchEntry], list[tuple[str, int]]]:
    """(sub-categories with their total counts, [(district office, count)] of unnamed rows)."""
    agencies = {a.short_name_zh: a.code for a in Agency.objects.exclude(short_name_zh="")}
    totals: dict[str, list] = {}
    district_rows: list[tuple[str, int]] = []
    with KAOHSIUNG_DISPATCH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name, unit, count = row["InformDesc_"].strip(), row["UnitName_"].strip(), \
                int(row["count"])
            agency_code = UNIT_ALIASES.get(unit) or agencies.get(unit)
            if not name:
                if unit.endswith("區公所"):
                    district_rows.append((unit, count))
                continue
            entry = totals.setdefault(name, [agency_code, 0])
            entry[1] += count
    entries = [
        DispatchEntry(code=f"KH-{index:03d}", name_zh=name, main=_main_for(name),
                      agency_code=agency_code, count=count)
        for index, (name, (agency_code, count)) in enumerate(
            sorted(totals.items(), key=lambda item: -item[1][1]), start=1)
    ]
    return entries, district_rows


def catalogue_seed(*, actor=None, city: str = "kaohsiung") -> dict[str, int]:
    """Load the catalogue of a city's folder (Kaohsiung's by default): categories,
    routing rules and time limits, all or nothing. Idempotent."""
    from yankao.servicedesk.city import load

    folder = city_folder(city)
    with transaction.atomic():
        load(actor=actor, city=folder)
        folder.check()
    return {"categories": Category.objects.filter(parent__isnull=False).count(),
            "rules": RoutingRule.objects.count(), "deadlines": DeadlineRule.objects.count()}
