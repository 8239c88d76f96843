"""Importing a catalogue from the national metadata JSON, shaped as the portal's own
example (資料集詮釋資料 JSON 範例, version-2 names) and as the exchange specification's
(version-1 names). Bad records are refused with the field named, and leave nothing."""

import json

import pytest

from yankao.core.imports import find_importer
from yankao.opendata.models import Dataset, Resource

pytestmark = pytest.mark.django_db


def record(**overrides) -> dict:
    value = {
        "categoryService": "I00", "identifier": "397000001A-000042",
        "title": "路燈設置清冊", "description": "本市路燈之位置與型式。", "type": "rawData",
        "license": "1", "cost": "free",
        "publisherOID": "2.16.886.111.90001.1001|高雄市政府工務局養護工程處",
        "publisherContactName": "陳負責人", "publisherContactPhone": "07-3368333#123",
        "publisherContactEmail": "lights@example.invalid",
        "updateFrequency": {"regularupdate": "1", "Frequency": "1", "unittime": "月"},
        "coverageStartedDate": "2014-01-01", "coverageEndedDate": "",
        "publishedDate": "2015-11-01", "modifiedDate": "2018-04-21 15:43:26",
        "spatialCoverage": "高雄市", "language": "zh", "keyword": ["路燈", "照明"],
        "distribution": [{
            "resourceDescription": "每月更新", "format": "CSV", "characterSetCode": "UTF-8",
            "downloadURL": "https://opendata.example.invalid/lights.csv",
            "resourceField": [{"name": "編號", "description": ""},
                              {"name": "地址", "description": ""}]}],
    }
    value.update(overrides)
    return value


def run(tmp_path, records, officer):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"success": True, "result": records}, ensure_ascii=False))
    return find_importer("datasets", "json")(path, actor=officer)


def test_a_catalogue_imports_publishes_and_imports_again_unchanged(tmp_path, officer,
                                                                    publishers):
    v1 = record(identifier="397000001A-000043", title="路燈報修", updateFrequency=None,
                accrualPeriodicity="每日", categoryService=None, categoryCode="E00",
                fieldDescription="日期、地點、狀態", license="OGDL-Taiwan-1.0",
                distribution=[{"resourceDescription": "API", "format": "json",
                               "characterSetCode": "UTF8",
                               "accessURL": "https://opendata.example.invalid/api"}])
    result = run(tmp_path, [record(), v1], officer)
    assert (result.created, result.rejected) == (2, [])
    lights = Dataset.objects.get(identifier="397000001A-000042")
    assert lights.state == Dataset.State.PUBLISHED and lights.update_unit == "month"
    assert lights.organization_contact_name == "陳負責人"
    resource = Resource.objects.get(dataset=lights)
    assert resource.kind == "link" and [f.name for f in resource.fields.all()] == ["編號", "地址"]
    reports = Dataset.objects.get(identifier="397000001A-000043")
    assert (reports.update_unit, reports.category.code) == ("day", "E00")
    assert [f.name for f in reports.resources.get().fields.all()] == ["日期", "地點", "狀態"]
    again = run(tmp_path, [record(), v1], officer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run(tmp_path, [record(title="路燈設置清冊（全市）")], officer)
    assert changed.updated == 1


def test_bad_records_are_refused_naming_the_field_and_leave_nothing(tmp_path, officer,
                                                                    publishers):
    bad = [
        record(identifier="397000001A-000050", publisherOID="2.16.886.0x1.5"),
        record(identifier="397000001A-000051", publisherOID="2.16.886.111.99999.1"),
        record(identifier="397000001A-000052", license="CC-BY-NC-4.0"),
        record(identifier="397000001A-000053", categoryService="K99"),
        record(identifier="397000001A-000054", description=""),
        record(identifier="397000001A-000055", distribution=[{"format": "CSV"}]),
        record(identifier="ABC-1"),
    ]
    result = run(tmp_path, bad, officer)
    reasons = [rejected.reason.split(":", 1)[0] for rejected in result.rejected]
    assert reasons == ["publisherOID", "publisherOID", "licence", "categoryService",
                       "description", "distribution[1].downloadURL", "identifier"]
    assert not Dataset.objects.exists() and not Resource.objects.exists()


def test_only_the_agency_imports_its_datasets(tmp_path, epb_officer, publishers):
    result = run(tmp_path, [record()], epb_officer)
    assert result.created == 0 and len(result.rejected) == 1
    assert not Dataset.objects.exists()
