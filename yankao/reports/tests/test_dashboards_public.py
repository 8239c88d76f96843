"""The public service-desk dashboard as a stranger meets it (issue #12): small counts never
leave the server (tables, tiles and the map's data alike), tiles lead to public pages, the
year shown first is the latest with records, and the download holds every table of the
dashboard for the filters chosen, named by them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook

from yankao.core.calendar import TAIPEI
from yankao.core.models import District
from yankao.core.services.seed import city_seed
from yankao.servicedesk.catalogue import catalogue_seed
from yankao.servicedesk.models import Category, Channel
from yankao.servicedesk.services import case_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases_2021(db):
    """2021 (not the demo's year): 2 dispatch cases in 苓雅區, 4 in 三民區."""
    city_seed(actor=None)
    catalogue_seed(actor=None)
    pothole = Category.objects.get(name_zh="路面坑洞(一)")
    for name, count in (("苓雅區", 2), ("三民區", 4)):
        district = District.objects.get(name_zh=name)
        for index in range(count):
            case_register(actor=None, category=pothole, description=f"坑洞 {name} {index}",
                          channel=Channel.WEB, district=district,
                          address=f"{name}測試路{index}號",
                          registered_at=dt.datetime(2021, 3, 2 + index, 9, tzinfo=TAIPEI))
    return pothole


def chart_data(html: str, key: str) -> list[dict]:
    """The data of a chart as it is embedded in the page."""
    found = re.search(rf'<script type="application/json" id="{key}-spec">(.*?)</script>',
                      html, re.S)
    assert found, f"no chart {key}"
    spec = json.loads(found.group(1))
    return spec["data"]["values"]


def test_the_map_and_charts_carry_no_small_count(client, cases_2021):
    html = client.get("/dashboards/servicedesk/").content.decode()
    assert "2021" in html  # the latest year with records, not the demo's 2018
    rows = {row["district"]: row for row in chart_data(html, "servicedeskdistrict_map")}
    assert rows["三民區"]["cases"] == 4 and rows["三民區"]["label"] == "4"
    assert rows["苓雅區"]["cases"] is None and rows["苓雅區"]["label"] == "<3"
    assert rows["鹽埕區"]["cases"] == 0  # zero is not a person's report
    months = {row["month"]: row for row in chart_data(html, "servicedeskmonth_chart")}
    assert months[3]["cases"] == 6
    # The same figures in the annual report (not public) keep the exact count.
    from yankao.reports.figures import Period, get

    chart, _ = get("servicedesk.district_map").build(Period(2021), "zh-hant")
    exact = {row["district"]: row["cases"] for row in chart.data.values}
    assert exact["苓雅區"] == 2


def test_tiles_link_only_to_public_pages(client, cases_2021):
    html = client.get("/dashboards/servicedesk/", {"year": 2021}).content.decode()
    tiles = html[html.index('<dl class="tiles">'):html.index("</dl>")]
    links = re.findall(r'href="([^"]+)"', tiles)
    assert links and all(not link.startswith("/staff/") for link in links)
    assert "/cases/" in links
    assert client.get("/cases/").status_code == 200  # a stranger can follow it


def test_the_download_holds_every_table_named_by_the_filters(client, cases_2021):
    csv = client.get("/dashboards/servicedesk/",
                     {"year": 2021, "month": 3, "agency": "pwb-maintenance", "format": "csv"})
    assert csv.status_code == 200
    assert "servicedesk-2021-03-agency-pwb-maintenance.csv" in csv["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    blocks = text.split("\r\n\r\n")
    titles = [block.splitlines()[0] for block in blocks]
    assert titles == ["案件類別", "各行政區案件數", "受理管道"]
    district_rows = dict(line.split(",") for line in blocks[1].splitlines()[2:])
    assert district_rows["苓雅區"] == "<3" and district_rows["三民區"] == "4"

    xlsx = client.get("/dashboards/servicedesk/", {"year": 2021, "format": "xlsx"})
    assert "servicedesk-2021.xlsx" in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert book.sheetnames == titles
    sheet = {row[0]: row[1] for row in book["各行政區案件數"].iter_rows(values_only=True)}
    assert sheet["苓雅區"] == "<3" and sheet["三民區"] == 4
