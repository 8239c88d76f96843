"""The service desk's part of a city's data folder (``servicedesk/``): the catalogue.

- ``categories.csv``: ``code, main_code, kind, name_zh, name_en`` and, optionally,
  ``agency_code, public, keywords, description_zh, description_en, duplicate_radius_m,
  questions``. A row without ``main_code`` is a main category; the others are its
  sub-categories, which cases use and which are the Open311 services (``code`` is the
  service code). ``kind`` is consultation, petition, mailbox or dispatch; ``agency_code``
  the default handling agency; ``questions`` names a list in ``questions.json``.
- ``routing.csv``: ``category_code, district_code, agency_code, priority``: which agency
  handles a category (in one district, when ``district_code`` is given).
- ``deadlines.csv``: ``kind, category_code, unit, amount, remind_before_hours, valid_from,
  legal_basis``: the time limits (unit hours, working_days or days), per kind or per
  category, from a date on.

Records already there are updated to the files; none is deleted (cases refer to them).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError

from yankao.core.cities import CityFolder
from yankao.core.models import Agency, District
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.servicedesk.audit import ServicedeskAction
from yankao.servicedesk.models import (
    CaseKind,
    Category,
    DeadlineRule,
    DeadlineUnit,
    RoutingRule,
)
from yankao.servicedesk.services.policy import policy_changed

CITY_ORDER = 20
CATEGORY_COLUMNS = ["code", "main_code", "kind", "name_zh", "name_en"]
ROUTING_COLUMNS = ["category_code", "district_code", "agency_code"]
DEADLINE_COLUMNS = ["kind", "category_code", "unit", "amount", "valid_from"]


def load(*, actor, city: CityFolder) -> list[str]:
    """Create or update the catalogue of the files; a city without a ``servicedesk``
    folder keeps the catalogue it has."""
    if not (city.path / "servicedesk").is_dir():
        return ["no servicedesk folder: catalogue left as it is"]
    before = len(city.problems)
    categories = _categories(actor, city)
    if len(city.problems) > before:
        return []
    lines = [categories, _routing(actor, city), _deadlines(actor, city)]
    policy_changed()
    if city.has("servicedesk/topics.json"):
        from yankao.servicedesk.topics import topics_load

        topics = topics_load(actor=actor, path=city.path / "servicedesk/topics.json")
        for code in topics.unknown:
            city.problem("servicedesk/topics.json", 0, "category", f"unknown category {code}")
        lines.append(f"topics: {topics.topics} in {topics.groups} groups")
    return lines


def _save(actor, instance, fields: dict, counts: dict) -> None:
    changed = list(fields) if instance.pk is None else [
        name for name, value in fields.items() if getattr(instance, name) != value]
    if instance.pk is not None and not changed:
        counts["unchanged"] += 1
        return
    for name in changed:
        setattr(instance, name, fields[name])
    created = instance.pk is None
    full_clean(instance)
    instance.save()
    counts["created" if created else "updated"] += 1
    audit_record(actor=actor, action=ServicedeskAction.CATEGORY_LOAD
                 if isinstance(instance, Category) else ServicedeskAction.CATALOGUE_LOAD,
                 obj=instance, to_state="created" if created else "updated",
                 data={} if created else {"changed": changed})


def _problems(city: CityFolder, file: str, number: int, error: ValidationError) -> None:
    for column, messages in error.message_dict.items():
        city.problem(file, number, column, " ".join(messages))


def _questions(city: CityFolder) -> dict:
    if not city.has("servicedesk/questions.json"):
        return {}
    try:
        value = json.loads((city.path / "servicedesk/questions.json").read_text("utf-8"))
    except ValueError as error:
        city.problem("servicedesk/questions.json", None, "", f"not JSON ({error})")
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        city.problem("servicedesk/questions.json", None, "",
                     "must be an object of named lists of questions")
        return {}
    return value


def _categories(actor, city: CityFolder) -> str:
    file = "servicedesk/categories.csv"
    rows = list(city.rows(file, CATEGORY_COLUMNS))
    questions = _questions(city)
    agencies = {a.code: a for a in Agency.objects.all()}
    stored = {c.code: c for c in Category.objects.all()}
    mains = {row["code"] for _n, row in rows if not row["main_code"]}
    seen: dict[str, int] = {}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    subs = 0
    for order, (number, row) in enumerate(rows, start=1):
        code = row["code"]
        if code in seen:
            city.problem(file, number, "code", f"{code!r} is already on row {seen[code]}")
            continue
        seen[code] = number
        problems = len(city.problems)
        if row["kind"] not in CaseKind.values:
            city.problem(file, number, "kind",
                         f"must be one of {', '.join(CaseKind.values)}, not {row['kind']!r}")
        main = row["main_code"]
        if main and main not in mains:
            city.problem(file, number, "main_code", f"no main category {main!r} in the file")
        agency_code = row.get("agency_code", "")
        if agency_code and agency_code not in agencies:
            city.problem(file, number, "agency_code", f"no agency {agency_code!r}")
        asked = row.get("questions", "")
        if asked and asked not in questions:
            city.problem(file, number, "questions", f"no list {asked!r} in questions.json")
        radius = row.get("duplicate_radius_m", "") or "100"
        if not radius.isdigit():
            city.problem(file, number, "duplicate_radius_m", "must be a whole number of metres")
        public = city.flag(file, number, "public", row.get("public", "") or "yes")
        if len(city.problems) > problems:
            continue
        category = stored.get(code) or Category(code=code)
        try:
            _save(actor, category, {
                "parent": stored.get(main) if main else None, "kind": row["kind"],
                "name_zh": row["name_zh"], "name_en": row["name_en"],
                "default_agency": agencies.get(agency_code), "public": public,
                "keywords": row.get("keywords", ""),
                "description_zh": row.get("description_zh", ""),
                "description_en": row.get("description_en", ""),
                "duplicate_radius_m": int(radius), "attributes": questions.get(asked, []),
                "sort_order": order * 10}, counts)
        except ValidationError as error:
            _problems(city, file, number, error)
            continue
        stored[code] = category
        subs += bool(main)
    return (f"categories: {len(rows) - subs} main, {subs} sub ({counts['created']} new, "
            f"{counts['updated']} changed)")


def _routing(actor, city: CityFolder) -> str:
    file = "servicedesk/routing.csv"
    rows = list(city.rows(file, ROUTING_COLUMNS))
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    agencies = {a.code: a for a in Agency.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    stored = {(r.category_id, r.district_id, r.agency_id): r for r in RoutingRule.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for number, row in rows:
        category = categories.get(row["category_code"])
        agency = agencies.get(row["agency_code"])
        district = districts.get(row["district_code"]) if row["district_code"] else None
        if category is None:
            city.problem(file, number, "category_code", f"no sub-category {row['category_code']!r}")
        if agency is None:
            city.problem(file, number, "agency_code", f"no agency {row['agency_code']!r}")
        if row["district_code"] and district is None:
            city.problem(file, number, "district_code", f"no district {row['district_code']!r}")
        priority = row.get("priority", "") or "100"
        if not priority.isdigit():
            city.problem(file, number, "priority", "must be a whole number")
        if category is None or agency is None or (row["district_code"] and district is None) \
                or not priority.isdigit():
            continue
        key = (category.pk, district.pk if district else None, agency.pk)
        rule = stored.get(key) or RoutingRule(category=category, district=district,
                                              agency=agency)
        try:
            _save(actor, rule, {"priority": int(priority), "active": True}, counts)
        except ValidationError as error:
            _problems(city, file, number, error)
            continue
        stored[key] = rule
    return f"routing rules: {len(rows)} ({counts['created']} new, {counts['updated']} changed)"


def _deadlines(actor, city: CityFolder) -> str:
    file = "servicedesk/deadlines.csv"
    rows = list(city.rows(file, DEADLINE_COLUMNS))
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    stored = {(r.kind, r.category_id, r.valid_from): r for r in DeadlineRule.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for number, row in rows:
        problems = len(city.problems)
        category = categories.get(row["category_code"]) if row["category_code"] else None
        if row["category_code"] and category is None:
            city.problem(file, number, "category_code", f"no sub-category {row['category_code']!r}")
        if row["kind"] not in CaseKind.values:
            city.problem(file, number, "kind", f"must be one of {', '.join(CaseKind.values)}")
        if row["unit"] not in DeadlineUnit.values:
            city.problem(file, number, "unit", f"must be one of {', '.join(DeadlineUnit.values)}")
        for column in ("amount", "remind_before_hours"):
            if not (row.get(column, "") or "24").isdigit():
                city.problem(file, number, column, "must be a whole number")
        try:
            valid_from = dt.date.fromisoformat(row["valid_from"])
        except ValueError:
            city.problem(file, number, "valid_from", "must be a date as 2018-01-01")
        if len(city.problems) > problems:
            continue
        key = (row["kind"], category.pk if category else None, valid_from)
        rule = stored.get(key) or DeadlineRule(kind=row["kind"], category=category,
                                               valid_from=valid_from)
        try:
            _save(actor, rule, {"unit": row["unit"], "amount": int(row["amount"]),
                                "remind_before_hours": int(row.get("remind_before_hours", "")
                                                           or 24),
                                "legal_basis": row.get("legal_basis", "")}, counts)
        except ValidationError as error:
            _problems(city, file, number, error)
            continue
        stored[key] = rule
    return f"time limits: {len(rows)} ({counts['created']} new, {counts['updated']} changed)"
