"""The demo city's open data (陸 一(三) of the 2018 report): 1,542 datasets open to everyone
with 3,647 resources from 70 agencies at the end of 2018 (1,385 and 3,078 a year before),
455 with the gold label (17 a year before); at every scale, since the report counts them
one by one. Use (views, downloads), requests and comments grow with the scale.

Every resource is a real file (CSV, JSON, XML, XLSX or PDF) and every 2018 label comes from
running the quality checks on those files; what makes a dataset silver (field
descriptions that do not match its columns) or bronze (a PDF or XLSX resource) is in the
files themselves. The 2017 labels are history: the same datasets before their agencies
corrected their field descriptions in 2018. OIDs and agency codes are generated for the
demo; a real city enters its own (Open data → Publishers).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from yankao.core.calendar import TAIPEI
from yankao.core.models import Agency, Attachment, District
from yankao.opendata import quality
from yankao.opendata.data import demo_kaohsiung as words
from yankao.opendata.files import FORMATS
from yankao.opendata.models import (
    Dataset,
    DatasetUsage,
    DatasetVersion,
    Licence,
    NationalPush,
    Publisher,
    QualityAssessment,
    Resource,
    ResourceField,
    ServiceCategory,
    Tag,
)
from yankao.opendata.national import national_metadata

DEMO_ORDER = 50

OPEN_2018, OPEN_2017 = 1542, 1385
RESOURCES_2018, RESOURCES_2017 = 3647, 3078
GOLD_2018, GOLD_2017 = 455, 17
SILVER_2018 = 700
WITHDRAWN, DRAFTS, RESTRICTED = 10, 6, 6
AGENCIES = 70
YEARS = range(2007, 2019)
CHECKED_2018 = dt.datetime(2018, 12, 20, 3, 0, tzinfo=TAIPEI)
CHECKED_2017 = dt.datetime(2017, 12, 20, 3, 0, tzinfo=TAIPEI)

CATEGORY_OF = {
    "civil-affairs": "I00", "finance": "800", "education": "300",
    "economic-development": "600", "marine": "600", "agriculture": "600", "tourism": "900",
    "urban-development": "C00", "public-works": "E00", "water-resources": "E00",
    "social-affairs": "G00", "labor": "500", "police": "E00", "health": "B00",
    "environmental-protection": "E00", "culture": "900", "transportation": "A00",
    "mrt": "A00", "fire": "E00", "land": "C00", "youth": "600", "sports": "900",
    "funeral": "H00", "labor-training": "500", "health-liugui": "B00",
    "traffic-engineering": "A00", "flood-control": "E00", "animal-protection": "E00",
    "pwb-maintenance": "E00", "pwb-new-construction": "E00", "pwb-building": "C00",
    "tax": "800", "pawnshop": "800", "ferry": "A00", "household-sanmin-2": "200",
}


@dataclass
class Plan:
    agency: Agency
    title: str
    keywords: list[str]
    columns: list[str]
    data_year: int | None
    role: str = "open"  # open, withdrawn, draft, restricted
    level: str = "silver"
    new_2018: bool = False
    resources: int = 1
    resources_2018: int = 0  # of them, added during 2018
    published_at: dt.datetime | None = None
    gold_2017: bool = False
    extra: dict = field(default_factory=dict)


def _insert(model, columns: list[str], rows: list[tuple], batch: int = 5000) -> None:
    """Many rows of the demo's largest tables without building a model instance for each
    (a tenth of bulk_create's time); values go through the fields' own conversions."""
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - model metadata
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, [
                [f.get_db_prep_save(value, connection) for f, value in zip(fields, row,
                                                                            strict=True)]
                for row in rows[start:start + batch]])


def _pdf(title: str) -> bytes:
    """A one-page PDF (the scanned-report kind of resource: not machine-readable)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>"]
    stream = f"BT /F1 12 Tf 72 770 Td ({title.encode('ascii', 'ignore').decode()}) Tj ET".encode()
    objects.append(b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream
                   + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj".encode() + body + b"endobj\n")
    start = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{start}\n%%EOF\n"
              .encode())
    return out.getvalue()


class Rows:
    """Made-up rows for a set of columns."""

    def __init__(self, rng, districts: list[str]):
        self.rng = rng
        self.districts = districts

    def value(self, column: str, year: int | None, index: int):
        rng = self.rng
        if column == "年度":
            return year or self.rng.choice(YEARS)
        if column in ("月份", "週別"):
            return index % 12 + 1
        if column in ("區別", "所在區", "里別", "經營區"):
            return self.districts[index % len(self.districts)]
        if column == "經度":
            return round(120.2 + rng.random() * 0.5, 5)
        if column == "緯度":
            return round(22.5 + rng.random() * 0.7, 5)
        if column in ("地址", "路段", "設置地點", "地點"):
            return f"高雄市{self.districts[index % len(self.districts)]}" \
                   f"{rng.choice(words.STREETS)}{rng.randint(1, 400)}號"
        if column.endswith(("電話",)):
            return f"07-{rng.randint(2000000, 8999999)}"
        if column.endswith(("日期", "期間", "時間", "開放時間", "營業時間", "時段")):
            day = dt.date(year or 2018, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
            return day.isoformat()
        if column.endswith(("數", "額", "量", "值", "人次", "金額", "租金", "面積", "長度",
                            "容量", "經費", "費用", "票價", "總價", "稅額", "時數", "深度",
                            "指數", "格位數", "車位數", "床位數")):
            return rng.randint(1, 5000)
        if column.endswith("率"):
            return round(rng.random() * 100, 2)
        if column == "連結":
            return f"https://www.kcg.gov.tw/{rng.randint(1000, 9999)}"
        return f"{rng.choice(words.ROW_WORDS)}{index + 1}"

    def table(self, columns: list[str], year: int | None) -> list[list]:
        count = self.rng.randint(8, 24)
        return [[self.value(c, year, i) for c in columns] for i in range(count)]


def _csv(columns, rows, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xml(columns, rows) -> bytes:
    lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<records>"]
    for row in rows:
        cells = "".join(f"<{c}>{v}</{c}>" for c, v in zip(columns, row, strict=True))
        lines.append(f"<record>{cells}</record>")
    lines.append("</records>")
    return "\n".join(lines).encode("utf-8")


def _xlsx(columns, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _candidates(agencies: dict[str, Agency], offices: list[Agency], districts: list[str]):
    plans: list[Plan] = []
    for code, subjects in words.SUBJECTS.items():
        agency = agencies.get(code)
        if agency is None:
            continue
        for title, keywords, columns, series in subjects:
            if series == words.Y:
                for year in YEARS:
                    plans.append(Plan(agency, f"{year - 1911}年高雄市{title}", keywords,
                                      columns, year))
            elif series == words.D:
                for district in districts:
                    plans.append(Plan(agency, f"高雄市{title}（{district}）", [*keywords, district],
                                      columns, None))
            else:
                plans.append(Plan(agency, f"高雄市{title}", keywords, columns, None))
    for office in offices:
        district = office.name_zh.removeprefix("高雄市").removesuffix("公所")
        for title, keywords, columns in words.DISTRICT_SUBJECTS:
            plans.append(Plan(office, f"{district}{title}", [*keywords, district], columns, None))
    return plans


def _published(rng, plan: Plan) -> dt.datetime:
    if plan.role == "withdrawn":  # published early in 2018, withdrawn later that year
        start, end = dt.date(2018, 1, 5), dt.date(2018, 5, 31)
    elif plan.new_2018:
        start, end = dt.date(2018, 1, 5), dt.date(2018, 12, 10)
    else:
        first = max(dt.date(2013, 3, 1), dt.date(plan.data_year + 1, 1, 10)
                    if plan.data_year else dt.date(2013, 3, 1))
        start, end = min(first, dt.date(2017, 11, 30)), dt.date(2017, 12, 15)
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    return dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)),
                               tzinfo=TAIPEI)


def _spread(rng, total: int, count: int, low: int, high: int) -> list[int]:
    """``count`` numbers in [low, high] that add up to ``total``."""
    values = [low] * count
    left = total - low * count
    while left > 0:
        index = rng.randrange(count)
        if values[index] < high:
            values[index] += 1
            left -= 1
    return values


def _plan(ctx, rng, agencies, offices, districts) -> list[Plan]:
    pool = _candidates(agencies, offices, districts)
    wanted = OPEN_2018 + WITHDRAWN + DRAFTS + RESTRICTED
    latest = [p for p in pool if p.data_year == 2018]
    others = [p for p in pool if p.data_year != 2018]
    rng.shuffle(others)
    chosen = others[:wanted - len(latest)]
    extras, chosen = chosen[:WITHDRAWN + DRAFTS + RESTRICTED], chosen[WITHDRAWN + DRAFTS
                                                                      + RESTRICTED:]
    for plan, role in zip(extras, ["withdrawn"] * WITHDRAWN + ["draft"] * DRAFTS
                          + ["restricted"] * RESTRICTED, strict=True):
        plan.role = role
    opened = latest + chosen
    new_others = rng.sample(chosen, OPEN_2018 - OPEN_2017 - len(latest))
    for plan in [*latest, *new_others]:
        plan.new_2018 = True
    # Labels: gold, silver, bronze in the report's numbers; 17 gold already in 2017.
    order = list(opened)
    rng.shuffle(order)
    for index, plan in enumerate(order):
        plan.level = "gold" if index < GOLD_2018 else "silver" if index < GOLD_2018 + \
            SILVER_2018 else "bronze"
    older_gold = [p for p in order[:GOLD_2018] if not p.new_2018]
    for plan in rng.sample(older_gold, GOLD_2017):
        plan.gold_2017 = True
    # Resources: 3,078 on the older datasets at the end of 2017, 569 added in 2018.
    older = [p for p in opened if not p.new_2018]
    newer = [p for p in opened if p.new_2018]
    added_to_older = RESOURCES_2018 - RESOURCES_2017 - 2 * len(newer) - 60
    for plan, count in zip(older, _spread(rng, RESOURCES_2017, len(older), 1, 5), strict=True):
        plan.resources = count
    for plan, count in zip(newer, _spread(rng, 2 * len(newer) + 60, len(newer), 1, 5),
                           strict=True):
        plan.resources = plan.resources_2018 = count
    for plan in rng.sample(older, added_to_older):
        plan.resources += 1
        plan.resources_2018 = 1
    for plan in extras:
        plan.resources = rng.randint(1, 3)
        plan.level = rng.choice(["gold", "silver"])
    for plan in [*opened, *extras]:
        plan.published_at = _published(rng, plan) if plan.role != "draft" else None
    return [*opened, *extras]


def _formats(plan: Plan, rng) -> list[str]:
    """Formats of a dataset's resources: the label it will earn is in them."""
    open_formats = ["CSV", "JSON", "XML"]
    formats = ["CSV"] + [rng.choice(open_formats) for _ in range(plan.resources - 1)]
    if plan.level == "bronze":
        formats[-1] = "XLSX" if rng.random() < 0.25 else "PDF"
    return formats


def _contact(rng) -> str:
    return rng.choice(words.CONTACT_SURNAMES) + rng.choice(words.CONTACT_GIVEN)


def build(ctx) -> None:
    from django.apps import apps

    from yankao.opendata.reference import load_reference

    load_reference(apps.get_model)  # a flushed test database has lost migration 0002's rows
    rng = ctx.rng_for("opendata")
    city = {a.code: a for a in Agency.objects.exclude(kind__in=[Agency.Kind.OUTSIDE,
                                                                Agency.Kind.DISTRICT_OFFICE])}
    offices = list(Agency.objects.filter(kind=Agency.Kind.DISTRICT_OFFICE)
                   .order_by("sort_order")[:AGENCIES - len(words.SUBJECTS)])
    districts = list(District.objects.order_by("code").values_list("name_zh", flat=True))
    plans = _plan(ctx, rng, city, offices, districts)
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    licence = Licence.objects.get(is_default=True)
    shared_licence = Licence.objects.get(code="agencies-only")
    rows = Rows(rng, districts)
    _XLSX.clear()
    _CHECKED.clear()
    with transaction.atomic():
        publishers = _publishers(rng, {p.agency.pk: p.agency for p in plans})
        for plan in plans:
            plan.agency.opendata_publisher = publishers[plan.agency.pk]
        datasets = _datasets(rng, plans, publishers, categories, licence, shared_licence)
        built = _files_and_checks(ctx, rng, plans, datasets, rows)
        _save_datasets(plans, datasets)
        _save_files(built)
        _history(datasets, built)
        _index(datasets, built)
    _use_and_feedback(ctx, rng, plans, datasets)
    ctx.say(f"  {OPEN_2018} open datasets, {RESOURCES_2018} resources, {GOLD_2018} gold "
            f"(2017: {OPEN_2017}, {RESOURCES_2017}, {GOLD_2017})")


def _publishers(rng, agencies: dict[int, Agency]) -> dict[int, Publisher]:
    publishers = []
    for number, agency in enumerate(sorted(agencies.values(), key=lambda a: a.sort_order),
                                    start=1):
        publishers.append(Publisher(
            agency=agency, oid=f"2.16.886.111.90001.{1000 + number}",
            org_code=f"397{number:06d}A", contact_name=_contact(rng),
            contact_phone=f"07-{rng.randint(3300000, 8399999)}",
            contact_email=f"opendata{number:02d}@demo.yankao.invalid"))
    Publisher.objects.bulk_create(publishers)
    return {p.agency_id: p for p in publishers}


def _datasets(rng, plans, publishers, categories, licence, shared_licence) -> list[Dataset]:
    datasets = []
    serials: dict[int, int] = {}
    for plan in plans:
        publisher = publishers[plan.agency.pk]
        serials[plan.agency.pk] = serials.get(plan.agency.pk, 0) + 1
        identifier = f"{publisher.org_code}-{serials[plan.agency.pk]:06d}"
        created = plan.published_at - dt.timedelta(days=rng.randint(1, 20)) \
            if plan.published_at else dt.datetime(2018, 11, 20, 10, tzinfo=TAIPEI)
        modified = plan.published_at or created
        if plan.resources_2018 and not plan.new_2018:
            modified = dt.datetime(2018, rng.randint(2, 11), rng.randint(1, 28), 14,
                                   tzinfo=TAIPEI)
        code = CATEGORY_OF.get(plan.agency.code, "I00")
        regular = plan.data_year is not None or rng.random() < 0.6
        dataset = Dataset(
            identifier=identifier, name=identifier.lower(), agency=plan.agency,
            title=plan.title, description=(f"{plan.agency.name_zh}提供之{plan.title}，"
                                           f"欄位包括{'、'.join(plan.columns)}。"),
            category=categories[code],
            licence=shared_licence if plan.role == "restricted" else licence,
            access=Dataset.Access.RESTRICTED if plan.role == "restricted"
            else Dataset.Access.PUBLIC,
            update_regular=regular, update_every=1,
            update_unit=rng.choice(["month", "year", "year", "quarter"]) if regular
            else Dataset.Unit.YEAR,
            organization_contact_name=publisher.contact_name,
            organization_contact_phone=publisher.contact_phone,
            organization_contact_email=publisher.contact_email,
            publisher_contact_name=_contact(rng),
            publisher_contact_phone=f"07-{rng.randint(3300000, 8399999)}",
            publisher_contact_email=publisher.contact_email,
            temporal_from=dt.date(plan.data_year, 1, 1) if plan.data_year else None,
            temporal_to=dt.date(plan.data_year, 12, 31) if plan.data_year else None,
            spatial="高雄市", created_at=created, modified_at=modified,
            state={"draft": Dataset.State.DRAFT, "withdrawn": Dataset.State.WITHDRAWN}.get(
                plan.role, Dataset.State.PUBLISHED),
            published_at=plan.published_at,
            version=2 if plan.resources_2018 and not plan.new_2018 else 1)
        if plan.role == "withdrawn":
            dataset.withdrawn_at = dt.datetime(2018, rng.randint(6, 11), 15, 10, tzinfo=TAIPEI)
            dataset.withdrawn_reason = "資料已由新版資料集取代。"
            dataset.modified_at = dataset.withdrawn_at
            dataset.version += 1
        datasets.append(dataset)
    return datasets


def _save_datasets(plans, datasets) -> None:
    """The datasets (their labels and national state already set) and their keywords."""
    for dataset in datasets:
        if dataset.is_public:
            dataset.national_state = Dataset.NationalState.SYNCED
            dataset.national_version = dataset.version
    Dataset.objects.bulk_create(datasets, batch_size=500)
    keywords = {k for plan in plans for k in plan.keywords}
    Tag.objects.bulk_create([Tag(name=k) for k in sorted(keywords)], ignore_conflicts=True)
    saved = {t.name: t.pk for t in Tag.objects.filter(name__in=keywords)}
    _insert(Dataset.tags.through, ["dataset", "tag"], [
        (dataset.pk, saved[keyword]) for plan, dataset in zip(plans, datasets, strict=True)
        for keyword in dict.fromkeys(plan.keywords)])


_XLSX: dict[tuple, bytes] = {}
_CHECKED: dict[tuple, quality.ResourceResult] = {}


def _check(data: bytes, digest: str, format_code: str, charset: str, described: list[str]):
    """The quality checks of a file (one run per distinct file and description)."""
    key = (digest, format_code, charset, tuple(described))
    if key not in _CHECKED:
        _CHECKED[key] = quality.check_bytes(data, format_code=format_code,
                                            character_set=charset, field_names=described)
    return _CHECKED[key]


def _file_bytes(format_code: str, plan: Plan, columns, table, rng) -> tuple[bytes, str]:
    if format_code == "CSV":
        if rng.random() < 0.12:
            try:
                return _csv(columns, table, "cp950"), "BIG5"
            except UnicodeEncodeError:
                pass
        return _csv(columns, table, "utf-8"), "UTF-8"
    if format_code == "JSON":
        records = [dict(zip(columns, row, strict=True)) for row in table]
        return json.dumps(records, ensure_ascii=False).encode("utf-8"), "UTF-8"
    if format_code == "XML":
        return _xml(columns, table), "UTF-8"
    if format_code == "XLSX":
        # Spreadsheets take long to write; agencies' sheets of one shape share one here.
        key = tuple(columns)
        if key not in _XLSX:
            _XLSX[key] = _xlsx(columns, table)
        return _XLSX[key], "UTF-8"
    return _pdf(plan.title), "UTF-8"


@dataclass
class Built:
    """What the bulk build made, kept in memory for the metadata versions and the index."""

    resources: dict = field(default_factory=dict)  # dataset pk → [Resource]
    fields: dict = field(default_factory=dict)  # resource pk → [ResourceField]
    keywords: dict = field(default_factory=dict)  # dataset pk → [str]
    attachments: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # the Resource rows
    field_rows: list = field(default_factory=list)
    assessments: list = field(default_factory=list)


def _files_and_checks(ctx, rng, plans, datasets, rows) -> Built:
    """One stored file per shape (columns and format), shared by the datasets of that
    shape; each resource has its own attachment record pointing at it."""
    built = Built()
    attachments, resources, fields = [], [], []
    stored: dict[tuple, tuple[str, bytes, str, str]] = {}
    with ctx.progress("opendata files", len(plans)) as bar:
        for plan, dataset in zip(plans, datasets, strict=True):
            built.keywords[dataset.pk] = list(dict.fromkeys(plan.keywords))
            first_2018 = plan.resources - plan.resources_2018
            for position, format_code in enumerate(_formats(plan, rng), start=1):
                key = (tuple(plan.columns), format_code)
                if key not in stored:
                    table = rows.table(plan.columns, plan.data_year)
                    data, charset = _file_bytes(format_code, plan, plan.columns, table, rng)
                    name = default_storage.save(
                        f"attachments/demo/{uuid.uuid4()}.{format_code.lower()}",
                        ContentFile(data))
                    stored[key] = (name, data, charset, hashlib.sha256(data).hexdigest())
                name, data, charset, digest = stored[key]
                described = list(plan.columns)
                if plan.level == "silver" and position == 1:
                    described[-1] = described[-1] + "（單位）"  # does not name the column
                added = dataset.published_at or dataset.created_at
                if position > first_2018 and not plan.new_2018:
                    added = dataset.modified_at
                attachment = Attachment(
                    file=name, original_name=f"{dataset.identifier}-{position:03d}."
                    f"{format_code.lower()}", content_type=FORMATS[format_code].media_type,
                    extension=format_code.lower(), size=len(data), sha256=digest,
                    agency=dataset.agency, created_at=added)
                result = _check(data, digest, format_code, charset, described)
                attachments.append(attachment)
                resource = Resource(
                    dataset=dataset, position=position,
                    identifier=f"{dataset.identifier}-{position:03d}",
                    description=f"{format_code} 檔案", format=format_code,
                    kind=Resource.Kind.FILE, attachment=attachment, character_set=charset,
                    created_at=added, modified_at=added, checks=result.as_json(),
                    checked_at=CHECKED_2018 if dataset.published_at else None)
                resources.append(resource)
                built.resources.setdefault(dataset.pk, []).append(resource)
                built.fields[resource.pk] = [
                    ResourceField(position=number, name=column, description=f"{column}欄位")
                    for number, column in enumerate(described, start=1)]
                fields.extend((resource.pk, f.position, f.name, f.description)
                              for f in built.fields[resource.pk])
            bar.update(1)
    built.attachments, built.rows, built.field_rows = attachments, resources, fields
    assessments = []
    for plan, dataset in zip(plans, datasets, strict=True):
        if not dataset.published_at:
            continue
        dataset.quality = quality.level_of([r.checks["results"]
                                            for r in built.resources[dataset.pk]])
        dataset.quality_checked_at = CHECKED_2018
        assessments.append((dataset.pk, CHECKED_2018, dataset.quality, {}))
        if dataset.published_at < CHECKED_2017:
            level = "gold" if plan.gold_2017 else "bronze" if dataset.quality == "bronze" \
                else "silver"
            assessments.append((dataset.pk, CHECKED_2017, level, {} if level == "gold" else {
                "failed": [{"resource": f"{dataset.identifier}-001", "check": "fields",
                            "note": "欄位說明與檔案欄位不符"}]}))
    built.assessments = assessments
    return built


def _save_files(built: Built) -> None:
    Attachment.objects.bulk_create(built.attachments, batch_size=1000)
    for resource in built.rows:
        resource.attachment_id = resource.attachment.pk
    Resource.objects.bulk_create(built.rows, batch_size=1000)
    _insert(ResourceField, ["resource", "position", "name", "description"], built.field_rows)
    _insert(QualityAssessment, ["dataset", "assessed_at", "level", "findings"],
            built.assessments)


def _history(datasets, built: Built) -> None:
    """Metadata versions, and the record of what went to the national portal in 2018."""
    versions, pushes = [], []
    start_2018 = dt.datetime(2018, 1, 1, tzinfo=TAIPEI)

    def fields_of(resource):
        return built.fields[resource.pk]

    for dataset in datasets:
        resources = built.resources[dataset.pk]
        keywords = built.keywords[dataset.pk]
        if dataset.version > 1 and dataset.state != Dataset.State.WITHDRAWN:
            versions.append(DatasetVersion(
                dataset=dataset, version=1, changed_at=dataset.published_at, note="發布",
                metadata=national_metadata(
                    dataset, resources=[r for r in resources if r.created_at < start_2018],
                    keywords=keywords, fields_of=fields_of)))
        versions.append(DatasetVersion(
            dataset=dataset, version=dataset.version, changed_at=dataset.modified_at,
            metadata=national_metadata(dataset, resources=resources, keywords=keywords,
                                       fields_of=fields_of),
            note={"draft": "草稿", "withdrawn": "下架"}.get(dataset.state, "發布")))
        if dataset.is_public:
            pushes.append(NationalPush(
                dataset=dataset, operation=NationalPush.Operation.CREATE,
                version=dataset.version, outcome=NationalPush.Outcome.SUCCEEDED,
                http_status=200, created_at=dataset.modified_at + dt.timedelta(minutes=10)))
    DatasetVersion.objects.bulk_create(versions, batch_size=500)
    NationalPush.objects.bulk_create(pushes, batch_size=1000)


def _index(datasets, built: Built) -> None:
    from yankao.opendata.services.search import search_index_many

    search_index_many([d for d in datasets if d.state == Dataset.State.PUBLISHED],
                      resources_of=lambda d: built.resources[d.pk],
                      keywords_of=lambda d: built.keywords[d.pk],
                      fields_of=lambda r: built.fields[r.pk])


def _use_and_feedback(ctx, rng, plans, datasets) -> None:
    """Views and downloads of 2018 (by the scale), requests and comments with answers, and
    the restricted datasets shared with other agencies."""
    from yankao.core.models import Role
    from yankao.opendata.services.feedback import (
        data_request_submit,
        dataset_comment_submit,
        feedback_answer,
        feedback_moderate,
    )
    from yankao.opendata.services.sharing import share_download, share_grant, share_link_create

    usage = []
    public = [d for d in datasets if d.is_public]
    for dataset in public:
        weight = rng.paretovariate(1.3)
        for month in range(1, 13):
            day = dt.date(2018, month, 1)
            if dataset.published_at.date() > dt.date(2018, month, 28):
                continue
            views = int(weight * rng.randint(10, 30) * ctx.scale + rng.random())
            downloads = round(views * rng.uniform(0.2, 0.5))
            if views or downloads:
                usage.append((dataset.pk, day, views, downloads))
    _insert(DatasetUsage, ["dataset", "month", "views", "downloads"], usage)
    evaluator = get_user_model().objects.filter(
        memberships__role=Role.EVALUATOR, memberships__active=True).first()
    for number in range(ctx.scaled(120)):
        moment = dt.datetime(2018, 1, 8, 10, tzinfo=TAIPEI) + dt.timedelta(
            days=rng.randint(0, 330), hours=rng.randint(0, 8))
        title = words.REQUEST_TITLES[number % len(words.REQUEST_TITLES)]
        item = data_request_submit(actor=None, title=title,
                                   body=f"希望能提供{title}，最好是 CSV 或 API。",
                                   display_name=rng.choice(["", "市民", "開發者"]),
                                   submitted_at=moment)
        agency = rng.choice(public).agency
        item = feedback_moderate(actor=evaluator, item=item, publish=rng.random() < 0.9,
                                 agency=agency, reason="與開放資料無關",
                                 moderated_at=moment + dt.timedelta(days=1))
        if item.status == item.Status.OPEN and rng.random() < 0.85:
            late = rng.random() < 0.1
            feedback_answer(actor=None, item=item, answer="已列入明年度開放規劃，將於平臺公布。",
                            answered_at=item.due_at + dt.timedelta(days=2) if late
                            else item.due_at - dt.timedelta(days=rng.randint(1, 5)))
    for _number in range(ctx.scaled(240)):
        dataset = rng.choice(public)
        moment = max(dataset.published_at, dt.datetime(2018, 1, 2, tzinfo=TAIPEI)) + \
            dt.timedelta(days=rng.randint(1, 60))
        if moment.year > 2018:
            continue
        item = dataset_comment_submit(actor=None, dataset=dataset,
                                      body=rng.choice(words.COMMENT_TEXTS), submitted_at=moment)
        item = feedback_moderate(actor=evaluator, item=item, publish=True,
                                 moderated_at=moment + dt.timedelta(hours=20))
        if rng.random() < 0.8:
            feedback_answer(actor=None, item=item, answer="感謝建議，已修正並更新資料。",
                            answered_at=item.due_at - dt.timedelta(days=1))
    restricted = [d for d in datasets if d.access == Dataset.Access.RESTRICTED]
    receivers = list(Agency.objects.filter(kind=Agency.Kind.FIRST_LEVEL).order_by("sort_order"))
    from django.utils import timezone

    for dataset in restricted:
        receiver = next(a for a in receivers if a.pk != dataset.agency_id)
        grant = share_grant(actor=None, dataset=dataset, agency=receiver,
                            purpose="跨機關業務分析", expires_at=timezone.now()
                            + dt.timedelta(days=180))
        _link, token = share_link_create(actor=None, grant=grant)
        first = dataset.resources.order_by("position").first()
        share_download(token=token, resource_id=first.pk)
