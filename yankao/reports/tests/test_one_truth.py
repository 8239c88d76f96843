"""One truth: for the same period the annual report, the monthly analyses, the dashboards
and the modules' own pages and API give the same numbers — and the demo city's 2018
numbers are those of the reference report, computed from records."""

import io
import re
import shutil
import subprocess

import pytest

from yankao.core.demo import demo_build
from yankao.core.documents import footnotes_by_page
from yankao.core.numbers import format_percent, percent
from yankao.reports.dashboards import dashboard_data, dashboard_get
from yankao.reports.figures import Period
from yankao.reports.generate import build_report
from yankao.reports.render.html import layout_pdf, render_html

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE_2018 = {
    "programs.controlled": "163",
    "programs.on_schedule": "103",
    "programs.on_schedule_share": "63.19%",
    "programs.behind": "60",
    "programs.behind_share": "36.81%",
    "programs.subsidy_cases": "145",
    "programs.subsidy_closed": "135",
    "programs.subsidy_execution": "99.89%",
    "programs.kpi_achievement_previous": "96.70%",
    "works.inspections": "148",
    "works.re_inspections": "11",
    "works.legal_minimum": "63",
    "works.citizen_satisfied": "80.95%",
    "works.citizen_inspection_rate": "13.75%",
    "works.training_attendance": "407",
    "opendata.datasets": "1,542",
    "opendata.resources": "3,647",
    "opendata.datasets_increase": "157",
    "opendata.resources_increase": "569",
    "opendata.agencies": "70",
    "opendata.gold_previous": "17",
    "opendata.gold": "455",
}


@pytest.fixture
def demo(client):
    demo_build(scale=0.001, out=io.StringIO(), show_progress=False)
    client.post("/accounts/login/", {"username": "evaluator", "password": "demo"})
    return client


def figures_of(report) -> dict[str, str]:
    return {figure.key: figure.text for figure in report.all_figures()}


def test_report_monthly_analysis_dashboards_and_api_agree(demo):
    annual = figures_of(build_report(structure="annual", year=2018, base_url=""))
    for key, expected in REFERENCE_2018.items():
        assert annual[key] == expected, key

    monthly = figures_of(build_report(structure="monthly-programs", year=2018, month=12,
                                      base_url=""))
    for key in ("programs.controlled", "programs.on_schedule", "programs.behind",
                "programs.behind_share"):
        assert monthly[key] == annual[key], key
    works_monthly = figures_of(build_report(structure="monthly-works", year=2018, month=12,
                                            base_url=""))
    assert works_monthly["works.inspections"] == annual["works.inspections"]

    for key in ("programs", "works-inspections", "works-citizen-reports", "opendata"):
        board = dashboard_get(key)
        tiles, _charts, _tables = dashboard_data(board, Period(2018), "zh-hant")
        for tile in tiles:
            assert tile.text == annual[tile.key], (key, tile.key)

    analysis = demo.get("/api/v1/programs/analysis", {"year": 2018, "month": 12}).json()
    assert (analysis["total"], analysis["on_track"]) == (163, int(annual["programs.on_schedule"]))
    summary = demo.get("/api/v1/works/inspections/summary", {"year": 2018}).json()
    assert (summary["inspections"], summary["re_inspections"], summary["legal_minimum"]) == (
        148, 11, 63)

    page = demo.get("/dashboards/programs/", {"year": 2018}).content.decode()
    assert ">63.19%<" in page and ">103項<" in page

    # The service desk: the report, its monthly analysis, its own statistics API, the
    # dashboards. Its volumes grow with --scale; at 1 they are the report's (835,594 calls,
    # 209,477 petitions, 82,934 dispatch cases), checked by the servicedesk demo tests.
    stats = demo.get("/api/v1/servicedesk/statistics",
                     {"year": 2018, "month_from": 1, "month_to": 12}).json()
    kinds = stats["counts_by_kind"]
    assert annual["servicedesk.dispatch"] == f"{kinds['dispatch']:,}"
    assert annual["servicedesk.petitions_total"] == f"{kinds['petition'] + kinds['mailbox']:,}"
    assert annual["servicedesk.calls"] == f"{stats['consultation_answered']['calls']:,}"
    calls = stats["consultation_answered"]
    assert annual["servicedesk.consultation_share"] == format_percent(
        percent(calls["consultations"], calls["calls"]))
    december = figures_of(build_report(structure="monthly-servicedesk", year=2018, month=12,
                                       base_url=""))
    assert december["servicedesk.calls"] == f"{stats['calls_per_month']['12']:,}"
    monthly_sum = sum(int(v) for v in stats["calls_per_month"].values())
    assert annual["servicedesk.calls"] == f"{monthly_sum:,}"
    for key in ("servicedesk", "dispatch"):
        tiles, _charts, _tables = dashboard_data(dashboard_get(key), Period(2018), "zh-hant")
        for tile in tiles:
            assert tile.text == annual[tile.key], (key, tile.key)


def _walk(box, ancestors=()):
    yield box, ancestors
    for child in getattr(box, "children", None) or ():
        yield from _walk(child, (*ancestors, box))


def table_rows_by_page(document) -> dict[int, list[int]]:
    """For each table, how many of its body rows each page holds."""
    found: dict[int, list[int]] = {}
    for page in document.pages:
        for box, _ancestors in _walk(page._page_box):
            if type(box).__name__ == "TableBox":
                rows = sum(len(group.children) for group in box.children
                           if type(group).__name__ == "TableRowGroupBox"
                           and not group.is_header)
                found.setdefault(id(box.element), []).append(rows)
    return found


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_annual_pdf_reads_as_a_person_sees_it(demo, tmp_path):
    report = build_report(structure="annual", year=2018, base_url="")
    document = layout_pdf(report)
    # Each footnote once, on the page of its mark.
    pages = footnotes_by_page(document)
    assert all(calls == markers for calls, markers in pages), pages
    numbers = [number for _calls, markers in pages for number in markers]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    # No table leaves a single row alone on a page.
    for rows in table_rows_by_page(document).values():
        assert len(rows) == 1 or min(rows) >= 2, rows
    path = tmp_path / "annual-2018.pdf"
    path.write_bytes(document.write_pdf())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for heading in ("施政績效成果報告", "參、管制考核", "(一)施政計畫評核", "肆、工程查核",
                    "一、公共工程品質查核", "四、全民督工", "未納入的章節"):
        assert heading in flat, heading
    # Each figure is followed by its footnote call number, so look for the number itself.
    for figure in ("163案", "103項", "63.19%", "60項", "36.81%", "148件", "63件", "80.95%",
                   "99.89%", "NT$3,756,946,000"):
        assert figure.replace("案", "") in flat, figure
    assert "列管計畫：該年度列管計畫總數" in flat  # a footnote says how the figure is computed
    assert "工程施工查核小組作業辦法第4條" in flat  # the law, cited by article
    assert not re.search(r"決策紀錄|decision record", flat)  # never an internal record
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert all("Noto-Sans-CJK-TC" in row for row in fonts.strip().splitlines()[2:]), fonts
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "3", str(path),
                    str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 3


def test_the_english_report_has_an_english_structure(demo):
    report = build_report(structure="annual", year=2018, language="en", base_url="")
    headings = []

    def walk(sections):
        for section in sections:
            headings.append(section.heading)
            walk(section.children)

    walk(report.sections)
    assert "3.1.1 Controlled programs" in headings
    assert "4 Public works inspection" in headings
    assert not any(re.search(r"[壹貳參肆伍陸一二三四五六、]", heading) for heading in headings)
    assert all(re.fullmatch(r"[\d.]+ [^：]+: .+", item.line) for item in report.left_out)
    tables = {block.key: block for section in report.sections for child in section.children
              for grandchild in (child, *child.children) for block in grandchild.blocks
              if hasattr(block, "columns")}
    assert [row[0] for row in tables["works.grades"].rows] == [
        "Excellent", "Good", "Fair", "Poor"]
    assert tables["programs.grades_previous_year"].columns == ["Grade", "Programs", "Share"]
    assert not any(re.search(r"[\u4e00-\u9fff]", str(row[0]))
                   for row in tables["programs.grades_previous_year"].rows)
    figures = {figure.key: figure for figure in report.all_figures()}
    assert figures["programs.on_schedule"].label == "Done or under 5 points behind"
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", render_html(report), re.S)
    assert captions and all(": " in caption and "：" not in caption for caption in captions)
