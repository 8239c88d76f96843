"""Builders for works records in tests."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yankao.works.services.inspections import DefectEntry, InspectorEntry, MaterialTestEntry
from yankao.works.services.tenders import tender_save

CURVE_2018 = [{"month": f"2018-{month:02d}", "percent": percent}
              for month, percent in zip(range(1, 13), [5, 12, 20, 30, 42, 55, 66, 76, 85, 92,
                                                       97, 100], strict=True)]


def make_tender(agency, number="1070101-01", amount=12_000_000, **overrides):
    values = dict(
        actor=None, agency=agency, pcc_number=number, title="三民區建工路人行道改善工程",
        budget_amount=int(amount * 1.1), contract_amount=amount,
        awarded_on=dt.date(2017, 12, 20), contractor="宏昌營造股份有限公司",
        supervisor="高雄市政府工務局養護工程處", start_date=dt.date(2018, 1, 2),
        end_date=dt.date(2018, 12, 31), planned_curve=CURVE_2018, location="建工路",
    )
    values.update(overrides)
    return tender_save(**values)


def image_upload(name="photo.jpg", color=(200, 120, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def fake_image_upload(name="photo.jpg") -> SimpleUploadedFile:
    """A PDF with an image name and type: refused by its content."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="image/jpeg")


def record(tender, *, scores=(82, 85, 80), defects=(), tests=(), day=dt.date(2018, 5, 15),
           actor=None, **kwargs):
    from yankao.works.services.inspections import inspection_record

    return inspection_record(
        actor=actor, tender=tender, inspected_on=day,
        inspectors=[InspectorEntry(name=f"委員{index}", score=score)
                    for index, score in enumerate(scores, start=1)],
        defects=[DefectEntry(**defect) if isinstance(defect, dict) else defect
                 for defect in defects],
        tests=[MaterialTestEntry(*test) if isinstance(test, tuple) else test for test in tests],
        **kwargs,
    )
