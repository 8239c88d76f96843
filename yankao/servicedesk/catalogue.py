"""The reference catalogue: categories, routing rules and time limits of the demo city.

Dispatch sub-categories and the units that handled them come from Kaohsiung's Open1999
dispatch list (2016–2017, ``data/kaohsiung-open1999-dispatch-categories-2016-2017.tsv``);
their counts are the demo's distribution. They are grouped under the main categories of
Tainan's Open1999 list (``data/tainan-open1999-categories-2015.tsv``). Rows without a
category that district offices handled become one category routed by district — a routing
rule that uses the district. Petition and mailbox categories are the city's usual topics.
Everything here is data an administrator edits afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yankao.core.models import Agency, District
from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.models import (
    CaseKind,
    Category,
    DeadlineRule,
    DeadlineUnit,
    RoutingRule,
)

DATA = Path(__file__).resolve().parent / "data"
KAOHSIUNG_DISPATCH = DATA / "kaohsiung-open1999-dispatch-categories-2016-2017.tsv"
TAINAN_CATEGORIES = DATA / "tainan-open1999-categories-2015.tsv"
RULES_FROM = dt.date(2010, 1, 1)

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

# English names of the dispatch sub-categories, by their Chinese name without the
# "(一)/(二)" stage marker and unit prefix.
ENGLISH = {
    "路燈故障": "Street light out", "髒亂清除": "Litter to clear",
    "號誌故障": "Traffic signal fault",
    "空氣污染": "Air pollution", "噪音": "Noise", "路面坑洞": "Pothole",
    "溝蓋破損": "Broken drain cover", "路樹傾倒": "Fallen tree",
    "公園、綠地設施損毀": "Damaged park facility", "攻擊性流浪犬捕捉": "Aggressive stray dog",
    "縣、鄉道破損": "Damaged county road", "垃圾清運": "Rubbish collection", "停電": "Power cut",
    "污水管阻塞": "Blocked sewer", "人行道破損": "Broken pavement",
    "公園髒亂、佔用": "Park litter or occupation", "路面油漬": "Oil on the road",
    "路燈白天未熄": "Street light on by day", "電線掉落": "Fallen power line",
    "違規停車": "Illegal parking", "人孔、溝蓋鬆動": "Loose manhole or drain cover",
    "號誌秒差調整": "Signal timing", "小廣告、旗幟": "Illegal posters and flags",
    "人行道設施損壞": "Damaged pavement fixture", "管道(工程通報)": "Pipe works report",
    "管線問題": "Utility line problem", "孔蓋鬆動": "Loose utility cover",
    "孔蓋路面下陷": "Sunken road at a cover", "變壓器有聲音": "Noisy transformer",
    "寬頻管線破損": "Damaged broadband line", "暴雨積水": "Flooding after rain",
    "路面下陷": "Sunken road", "寬頻孔蓋鬆動破損": "Loose broadband cover",
    "佔用道路": "Road obstruction", "人孔蓋鬆動": "Loose manhole cover",
    "風景區設備損壞有立即危險者": "Dangerous damage at a scenic area", "怠速": "Idling engine",
    "漏電": "Electric leak", "人手孔凹陷": "Sunken handhole", "路面填補不實": "Poor road patch",
    "地下道、路面積水": "Flooded underpass", "人手孔破損": "Broken handhole",
    "攻擊性流浪犬捕捉、動物受傷": "Stray dog or injured animal",
    "安全島雜草叢生": "Overgrown median", "風景區髒亂": "Litter at a scenic area",
    "省道破損": "Damaged provincial road", "檢修管線": "Water main repair",
    "妨害安寧": "Disturbing the peace", "路面塌陷": "Road collapse", "停水": "Water cut",
    "急迫危害立即排除": "Urgent hazard", "路面掏空": "Hollow under the road",
    "寬頻孔蓋坑洞": "Pothole at a broadband cover", "交通疏導": "Traffic control",
    "動物受困": "Trapped animal", "消防栓漏水": "Leaking hydrant", "瓦斯外洩": "Gas leak",
    "孔蓋路面填補不實": "Poor patch at a cover",
}

# Petition and mailbox topics: (code, main zh, main en, sub zh, sub en, agency code, days)
PETITION_CATEGORIES = [
    ("P-TRAFFIC", "交通", "Transport", "公車與交通規劃", "Buses and traffic planning",
     "transportation", None),
    ("P-ENV", "環境", "Environment", "環境衛生與污染", "Sanitation and pollution",
     "environmental-protection", None),
    ("P-WORKS", "工程", "Public works", "道路與公共工程", "Roads and public works",
     "public-works", None),
    ("P-BUILD", "工程", "Public works", "建築管理與違建", "Building control",
     "pwb-building", None),
    ("P-URBAN", "都市發展", "Urban development", "都市計畫", "Urban planning",
     "urban-development", 30),
    ("P-SOCIAL", "社會福利", "Social welfare", "社會救助與福利", "Social assistance",
     "social-affairs", None),
    ("P-EDU", "教育", "Education", "學校與教育", "Schools and education", "education", None),
    ("P-LABOR", "勞動", "Labour", "勞資爭議", "Labour disputes", "labor", None),
    ("P-POLICE", "治安", "Public safety", "治安與警政", "Policing", "police", None),
    ("P-HEALTH", "衛生", "Health", "醫療與食品衛生", "Health and food safety", "health", None),
    ("P-WATER", "水利", "Water", "排水與防洪", "Drainage and flood control",
     "water-resources", None),
    ("P-TAX", "財稅", "Tax", "地方稅", "Local taxes", "tax", None),
    ("P-LAND", "地政", "Land", "地政與土地徵收", "Land and expropriation", "land", 30),
    ("P-CIVIL", "民政", "Civil affairs", "戶政與里政", "Household registration",
     "civil-affairs", None),
    ("P-ANIMAL", "動物", "Animals", "動物保護", "Animal protection", "animal-protection", None),
    ("P-CULTURE", "文化觀光", "Culture and tourism", "文化與觀光", "Culture and tourism",
     "culture", None),
]


# Every dispatch service asks whether the hazard is immediate (an Open311 attribute).
HAZARD_ATTRIBUTES = [{
    "code": "immediate_danger", "datatype": "singlevaluelist", "required": False,
    "description_zh": "是否有立即危險（例如有人受困、車輛無法通行）？",
    "description_en": "Is anyone in immediate danger (someone trapped, road blocked)?",
    "values": [{"key": "yes", "name_zh": "是", "name_en": "Yes"},
               {"key": "no", "name_zh": "否", "name_en": "No"}],
}]


@dataclass(frozen=True)
class DispatchEntry:
    """One line of the Kaohsiung dispatch list, as a sub-category with its demo weight."""

    code: str
    name_zh: str
    main: str
    agency_code: str | None
    count: int


def _short_name(name: str) -> str:
    base = name
    for prefix in ("養工-", "台電-", "中華-", "欣高-", "公所-"):
        if base.startswith(prefix):
            base = base[len(prefix):]
    for marker in ("(一)", "(二)"):
        base = base.replace(marker, "")
    return base


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


def tainan_pairs() -> list[tuple[str, str]]:
    with TAINAN_CATEGORIES.open(encoding="utf-8") as handle:
        return [(row["service_name"].strip(), row["subproject"].strip())
                for row in csv.DictReader(handle, delimiter="\t")]


@transaction.atomic
def catalogue_seed(*, actor=None) -> dict[str, int]:
    """Create the reference categories, routing rules and time limits that do not exist yet.
    Idempotent."""
    agencies = {a.code: a for a in Agency.objects.all()}
    tainan_mains = {main for main, _sub in tainan_pairs() if main}
    mains: dict[str, Category] = {}
    order = 0
    for code, zh, en, _words in MAIN_CATEGORIES:
        order += 10
        description = "台南1999分類" if zh in tainan_mains else ""
        mains[code], _ = Category.objects.get_or_create(
            code=f"M-{code}", defaults={"name_zh": zh, "name_en": en, "sort_order": order,
                                        "kind": CaseKind.DISPATCH,
                                        "description_zh": description, "public": True})
    entries, district_rows = dispatch_entries()
    for entry in entries:
        order += 1
        short = _short_name(entry.name_zh)
        english = ENGLISH.get(short, short)
        if entry.name_zh.endswith("(二)"):
            english += " (follow-up)"
        category, created = Category.objects.get_or_create(
            code=entry.code, defaults={
                "parent": mains[entry.main], "name_zh": entry.name_zh, "name_en": english,
                "kind": CaseKind.DISPATCH, "keywords": short, "sort_order": order,
                "default_agency": agencies.get(entry.agency_code or ""),
                "description_zh": f"派工案件：{short}", "attributes": HAZARD_ATTRIBUTES,
                "description_en": f"Dispatch: {english.lower()}"})
        if created:
            audit_record(actor=actor, action=ServicedeskAction.CATEGORY_SEED, obj=category)
    # The district offices' own dispatch matters: one category, routed by district.
    other, created = Category.objects.get_or_create(
        code="KH-DISTRICT", defaults={
            "parent": mains["district"], "name_zh": "區公所轄管事項", "name_en":
            "District office matter", "kind": CaseKind.DISPATCH, "sort_order": order + 1,
            "description_zh": "由行政區公所處理的派工案件",
            "description_en": "Dispatch cases handled by the district office"})
    if created:
        audit_record(actor=actor, action=ServicedeskAction.CATEGORY_SEED, obj=other)
        for district in District.objects.select_related("office"):
            RoutingRule.objects.create(category=other, district=district, agency=district.office)
    for entry in entries:
        category = Category.objects.get(code=entry.code)
        if category.default_agency_id and not category.rules.exists():
            RoutingRule.objects.create(category=category, agency=category.default_agency)
    for code, main_zh, main_en, sub_zh, sub_en, agency_code, days in PETITION_CATEGORIES:
        order += 1
        main, _ = Category.objects.get_or_create(
            code="M-P-" + main_en.upper().replace(" ", "-")[:24],
            defaults={"name_zh": main_zh, "name_en": main_en, "kind": CaseKind.PETITION,
                      "sort_order": 500 + order})
        category, created = Category.objects.get_or_create(
            code=code, defaults={"parent": main, "name_zh": sub_zh, "name_en": sub_en,
                                 "kind": CaseKind.PETITION, "sort_order": 500 + order,
                                 "default_agency": agencies[agency_code],
                                 "duplicate_radius_m": 0})
        if created:
            audit_record(actor=actor, action=ServicedeskAction.CATEGORY_SEED, obj=category)
            RoutingRule.objects.create(category=category, agency=agencies[agency_code])
            if days:
                DeadlineRule.objects.create(
                    kind=CaseKind.PETITION, category=category, unit=DeadlineUnit.DAYS,
                    amount=days, valid_from=RULES_FROM, remind_before_hours=72,
                    legal_basis="行政程序法第171條；人民陳情案件處理辦法（最長30日）")
    general = [
        (CaseKind.DISPATCH, DeadlineUnit.HOURS, 4, 1, "高雄市政府1999派工案件4小時處理回報"),
        (CaseKind.MAILBOX, DeadlineUnit.WORKING_DAYS, 5, 24, "高雄市長信箱5個工作日"),
        (CaseKind.PETITION, DeadlineUnit.WORKING_DAYS, 6, 24, "人民陳情案件普通件6日"),
        (CaseKind.CONSULTATION, DeadlineUnit.WORKING_DAYS, 3, 24, "1999諮詢後送3個工作日"),
    ]
    for kind, unit, amount, remind, basis in general:
        DeadlineRule.objects.get_or_create(
            kind=kind, category=None, valid_from=RULES_FROM,
            defaults={"unit": unit, "amount": amount, "remind_before_hours": remind,
                      "legal_basis": basis})
    return {"categories": Category.objects.filter(parent__isnull=False).count(),
            "rules": RoutingRule.objects.count(), "deadlines": DeadlineRule.objects.count(),
            "district_rows": len(district_rows)}
