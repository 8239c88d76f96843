"""Core's part of a city's data folder: ``agencies.csv`` and ``districts.csv``.

agencies.csv: ``code, parent_code, kind, name_zh, name_en, short_name_zh``, parents before
or after their units; kind one of first_level, second_level, district_office, enterprise,
outside. districts.csv: ``code`` (postal code), ``name_zh, name_en, office_code`` (the
district office's agency code), ``latitude, longitude`` (where the office is, for maps).
An agency or district already there is updated to the file; none is deleted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from yankao.core.audit import CoreAction
from yankao.core.cities import CityFolder
from yankao.core.models import Agency, District
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean

CITY_ORDER = 0
AGENCY_COLUMNS = ["code", "parent_code", "kind", "name_zh", "name_en", "short_name_zh"]
DISTRICT_COLUMNS = ["code", "name_zh", "name_en", "office_code", "latitude", "longitude"]

# Taiwan's cities and counties: an agency named with another one's name belongs to
# another city (臺北市政府交通局 in Kaohsiung's files is a mistake).
TAIWAN_CITIES = ("臺北市", "台北市", "新北市", "桃園市", "臺中市", "台中市", "臺南市", "台南市",
                 "高雄市", "基隆市", "新竹市", "嘉義市", "新竹縣", "苗栗縣", "彰化縣", "南投縣",
                 "雲林縣", "嘉義縣", "屏東縣", "宜蘭縣", "花蓮縣", "臺東縣", "台東縣", "澎湖縣",
                 "金門縣", "連江縣")


def other_city(name: str, city_name: str) -> str:
    """The other city or county a name starts with ('' when none): 臺北市 for
    臺北市政府交通局 when the city is 高雄市."""
    own = {city_name, city_name.replace("臺", "台"), city_name.replace("台", "臺")}
    for prefix in TAIWAN_CITIES:
        if name.startswith(prefix) and prefix not in own:
            return prefix
    return ""


def _save(actor, instance, fields: dict, action) -> str:
    """Create or update ``instance`` to ``fields``: 'created', 'updated' or 'unchanged'."""
    changed = list(fields) if instance.pk is None else [
        name for name, value in fields.items() if getattr(instance, name) != value]
    if instance.pk is not None and not changed:
        return "unchanged"
    for name in changed:
        setattr(instance, name, fields[name])
    created = instance.pk is None
    full_clean(instance)
    instance.save()
    audit_record(actor=actor, action=action, obj=instance,
                 to_state="created" if created else "updated",
                 data={} if created else {"changed": changed})
    return "created" if created else "updated"


def load(*, actor, city: CityFolder) -> list[str]:
    """Create or update the agencies and districts of the files."""
    file = "agencies.csv"
    rows = list(city.rows(file, AGENCY_COLUMNS))
    codes = set(Agency.objects.values_list("code", flat=True)) | {r["code"] for _n, r in rows}
    before = len(city.problems)
    in_file: dict[str, int] = {}
    for number, row in rows:
        code = row["code"]
        if not code:
            city.problem(file, number, "code", "empty")
        elif code in in_file:
            city.problem(file, number, "code", f"{code!r} is already on row {in_file[code]}")
        in_file.setdefault(code, number)
        if row["kind"] not in Agency.Kind.values:
            city.problem(file, number, "kind", f"must be one of {', '.join(Agency.Kind.values)}, "
                                               f"not {row['kind']!r}")
        if row["parent_code"] and row["parent_code"] not in codes:
            city.problem(file, number, "parent_code", f"no agency {row['parent_code']!r}")
        elsewhere = other_city(row["name_zh"], city.settings.get("name_zh", ""))
        if elsewhere:
            city.problem(file, number, "name_zh", f"{row['name_zh']!r} is an agency of "
                                                  f"{elsewhere}, not of {city.settings['name_zh']}")
        for column in ("name_zh", "name_en"):
            if not row[column]:
                city.problem(file, number, column, "empty")
    if len(city.problems) > before:
        return []
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    agencies = {a.code: a for a in Agency.objects.all()}
    pending = list(enumerate(rows, start=1))
    while pending:  # parents first, whatever the order of the file
        waiting = []
        for order, (number, row) in pending:
            parent = row["parent_code"]
            if parent and parent not in agencies:
                waiting.append((order, (number, row)))
                continue
            agency = agencies.get(row["code"]) or Agency(code=row["code"])
            try:
                counts[_save(actor, agency, {
                    "name_zh": row["name_zh"], "name_en": row["name_en"],
                    "short_name_zh": row["short_name_zh"], "kind": row["kind"],
                    "parent": agencies.get(parent), "sort_order": order * 10,
                }, CoreAction.AGENCY_LOAD)] += 1
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    city.problem(file, number, column, " ".join(messages))
                continue
            agencies[agency.code] = agency
        if len(waiting) == len(pending):
            for _order, (number, _row) in waiting:
                city.problem(file, number, "parent_code", "the parents form a loop")
            break
        pending = waiting
    lines = [f"agencies: {len(rows)} ({counts['created']} new, {counts['updated']} changed)"]
    lines.append(_districts(actor, city, agencies))
    return lines


def _districts(actor, city: CityFolder, agencies: dict[str, Agency]) -> str:
    file = "districts.csv"
    rows = list(city.rows(file, DISTRICT_COLUMNS))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    stored = {d.code: d for d in District.objects.all()}
    for number, row in rows:
        office = agencies.get(row["office_code"])
        if office is None:
            city.problem(file, number, "office_code", f"no agency {row['office_code']!r}")
            continue
        try:
            point = {name: Decimal(row[name]) for name in ("latitude", "longitude")}
        except InvalidOperation:
            city.problem(file, number, "latitude", "latitude and longitude must be numbers")
            continue
        district = stored.get(row["code"]) or District(code=row["code"])
        try:
            counts[_save(actor, district, {"name_zh": row["name_zh"], "name_en": row["name_en"],
                                           "office": office, **point},
                         CoreAction.DISTRICT_LOAD)] += 1
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                city.problem(file, number, column, " ".join(messages))
    return f"districts: {len(rows)} ({counts['created']} new, {counts['updated']} changed)"
