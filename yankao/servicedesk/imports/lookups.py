"""What the names in an imported file mean here: categories, units and districts.

A file names a category or a unit as its own system does. A name this city's catalogue
has is used; one the city mapped (``ImportMapping``) goes where the mapping says; any
other name is not a reason to drop the row: the row is kept under a placeholder (a
non-public category, or the category's default unit) and the name is listed in the
import's mapping file, so that the city can map it and import the file again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from decimal import Decimal

from yankao.core.calendar import WorkingCalendar
from yankao.core.city import TAIWAN_CITIES, other_city
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import ImportResult, RowError, Unmapped
from yankao.core.models import Agency, City, District
from yankao.servicedesk.catalogue import UNIT_ALIASES
from yankao.servicedesk.models import CaseKind, Category, DeadlineRule, ImportMapping
from yankao.servicedesk.services.policy import (
    deadline_rule_for,
    due_time,
    location_check,
    policy_changed,
)

PLACEHOLDER_PREFIX = "IMP"
OTHER_CITY_SHOWN = 20  # rows named in the refusal of a file of another city's agencies


def name_key(name: str) -> str:
    """A name as compared across files: full-width forms folded (（一） and (一) are the
    same), spaces removed."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def own_city(agencies: list[Agency]) -> tuple[str, str]:
    """The city's name and its government's prefix (臺北市, 臺北市政府): the city set up
    here, or, in a database given only agencies (no ``yankao city setup``), the city most
    agencies' names start with."""
    city = City.objects.first()
    if city is not None:
        return city.name_zh, city.government_zh
    counts = Counter(next((p for p in TAIWAN_CITIES if a.name_zh.startswith(p)), "")
                     for a in agencies)
    counts.pop("", None)
    name = counts.most_common(1)[0][0] if counts else ""
    return name, f"{name}政府" if name else ""


def name_prefixes(city_name: str, government: str) -> tuple[str, ...]:
    """The prefixes of the city's own names, longest first, 臺 and 台 alike."""
    names = {variant for name in (government, city_name) if name
             for variant in (name, name.replace("臺", "台"), name.replace("台", "臺"))}
    return tuple(sorted(names, key=len, reverse=True))


def hash_text(text: str) -> int:
    """A stable (not per-process salted) number for a text, for placeholder codes."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


class Lookups:
    """Categories, agencies and districts by the names files use (one query each), the
    city's mappings for ``source``, and the names not found, counted for the mapping
    file."""

    def __init__(self, source: str):
        self.source = source
        self.categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)
                           .exclude(code__startswith=f"{PLACEHOLDER_PREFIX}-")}
        self.by_name = {c.name_zh: c for c in self.categories.values()}
        self.by_key = {name_key(c.name_zh): c for c in self.categories.values()}
        agencies = list(Agency.objects.all())
        self.city_name, government = own_city(agencies)
        self.prefixes = name_prefixes(self.city_name, government)
        self.agencies = {a.short_name_zh: a for a in agencies if a.short_name_zh}
        self.agencies.update({a.name_zh: a for a in agencies})
        for agency in agencies:  # 高雄市政府環境保護局 also answers to 環境保護局
            for prefix in self.prefixes:
                if agency.name_zh.startswith(prefix):
                    self.agencies.setdefault(agency.name_zh[len(prefix):], agency)
                    break
        codes = {a.code: a for a in agencies}
        self.agencies.update({alias: codes[code] for alias, code in UNIT_ALIASES.items()
                              if code in codes})
        self.agencies.update(codes)  # Yankao's own files name agencies by code
        self.mapped: dict[tuple[str, str], Category | Agency] = {}
        for mapping in ImportMapping.objects.filter(source=source).select_related(
                "category", "agency"):
            self.mapped[(mapping.column, name_key(mapping.value))] = (
                mapping.category or mapping.agency)
        self.districts = {d.code: d for d in District.objects.all()}
        self.districts.update({d.name_zh: d for d in self.districts.values()})
        self.rules: dict = {}
        self.calendar = WorkingCalendar.load()
        self.deadline_rules = list(DeadlineRule.objects.all())
        self.resolved: dict[str, Category] = {}
        self.waiting: dict[str, Category] = {}  # placeholders of the names not found
        self.unknown: Counter[tuple[str, str]] = Counter()
        self.placeholders: dict[tuple[str, str], str] = {}

    # --- categories -----------------------------------------------------------------------

    def category(self, name: str, *, kind: str = CaseKind.DISPATCH, main: str = "",
                 column: str = "category") -> Category:
        """The category a file's name means: the catalogue's own name, a mapped name, or
        a placeholder (counted as unmapped). ``main`` is the file's main category, where
        it names one (kept in the placeholder's description)."""
        name = (name or "").strip()
        if not name:
            raise RowError("no category", column)
        found = self.resolved.get(name)
        if found is not None:
            return found
        key = name_key(name)
        # The city's mapping first, then the catalogue's names, then its service codes.
        found = (self.mapped.get(("category", key)) or self.by_name.get(name)
                 or self.by_key.get(key) or self.categories.get(name))
        if found is not None:
            self.resolved[name] = found
            return found
        self.unknown[("category", name)] += 1
        placeholder = self.waiting.get(name)
        if placeholder is None:
            placeholder = self.waiting[name] = self._placeholder_category(name, kind=kind,
                                                                          main=main)
        return placeholder

    def _placeholder_category(self, name: str, *, kind: str, main: str) -> Category:
        parent, _ = Category.objects.get_or_create(
            code=f"{PLACEHOLDER_PREFIX}-{self.source}"[:32], defaults={
                "name_zh": f"待對應的匯入類別（{self.source}）",
                "name_en": f"Imported categories to map ({self.source})",
                "kind": kind, "public": False, "sort_order": 9000})
        category, created = Category.objects.get_or_create(
            code=f"{PLACEHOLDER_PREFIX}-{self.source[:12]}-{hash_text(name) % 10**10}",
            defaults={"parent": parent, "name_zh": name[:100], "name_en": name[:200],
                      "kind": kind, "public": False, "duplicate_radius_m": 0,
                      "description_zh": f"匯入檔案的類別「{main + '／' if main else ''}{name}」"
                                        "，尚未對應到本市的類別"})
        self.placeholders[("category", name)] = category.code
        if created:
            policy_changed()
        return category

    # --- agencies -------------------------------------------------------------------------

    def known_agency(self, name: str) -> Agency | None:
        """The agency a unit's name means (its short or full name, with or without the
        city's prefix, or mapped), or None."""
        name = (name or "").strip()
        if name in self.agencies:
            return self.agencies[name]
        for prefix in self.prefixes:
            if name.startswith(prefix) and name[len(prefix):] in self.agencies:
                return self.agencies[name[len(prefix):]]
        found = self.mapped.get(("agency", name_key(name)))
        if found is not None:
            self.agencies[name] = found
        return found

    def agency(self, name: str, fallback: Agency | None) -> Agency | None:
        """The handling unit a file names; an unknown one counts as unmapped and the
        case goes to ``fallback`` (the category's default unit) meanwhile."""
        name = (name or "").strip()
        if not name:
            return fallback
        found = self.known_agency(name)
        if found is not None:
            return found
        self.unknown[("agency", name)] += 1
        self.placeholders[("agency", name)] = fallback.code if fallback else ""
        return fallback

    def refuse_other_cities(self, file: str, names) -> None:
        """Refuse the whole file, before anything is saved, when any of ``names`` ((row,
        column, unit's name)) is another city's or county's agency (臺北市政府警察局 in
        Kaohsiung): its short name would otherwise be taken for this city's 警察局. A
        name the city mapped itself is its answer and passes."""
        found: dict[str, str] = {}
        problems = []
        for number, column, name in names:
            name = (name or "").strip()
            if not name or not self.city_name:
                continue
            if name not in found:
                found[name] = "" if self.mapped.get(("agency", name_key(name))) else \
                    other_city(name, self.city_name)
            if found[name]:
                problems.append(f"row {number}, column {column}: {name} is an agency of "
                                f"{found[name]}, not of {self.city_name}")
        if problems:
            shown = "\n  ".join(problems[:OTHER_CITY_SHOWN])
            more = (f"\n  … and {len(problems) - OTHER_CITY_SHOWN} more"
                    if len(problems) > OTHER_CITY_SHOWN else "")
            raise DomainError(ErrorCode.INVALID,
                              f"{file}: {len(problems)} rows name another city's agencies; "
                              f"nothing was imported:\n  {shown}{more}", field=column)

    def unmapped(self, result: ImportResult) -> None:
        """Put the names not found into the result, most rows first."""
        result.unmapped = [
            Unmapped(source=self.source, column=column, value=value, rows=count,
                     placeholder=self.placeholders.get((column, value), ""))
            for (column, value), count in self.unknown.most_common()]

    # --- deadlines ------------------------------------------------------------------------

    def due(self, kind: str, category: Category, start: dt.datetime) -> dt.datetime:
        """The due time by the deadline rule in force that day: the rule of the category
        wins over the kind's general rule, the newest in force wins (as
        ``deadline_rule_for``, from rules read once)."""
        key = (kind, category.pk, start.date())
        rule = self.rules.get(key)
        if rule is None:
            in_force = [r for r in self.deadline_rules if r.kind == kind
                        and r.valid_from <= start.date()
                        and r.category_id in (None, category.pk)]
            if not in_force:
                rule = deadline_rule_for(kind, category, start.date())  # raises the error
            rule = max(in_force, key=lambda r: (r.category_id is not None, r.valid_from))
            self.rules[key] = rule
        return due_time(rule, start, self.calendar)


def coordinate_pair(lat, lng, note=None) -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates, or neither. Empty ones (files before mid-2017 have none) and a
    0/0 placeholder are no location. A pair out of range raises ``RowError``, or, given
    ``note(reason, column)``, is left out with a note."""
    lat, lng = (str(lat or "").strip(), str(lng or "").strip())
    if not lat and not lng:
        return None, None
    try:
        pair = location_check(lat or None, lng or None)
    except DomainError as error:
        if note is None:
            raise RowError(error.message, error.field or "lat") from None
        note(f"location left out: {error.message}", error.field or "lat")
        return None, None
    if pair[0] == 0 and pair[1] == 0:
        return None, None
    return pair
