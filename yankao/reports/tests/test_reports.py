"""The report machinery: build from records, narratives with review, three formats,
jobs with progress, dashboards. Uses the test structure and figures of conftest.py."""

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent, Role
from yankao.core.services.closures import closure_day_add
from yankao.core.tests.factories import member
from yankao.reports import services
from yankao.reports.figures import Period
from yankao.reports.generate import build_report, generate
from yankao.reports.models import NarrativeVersion, ReportJob
from yankao.reports.render import render_docx, render_html

TEXT = "本年度共有[[test.agencies]]個機關，停班[[test.closures]]日。\n\n第二段。"


@pytest.fixture
def closures(city):
    for day in ("2018-08-23", "2018-09-14"):
        closure_day_add(actor=None, date=dt.date.fromisoformat(day), reason="颱風")


@pytest.fixture
def approved(test_registry, city, evaluator, closures):
    writer = member(Role.OFFICER, city["rdec"], "t_writer")
    block = services.narrative_block_create(actor=evaluator, structure="test-annual",
                                            year=2018, section_key="1.1", agency=city["rdec"])
    version = services.narrative_save(actor=writer, block=block, text=TEXT)
    services.narrative_submit(actor=writer, version=version)
    services.narrative_review(actor=evaluator, version=version, approve=True)
    return block


def test_report_is_built_from_records_and_says_what_it_leaves_out(test_registry, closures):
    report = build_report(structure="test-annual", year=2018, base_url="")
    figures = {f.key: f.text for f in report.all_figures()}
    assert figures == {"test.agencies": "88", "test.closures": "2"}
    section = report.sections[0].children[0]
    assert section.narrative_pending
    assert [(i.number, i.reason) for i in report.left_out] == [
        ("壹 二", "「archives」模組尚未安裝"),
        ("貳", "本平台尚無模組記錄此項業務"),
    ]
    assert build_report(structure="test-annual", year=2019, base_url="").all_figures()[1].text \
        == "0"


def test_only_the_approved_text_appears_with_its_figures(approved, city, evaluator):
    report = build_report(structure="test-annual", year=2018, base_url="https://city.example")
    paragraph = report.sections[0].children[0].blocks[0]
    texts = [p if isinstance(p, str) else f"<{p.text}>" for p in paragraph.parts]
    assert texts == ["本年度共有", "<88>", "個機關，停班", "<2>", "日。"]
    assert paragraph.parts[1].url == "https://city.example/staff/agencies/"
    # A newer draft does not replace the approved text until it is approved itself.
    services.narrative_save(actor=evaluator, block=approved, text="草稿：[[test.agencies]]")
    again = build_report(structure="test-annual", year=2018, base_url="")
    assert again.sections[0].children[0].blocks[0].parts[0] == "本年度共有"
    assert approved.versions.count() == 2
    assert AuditEvent.objects.filter(action__startswith="narrative.").count() == 5


def test_narrative_rules(test_registry, city, evaluator, epb_officer):
    block = services.narrative_block_create(actor=evaluator, structure="test-annual", year=2018,
                                            section_key="1.1", agency=city["rdec"])
    with pytest.raises(DomainError, match=r"Unknown figures: servicedesk\.cases"):
        services.narrative_save(actor=evaluator, block=block, text="共 [[servicedesk.cases]] 件")
    with pytest.raises(DomainError) as denied:
        services.narrative_save(actor=epb_officer, block=block, text="環保局寫的")
    assert denied.value.code == ErrorCode.FORBIDDEN
    version = services.narrative_save(actor=evaluator, block=block, text="研考會自撰。")
    services.narrative_submit(actor=evaluator, version=version)
    with pytest.raises(DomainError, match="own text"):
        services.narrative_review(actor=evaluator, version=version, approve=True)
    other = member(Role.EVALUATOR, city["rdec"], "t_eval2")
    with pytest.raises(DomainError, match="Say what to change"):
        services.narrative_review(actor=other, version=version, approve=False)
    services.narrative_review(actor=other, version=version, approve=False, comment="請補數據")
    version.refresh_from_db()
    assert version.state == NarrativeVersion.State.RETURNED
    assert block.versions.count() == 1  # a refused write saved nothing
    with pytest.raises(DomainError) as duplicate:
        services.narrative_block_create(actor=evaluator, structure="test-annual", year=2018,
                                        section_key="1.1", agency=city["rdec"])
    assert duplicate.value.code == ErrorCode.CONFLICT
    with pytest.raises(DomainError):
        services.narrative_block_create(actor=evaluator, structure="test-annual", year=2018,
                                        section_key="2", agency=city["rdec"])


def test_html_links_every_figure_to_its_records(approved):
    html = render_html(build_report(structure="test-annual", year=2018,
                                    base_url="https://city.example"))
    assert ('<a class="figure" href="https://city.example/staff/agencies/" '
            'title="啟用中的機關數。">88個</a>') in html
    assert "<svg" in html  # charts are inline SVG in the standalone document
    assert "Sections left out" in html or "未納入的章節" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_has_chinese_headings_figures_and_footnotes(approved, tmp_path):
    pdf = generate(structure="test-annual", year=2018, fmt="pdf", base_url="")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    # Footnote calls follow each figure: "88¹個機關" extracts as "881 個機關".
    for expected in ("測試年報", "壹、城市概況", "一、機關", "本年度共有881 個機關", "88個3",
                     "機關數：啟用中的機關數。", "停班日數：該年停班日的筆數。"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert all("Noto-Sans-CJK-TC" in row for row in fonts.strip().splitlines()[2:]), fonts
    pages = subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")],
                           capture_output=True, check=True)
    assert pages.returncode == 0 and list(tmp_path.glob("p-*.png"))


def test_docx_opens_and_carries_word_footnotes(approved):
    content = render_docx(build_report(structure="test-annual", year=2018, base_url=""))
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "測試年報" in text and "本年度共有88個機關" in text
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        footnotes = package.read("word/footnotes.xml").decode()
        body = package.read("word/document.xml").decode()
        assert "word/footnotes.xml" in package.read("[Content_Types].xml").decode()
        assert "footnotes" in package.read("word/_rels/document.xml.rels").decode()
    assert "機關數：啟用中的機關數。" in footnotes
    assert body.count("<w:footnoteReference") == footnotes.count('<w:footnote w:id="') == 6
    assert "Noto Sans CJK TC" in package_styles(content)


def package_styles(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read("word/styles.xml").decode()


def test_report_job_runs_in_the_background_with_progress(
    client, approved, evaluator, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/", {"structure": "test-annual", "year": 2018,
                                             "fmt": "docx", "language": "zh-hant"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.status, job.progress) == ("done", 100)
    assert job.steps_done == job.steps_total > 1
    fragment = client.get(f"/reports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{job.steps_total}"' in fragment and "hx-trigger" not in fragment
    # Its name as people say it, and a final heading: not the key "test-annual".
    assert "測試年報 2018 · DOCX" in fragment and "報告已完成" in fragment
    assert "test-annual" not in fragment
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert Document(io.BytesIO(b"".join(download.streaming_content)))


def test_generation_reports_one_step_per_section_then_the_layout(approved):
    from yankao.reports.generate import generate

    told = []
    generate(structure="test-annual", year=2018, fmt="html",
             progress=lambda done, total, step: told.append((done, total, step)))
    total = told[0][1]
    assert [done for done, _, _ in told] == list(range(total + 1))
    assert {t for _, t, _ in told} == {total}
    assert told[-2][2] == "排版 HTML 檔" and told[-1][2] == "檔案已完成"
    assert all(step for _, _, step in told[:-2])  # each section's heading


def test_jobs_are_private_to_their_requester(client, approved, evaluator, officer,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_job_start(actor=evaluator, structure="test-annual", year=2018,
                                        fmt="html")
    client.force_login(officer)
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_bad_report_requests_change_nothing(test_registry, evaluator):
    for kwargs in ({"fmt": "odt"}, {"year": 1800}, {"language": "fr"},
                   {"structure": "nonsense"}):
        arguments = {"structure": "test-annual", "year": 2018, "fmt": "pdf", **kwargs}
        with pytest.raises(DomainError):
            services.report_job_start(actor=evaluator, **arguments)
    assert not ReportJob.objects.exists()


def test_browser_reading_view_links_figures(client, approved, officer):
    client.force_login(officer)
    html = client.get("/reports/test-annual/2018/").content.decode()
    assert 'href="/staff/agencies/"' in html and "88" in html
    assert 'data-vega-spec="testchart-spec"' in html


def test_dashboard_filters_in_the_url_csv_and_small_cells(client, test_registry, closures):
    page = client.get("/dashboards/test-city/", {"year": 2018})
    html = page.content.decode()
    assert page.status_code == 200 and "測試儀表板" in html
    assert ">2日<" in html  # unfiltered: shown as it is
    filtered = client.get("/dashboards/test-city/", {"year": 2018, "agency": "rdec"})
    assert ">&lt;3日<" in filtered.content.decode()  # filtered and small: suppressed
    csv = client.get("/dashboards/test-city/", {"year": 2018, "format": "csv"})
    body = csv.content.decode("utf-8-sig")
    assert body.splitlines()[:2] == ["機關類別", "類別,數量"]  # the table's title, its heads
    assert "test-city-2018.csv" in csv["Content-Disposition"]
    assert "enterprise,<3" in body  # 2 municipal enterprises: a small cell
    assert client.get("/dashboards/test-city/", {"year": "abc"}).status_code == 422
    assert client.get("/dashboards/nope/").status_code == 404
    assert "test-city" in client.get("/dashboards/").content.decode()


def test_period_labels_use_the_roc_calendar():
    assert Period(2018).label("zh") == "107年"
    assert Period(2018, 12).label("zh") == "107年12月"
    assert Period(2018, 3).label("en") == "2018-03"
    assert Period(2018, 3, (("district", "806"),)).query() == "year=2018&month=3&district=806"



def test_narrative_written_submitted_and_approved_through_the_pages(client, test_registry,
                                                                    city, evaluator, closures):
    """The pages of a narrative, as the commission uses them: the evaluator opens a block
    from the report's texts page, the unit's officer writes and submits it on the block's
    own page, the evaluator approves it there (texts/<id>/ was once taken by the report's
    route <structure>/<year>/, and every block's page was a 404)."""
    writer = member(Role.OFFICER, city["rdec"], "t_writer")
    client.force_login(evaluator)
    created = client.post("/reports/test-annual/2018/texts/",
                          {"section_key": "1.1", "agency": city["rdec"].pk})
    block_url = created.headers["Location"]
    assert created.status_code == 302 and block_url.startswith("/reports/texts/")
    client.force_login(writer)
    page = client.get(block_url)
    assert page.status_code == 200
    assert "test.agencies" in page.content.decode()  # the figures the text may use
    assert client.post(block_url, {"text": TEXT}).status_code == 302
    version = NarrativeVersion.objects.get(block__structure="test-annual")
    for user, action in ((writer, "submit"), (evaluator, "approve")):
        client.force_login(user)
        done = client.post(f"/reports/texts/versions/{version.pk}/{action}/")
        assert (done.status_code, done.headers["Location"]) == (302, block_url)
    version.refresh_from_db()
    assert version.state == NarrativeVersion.State.APPROVED
    paragraph = build_report(structure="test-annual", year=2018, base_url="") \
        .sections[0].children[0].blocks[0]
    assert [p if isinstance(p, str) else p.text for p in paragraph.parts][:2] == [
        "本年度共有", "88"]
    # An unknown block is the narrative page's 404, not a report named "texts".
    assert client.get("/reports/texts/999999/").status_code == 404
