"""A real city set up from its data files, without the demo (``yankao city setup``)."""

import csv
import shutil
from pathlib import Path

import pytest

from yankao.core.cities import CITIES_DIR, CityDataError
from yankao.core.errors import DomainError
from yankao.core.imports import find_importer, no_progress
from yankao.core.models import Agency, AuditEvent, City, District, Membership
from yankao.core.services.city import city_setup

pytestmark = pytest.mark.django_db
TAINAN_TSV = (Path(__file__).resolve().parents[2] / "servicedesk" / "data"
              / "tainan-open1999-categories-2015.tsv")


def write_csv(path: Path, rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def tainan(tmp_path) -> Path:
    """A second city's folder written as a city would: Tainan's own agencies and two
    districts, and the categories of Tainan's Open1999 list (2015)."""
    folder = tmp_path / "tainan"
    folder.mkdir()
    (folder / "city.toml").write_text(
        'code = "tainan"\nname_zh = "臺南市"\nname_en = "Tainan City"\n'
        'government_zh = "臺南市政府"\n\n[[programs.policy]]\neffective_from = 2015-01-01\n'
        'delay_minor_points = "4"\ndelay_severe_points = "8"\nreport_due_day = 5\n',
        encoding="utf-8")
    write_csv(folder / "agencies.csv", [
        ["code", "parent_code", "kind", "name_zh", "name_en", "short_name_zh"],
        ["rdec", "", "first_level", "臺南市政府研究發展考核委員會", "RDEC", "研考會"],
        ["works", "", "first_level", "臺南市政府工務局", "Public Works Bureau", "工務局"],
        ["epb", "", "first_level", "臺南市政府環境保護局", "Environmental Protection Bureau",
         "環保局"],
        ["district-west", "", "district_office", "臺南市中西區區公所", "West Central District",
         "中西區公所"],
        ["district-east", "", "district_office", "臺南市東區區公所", "East District",
         "東區公所"]])
    write_csv(folder / "districts.csv", [
        ["code", "name_zh", "name_en", "office_code", "latitude", "longitude"],
        ["700", "中西區", "West Central", "district-west", "22.9920", "120.1980"],
        ["701", "東區", "East", "district-east", "22.9800", "120.2240"]])
    with TAINAN_TSV.open(encoding="utf-8") as handle:
        pairs = [(r["service_name"].strip(), r["subproject"].strip())
                 for r in csv.DictReader(handle, delimiter="\t")]
    mains = sorted({main for main, _sub in pairs if main})
    rows = [["code", "main_code", "kind", "name_zh", "name_en", "agency_code"]]
    rows += [[f"TN-M{i}", "", "dispatch", main, main, ""] for i, main in enumerate(mains)]
    seen = set()
    for main, sub in pairs:
        if main and sub and (main, sub) not in seen:
            seen.add((main, sub))
            rows.append([f"TN-{len(seen):03d}", f"TN-M{mains.index(main)}", "dispatch", sub,
                         sub, "epb" if main in ("噪音舉發", "髒亂及污染") else "works"])
    write_csv(folder / "servicedesk" / "categories.csv", rows)
    write_csv(folder / "servicedesk" / "routing.csv",
              [["category_code", "district_code", "agency_code"]]
              + [[row[0], "", row[5]] for row in rows[1:] if row[1]])
    write_csv(folder / "servicedesk" / "deadlines.csv", [
        ["kind", "category_code", "unit", "amount", "valid_from"],
        ["dispatch", "", "hours", "24", "2015-01-01"],
        ["petition", "", "working_days", "6", "2015-01-01"]])
    return folder


def test_kaohsiung_is_set_up_from_its_files_and_again_changes_nothing():
    lines = city_setup(actor=None)
    assert lines[0].startswith("高雄市 (Kaohsiung City)")
    assert "  core: agencies: 88 (88 new, 0 changed)" in lines
    assert "  servicedesk: categories: 24 main, 93 sub (117 new, 0 changed)" in lines
    assert any(line.startswith("  works: works policy from 2000-01-01") for line in lines)
    city = City.objects.get()
    assert (city.code, city.demo) == ("kaohsiung", False)
    events = AuditEvent.objects.count()
    again = city_setup(actor=None)
    assert "  core: agencies: 88 (0 new, 0 changed)" in again
    assert AuditEvent.objects.count() == events


def test_a_second_city_in_the_same_format(tmp_path):
    from yankao.programs.selectors import control_policy_for
    from yankao.servicedesk.models import Category, DeadlineRule

    lines = city_setup(actor=None, folder=tainan(tmp_path))
    assert lines[0].startswith("臺南市 (Tainan City)")
    assert Agency.objects.count() == 5 and District.objects.count() == 2
    noise = Category.objects.get(name_zh="場所連續噪音", parent__name_zh="噪音舉發")
    assert noise.parent.name_zh == "噪音舉發" and noise.default_agency.code == "epb"
    assert noise.rules.get().agency.code == "epb"
    assert DeadlineRule.objects.get(kind="dispatch").amount == 24
    import datetime as dt
    assert control_policy_for(dt.date(2018, 1, 1)).report_due_day == 5
    # Another city's folder does not go into this database.
    with pytest.raises(DomainError, match="holds 臺南市"):
        city_setup(actor=None)


def test_mistakes_are_listed_with_file_row_and_column_and_nothing_is_saved(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(CITIES_DIR / "kaohsiung", folder)
    with (folder / "agencies.csv").open("a", encoding="utf-8") as handle:
        handle.write("mrt-taipei,,first_level,臺北市政府捷運工程局,Taipei MRT,捷運局\n"
                     "ghost,nowhere,second_level,高雄市幽靈處,Ghosts,幽靈處\n")
    categories = folder / "servicedesk" / "categories.csv"
    categories.write_text(categories.read_text(encoding="utf-8").replace(
        "KH-001,M-streetlight,dispatch", "KH-001,M-streetlight,hazard"), encoding="utf-8")
    with pytest.raises(CityDataError) as raised:
        city_setup(actor=None, folder=folder)
    assert raised.value.problems == [
        "agencies.csv row 90, column name_zh: '臺北市政府捷運工程局' is an agency of 臺北市, "
        "not of 高雄市",
        "agencies.csv row 91, column parent_code: no agency 'nowhere'",
    ]
    assert Agency.objects.count() == 0 and not City.objects.exists()
    # With the agencies right, the category's mistake is found.
    shutil.copy(CITIES_DIR / "kaohsiung" / "agencies.csv", folder / "agencies.csv")
    with pytest.raises(CityDataError) as raised:
        city_setup(actor=None, folder=folder)
    assert raised.value.problems == [
        "servicedesk/categories.csv row 11, column kind: must be one of consultation, "
        "petition, mailbox, dispatch, not 'hazard'"]
    assert Agency.objects.count() == 0


def test_the_demo_banner_shows_only_where_the_demo_was_loaded(client):
    city_setup(actor=None)
    banner = "示範城市：資料皆為程式產生"
    assert banner not in client.get("/").content.decode()
    City.objects.update(demo=True)
    assert banner in client.get("/").content.decode()


def staff_file(tmp_path, *rows) -> Path:
    path = tmp_path / "staff.csv"
    write_csv(path, [["username", "last_name", "first_name", "email", "agency_code", "role"],
                     *rows])
    return path


def test_staff_and_their_roles_from_a_spreadsheet(tmp_path):
    city_setup(actor=None)
    path = staff_file(tmp_path,
                      ["lin", "林", "雅婷", "lin@city.example", "rdec", "evaluator"],
                      ["chang", "張", "家豪", "", "pwb-maintenance", "officer"],
                      ["chang", "", "", "", "pwb-maintenance", "section_chief"])
    importer = find_importer("staff", "csv")
    result = importer(path, actor=None, progress=no_progress)
    assert (result.created, result.rejected) == (3, [])
    roles = sorted(Membership.objects.values_list("user__username", "agency__code", "role"))
    assert roles == [("chang", "pwb-maintenance", "officer"),
                     ("chang", "pwb-maintenance", "section_chief"),
                     ("lin", "rdec", "evaluator")]
    assert importer(path, actor=None, progress=no_progress).unchanged == 3


def test_a_staff_file_of_another_city_is_refused_whole(tmp_path):
    city_setup(actor=None)
    path = staff_file(tmp_path,
                      ["wang", "王", "小明", "", "rdec", "officer"],
                      ["tp1", "陳", "大文", "", "taipei-dot", "officer"],
                      ["tp2", "李", "四", "not-mail", "rdec", "mayor"])
    result = find_importer("staff", "csv")(path, actor=None, progress=no_progress)
    assert [(r.row, r.label) for r in result.rejected] == [
        (3, "agency_code: no agency 'taipei-dot' in this city"),
        (4, "role: must be one of operator, registrar, officer, section_chief, evaluator, "
            "inspector, administrator, not 'mayor'"),
        (4, "email: not an e-mail address: 'not-mail'")]
    assert result.created == 0 and not Membership.objects.exists()
