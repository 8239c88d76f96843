"""Helpers for the open-data tests: files shaped as agencies publish them, and a dataset
made through the services."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from yankao.opendata.models import ServiceCategory
from yankao.opendata.services.catalogue import dataset_create, dataset_publish, resource_add

COLUMNS = ["年度", "區別", "路燈數", "報修件數"]
ROWS = [[2018, "新興區", 1520, 33], [2018, "苓雅區", 2210, 41], [2018, "鳳山區", 4103, 87]]


def csv_bytes(columns=COLUMNS, rows=ROWS, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def xlsx_bytes(columns=COLUMNS, rows=ROWS) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def metadata(**overrides) -> dict:
    values = {
        "description": "各行政區路燈數與報修件數。",
        "category": ServiceCategory.objects.get(code="E00"),
        "update_regular": True, "update_every": 1, "update_unit": "month",
        "spatial": "高雄市",
    }
    values.update(overrides)
    return values


def publish_dataset(actor, agency, *, title: str, keywords=(), access: str = "public",
                    licence=None, data: bytes | None = None, fields=None, **overrides):
    """Create, add one CSV and publish (the quality checks run on commit)."""
    extra = {"access": access} if access != "public" else {}
    dataset = dataset_create(actor=actor, agency=agency, title=title, keywords=keywords,
                             licence=licence, **metadata(**overrides), **extra)
    resource_add(actor=actor, dataset=dataset, description="CSV 檔案", format="CSV",
                 upload=upload(data or csv_bytes()),
                 fields=fields if fields is not None else [(c, f"{c}說明") for c in COLUMNS])
    return dataset_publish(actor=actor, dataset=dataset)
