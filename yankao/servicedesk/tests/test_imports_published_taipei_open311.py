"""Taipei's petition CSV and Open311 XML as cities publish them: Big5 and UTF-8 with a
byte-order mark, ROC dates in 上午/下午, full-width digits, trailing spaces in headers and
cells, a trailing comma on every line, a quoted name with a comma, an XML document declared
Big5. Each file comes in both encodings (fixtures/published/); both must give the same
cases. A file naming another city's agencies is refused whole, its rows named."""

from pathlib import Path

import pytest
from django.utils import translation

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.core.imports import find_importer, no_progress
from yankao.servicedesk.models import Case, CaseKind, CaseStatus

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
PUBLISHED = FIXTURES / "published"


def run(fmt, path):
    with translation.override("en"):
        return find_importer("cases", fmt)(path, actor=None, progress=no_progress)


def local(moment):
    return moment.astimezone(TAIPEI).replace(tzinfo=None).isoformat(sep=" ")


@pytest.mark.parametrize("name", ["taipei-petitions-big5.csv", "taipei-petitions-utf8-bom.csv"])
def test_taipei_petitions_as_published(taipei_city, name):
    result = run("taipei-csv", PUBLISHED / name)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert [(r.row, r.label) for r in result.rejected] == [(6, "案件次類別: no category")]
    assert [(n.row, n.label) for n in result.notes] == [
        (7, "結案日期: not a date: '107/02/30 上午 09:00:00'; left out")]
    assert result.unmapped == []
    cases = {c.external_id: c for c in Case.objects.select_related("agency", "category")}
    assert sorted(cases) == ["10703050001", "10703050002", "10703050003", "10703060004",
                             "10703060006"]
    # Trailing spaces in a cell ("交通運輸 ", "臺北市政府環境保護局  ") are no part of the name.
    parking = cases["10703050001"]
    assert (parking.category.code, parking.agency.code, parking.status) == \
        ("TP-PARKING", "police", CaseStatus.CLOSED)
    assert parking.kind == CaseKind.PETITION
    assert (local(parking.registered_at), local(parking.closed_at)) == \
        ("2018-03-05 09:12:33", "2018-03-08 16:30:00")
    # Full-width digits in an ROC date; 下午 12 is just after noon.
    noise = cases["10703050002"]
    assert local(noise.registered_at) == "2018-03-05 12:05:00"
    assert (noise.agency.code, noise.status) == ("environmental-protection",
                                                 CaseStatus.IN_PROGRESS)
    # 上午 12 is just after midnight; no month's leading zero; not yet delivered.
    building = cases["10703050003"]
    assert local(building.registered_at) == "2018-03-05 00:30:00"
    assert (building.status, building.agency) == (CaseStatus.REGISTERED, None)
    # A category name with a comma, quoted; dates without a time.
    litter = cases["10703060004"]
    assert litter.category.code == "TP-LITTER"
    assert local(litter.registered_at) == "2018-03-06 00:00:00"
    assert local(litter.closed_at) == "2018-03-07 00:00:00"
    # An impossible closing date (30 February) is left out; the case was delivered.
    bus = cases["10703060006"]
    assert (bus.status, bus.closed_at, bus.agency.code) == \
        (CaseStatus.IN_PROGRESS, None, "transportation")
    again = run("taipei-csv", PUBLISHED / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_both_encodings_give_the_same_cases(taipei_city):
    run("taipei-csv", PUBLISHED / "taipei-petitions-big5.csv")
    first = list(Case.objects.order_by("external_id").values_list(
        "external_id", "category__code", "agency__code", "status", "registered_at",
        "closed_at"))
    again = run("taipei-csv", PUBLISHED / "taipei-petitions-utf8-bom.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert list(Case.objects.order_by("external_id").values_list(
        "external_id", "category__code", "agency__code", "status", "registered_at",
        "closed_at")) == first


@pytest.mark.parametrize("name", ["open311-requests-big5.xml", "open311-requests-utf8-bom.xml"])
def test_open311_requests_as_published(catalogue, city, name):
    result = run("open311-xml", PUBLISHED / name)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert [(r.row, r.label) for r in result.rejected] == \
        [(4, "requested_datetime: no time of registration")]
    assert [(u.column, u.value, u.rows) for u in result.unmapped] == \
        [("category", "TN-0042", 1)]
    cases = {c.external_id: c for c in Case.objects.select_related("agency", "category")}
    assert sorted(cases) == ["180305-0001", "180305-0002", "180305-0003"]
    light = cases["180305-0001"]  # the id and the address had spaces around them
    assert (light.category.code, light.agency, light.status) == \
        ("KH-001", city["pwb-maintenance"], CaseStatus.CLOSED)
    assert (light.address, light.status_notes) == ("苓雅區四維三路", "已完成修復")
    assert local(light.closed_at) == "2018-03-06 09:02:11"
    assert light.district.name_zh == "苓雅區"
    # A time in UTC is 8 hours later in Taipei; an unknown code waits under a placeholder.
    animal = cases["180305-0002"]
    assert local(animal.registered_at) == "2018-03-05 21:20:00"
    assert not animal.category.public and animal.latitude is None
    # "Open" in capitals is open; 0/0 is no location; no offset is Taipei time.
    litter = cases["180305-0003"]
    assert (litter.status, litter.latitude, local(litter.registered_at)) == \
        (CaseStatus.IN_PROGRESS, None, "2018-03-05 08:15:00")


def test_a_taipei_file_in_kaohsiung_is_refused_whole(catalogue, city):
    with pytest.raises(DomainError) as refused:
        run("taipei-csv", PUBLISHED / "taipei-petitions-big5.csv")
    message = refused.value.message
    assert message.startswith("taipei-petitions-big5.csv: 6 rows name another city's "
                              "agencies; nothing was imported")
    assert "row 2, column 受理機關: 臺北市政府警察局 is an agency of 臺北市, not of 高雄市" \
        in message
    assert Case.objects.count() == 0


def test_a_kaohsiung_open311_file_in_taipei_is_refused_whole(taipei_city):
    with pytest.raises(DomainError) as refused:
        run("open311-xml", PUBLISHED / "open311-requests-utf8-bom.xml")
    assert "row 1, column agency_responsible: 高雄市政府工務局養護工程處 is an agency of " \
           "高雄市, not of 臺北市" in refused.value.message
    assert Case.objects.count() == 0


def test_an_open1999_row_of_another_city_refuses_the_file(catalogue, city, tmp_path):
    from yankao.servicedesk.tests.test_imports_published import record, write

    path = write(tmp_path, [record(FileNo_="A1"),
                            record(FileNo_="A2", UnitName_="臺南市政府工務局")])
    with pytest.raises(DomainError, match="row 2, column UnitName_: 臺南市政府工務局 is an "
                                          "agency of 臺南市, not of 高雄市"):
        run("open1999-json", path)
    assert Case.objects.count() == 0
