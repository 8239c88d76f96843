"""Kaohsiung's Open1999 file as the city publishes it: the real sample of 300 records, and
rows shaped like it for what the sample shows only once or not at all (midnight and noon
in 上午/下午, snapshots out of order, status 9, empty coordinates, names to map)."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from yankao.core.calendar import TAIPEI
from yankao.core.imports import find_importer, no_progress
from yankao.servicedesk.models import Assignment, AssignmentStatus, Case, CaseStatus, Category

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "fixtures" / "published" / "kaohsiung-open1999-sample-300.json"


def run(path, fmt="open1999-json", kind="cases"):
    with translation.override("en"):
        return find_importer(kind, fmt)(path, actor=None, progress=no_progress)


def record(**values):
    """One record as the city's API publishes it: every key, every value a string."""
    base = {"FileNo_": "INS170821001", "Status_": "3", "Cre_Date_": "2017/8/21 上午 09:00:00",
            "ReplyUnit_": "B01000", "zipcode_": "802", "ZipName_": "苓雅區", "address_": "四維三路",
            "UnitName_": "養工處", "StatusName_": "待處理", "InformDesc_": "路面坑洞(一)",
            "BeforeDesc_": "（已去識別化）", "AfterDesc_": "", "Memo_": "", "Save_Date_": "",
            "Close_Date_": "", "Lat_": "", "Lng_": ""}
    return base | values


def write(tmp_path, records, name="cases.json") -> Path:
    path = tmp_path / name
    # As published: a list, 2-space indent, CRLF line ends, UTF-8.
    path.write_bytes(json.dumps(records, ensure_ascii=False, indent=2)
                     .replace("\n", "\r\n").encode())
    return path


def local(moment):
    return moment.astimezone(TAIPEI).replace(tzinfo=None).isoformat(sep=" ")


def test_the_real_sample_goes_in_but_for_the_rows_without_a_category(catalogue, city):
    records = json.loads(SAMPLE.read_text(encoding="utf-8"))
    without = [n for n, r in enumerate(records, start=1) if not r["InformDesc_"].strip()]
    result = run(SAMPLE)
    assert result.read == 300 and len(without) == 77
    assert result.created == 223 and result.unmapped == []
    assert [(r.row, r.label) for r in result.rejected] == \
        [(n, "InformDesc_: no category") for n in without]
    assert [n.label for n in result.notes] == [
        "Status_: undocumented code '9' read by its StatusName_ '解除管制' as closed"] * 2
    cases = {c.external_id: c for c in Case.objects.select_related("agency", "category")}
    for number, item in enumerate(records, start=1):
        if number in without:
            assert item["FileNo_"] not in cases
            continue
        case = cases[item["FileNo_"]]
        assert case.category.name_zh == item["InformDesc_"]
        assert case.district.code == item["zipcode_"]
        assert (case.latitude is None) == (not item.get("Lat_"))
        if item["Status_"] not in ("1", "2"):
            assert case.agency is not None
    # 上午 12 is just after midnight, 下午 12 just after noon, in Taipei time.
    assert local(cases["INS170102004"].registered_at) == "2017-01-02 00:55:41"
    assert local(cases["INS170821139"].registered_at) == "2017-08-21 16:25:22"
    noon = next(r for r in records if r["Cre_Date_"].startswith("2017/8/21 下午 12:")
                and r["InformDesc_"])
    assert local(cases[noon["FileNo_"]].registered_at).startswith("2017-08-21 12:")
    # Status 9 (解除管制) is closed; with no closing time it closes when registered.
    nine = cases["INS161115063"]
    assert nine.status == CaseStatus.CLOSED and nine.closed_at == nine.registered_at
    # No closed case is left waiting in an agency's inbox.
    assert not Assignment.objects.filter(
        case__status=CaseStatus.CLOSED,
        status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS]).exists()
    again = run(SAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 223)


def test_midnight_and_noon_in_the_twelve_hour_form(catalogue, tmp_path):
    rows = [record(FileNo_="A1", Cre_Date_="2017/7/1 上午 12:00:00"),
            record(FileNo_="A2", Cre_Date_="2017/7/1 上午 11:59:59"),
            record(FileNo_="A3", Cre_Date_="2017/7/1 下午 12:00:00"),
            record(FileNo_="A4", Cre_Date_="2017/7/1 下午 11:59:59"),
            record(FileNo_="A5", Cre_Date_="2017/7/1 下午 13:00:00")]
    result = run(write(tmp_path, rows))
    assert result.created == 4
    assert [(r.row, r.label) for r in result.rejected] == \
        [(5, "Cre_Date_: not a date: '2017/7/1 下午 13:00:00'")]
    times = {c.external_id: local(c.registered_at) for c in Case.objects.all()}
    assert times == {"A1": "2017-07-01 00:00:00", "A2": "2017-07-01 11:59:59",
                     "A3": "2017-07-01 12:00:00", "A4": "2017-07-01 23:59:59"}


def test_the_latest_snapshot_wins_in_one_file_and_across_files(catalogue, tmp_path, city):
    done = record(FileNo_="S1", Status_="4", StatusName_="處理完成", AfterDesc_="已修復",
                  Save_Date_="2017/8/21 上午 10:00:00")
    reopened = record(FileNo_="S1", Status_="3", StatusName_="待處理",
                      Save_Date_="2017/8/21 上午 11:30:00")
    first = record(FileNo_="S1", Status_="2", StatusName_="待確認",
                   Save_Date_="2017/8/21 上午 09:05:00")
    # In one file, out of order: the reopened state (the latest save) wins.
    result = run(write(tmp_path, [done, reopened, first]))
    assert (result.created, result.superseded) == (1, 2)
    case = Case.objects.get(external_id="S1")
    assert case.status == CaseStatus.ASSIGNED
    assert case.assignments.get().status == AssignmentStatus.ASSIGNED
    # A later file closes it; the case and its unit's assignment follow.
    closed = record(FileNo_="S1", Status_="5", StatusName_="解除管制",
                    Save_Date_="2017/8/21 下午 01:00:00", Close_Date_="2017/8/21 下午 02:00:00")
    assert run(write(tmp_path, [closed], "later.json")).updated == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert local(case.closed_at) == "2017-08-21 14:00:00"
    assert case.assignments.get().status == AssignmentStatus.REPLIED
    # An older file imported afterwards changes nothing.
    older = run(write(tmp_path, [done], "older.json"))
    assert (older.updated, older.superseded) == (0, 1)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_snapshots_in_different_batches(catalogue, tmp_path, monkeypatch):
    from yankao.servicedesk.imports import pipeline

    monkeypatch.setattr(pipeline, "BATCH", 2)
    rows = [record(FileNo_="B1", Status_="5", StatusName_="解除管制",
                   Save_Date_="2017/8/21 下午 03:00:00", Close_Date_="2017/8/21 下午 03:10:00"),
            record(FileNo_="B2"), record(FileNo_="B3"), record(FileNo_="B4"),
            record(FileNo_="B1", Status_="4", StatusName_="處理完成",
                   Save_Date_="2017/8/21 下午 02:00:00"),
            record(FileNo_="B3", Status_="4", StatusName_="處理完成",
                   Save_Date_="2017/8/21 下午 02:00:00")]
    result = run(write(tmp_path, rows))
    assert (result.created, result.updated, result.superseded) == (4, 1, 1)
    states = dict(Case.objects.values_list("external_id", "status"))
    assert states == {"B1": CaseStatus.CLOSED, "B2": CaseStatus.ASSIGNED,
                      "B3": CaseStatus.FIELD_REPORTED, "B4": CaseStatus.ASSIGNED}


def test_empty_coordinates_and_missing_keys(catalogue, tmp_path):
    early = record(FileNo_="C1")
    del early["Lat_"], early["Lng_"]  # files before mid-2017 have no such keys
    rows = [early, record(FileNo_="C2", Lat_="22.622", Lng_="120.312"),
            record(FileNo_="C3", Lat_="0", Lng_="0"), record(FileNo_="C4", Lat_="22.6")]
    result = run(write(tmp_path, rows))
    assert result.created == 4
    assert [n.label for n in result.notes] == [
        "lat: location left out: Give both latitude and longitude."]
    points = dict(Case.objects.values_list("external_id", "latitude"))
    assert points["C2"] is not None
    assert points["C1"] is points["C3"] is points["C4"] is None


def test_unknown_names_become_a_mapping_the_city_completes(catalogue, city, tmp_path):
    rows = [record(FileNo_="M1", InformDesc_="養工-路燈不亮（二）"),
            record(FileNo_="M2", InformDesc_="養工-路燈不亮（二）", UnitName_="養工處第三隊"),
            record(FileNo_="M3", InformDesc_="路面坑洞（一）")]  # full-width brackets
    path = write(tmp_path, rows)
    result = run(path)
    assert result.created == 3 and result.rejected == []
    assert [(u.column, u.value, u.rows) for u in result.unmapped] == [
        ("category", "養工-路燈不亮（二）", 2), ("agency", "養工處第三隊", 1)]
    assert Case.objects.get(external_id="M3").category.name_zh == "路面坑洞(一)"
    placeholder = Case.objects.get(external_id="M1").category
    assert not placeholder.public and placeholder.code.startswith("IMP-")
    # The city completes the mapping file and imports the cases again.
    target = Category.objects.get(name_zh="養工-路燈故障(二)")
    text = result.mapping_csv().decode("utf-8-sig").splitlines()
    assert text[0] == "source,column,value,rows,placeholder,code"
    completed = [text[0], text[1] + target.code, text[2] + "pwb-maintenance"]
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("\n".join(completed), encoding="utf-8")
    loaded = run(mapping, fmt="csv", kind="mapping")
    assert (loaded.created, loaded.rejected) == (2, [])
    again = run(path)
    assert (again.updated, again.unmapped) == (2, [])
    moved = Case.objects.get(external_id="M2")
    assert moved.category == target and moved.agency == city["pwb-maintenance"]
    assert moved.assignments.get().agency == city["pwb-maintenance"]


def test_a_mapping_to_a_code_that_does_not_exist_is_refused(catalogue, tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source,column,value,code\nopen1999,category,飛碟降落,KH-999\n"
                       "open1999,agency,外星局,\nopen1999,unit,x,KH-001\n", encoding="utf-8")
    result = run(mapping, fmt="csv", kind="mapping")
    assert [(r.row, r.label) for r in result.rejected] == [
        (2, "code: no sub-category with this service code: 'KH-999'"),
        (4, "column: must be category or agency, not 'unit'")]
    assert [n.label for n in result.notes] == ["code: no code yet; left unmapped"]
