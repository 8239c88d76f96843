"""Shared tools every module uses: exports, imports, charts, PDFs, notifications, vault,
rate limits."""

import csv
import io
import shutil
import subprocess

import pytest
from django.core import mail
from django.test import RequestFactory
from openpyxl import load_workbook

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.exports import table_response, tables_response
from yankao.core.imports import ImportResult, find_importer
from yankao.core.models import Agency, AuditEvent, Notification, PersonalContact, Role
from yankao.core.services.notifications import notification_queue
from yankao.core.services.vault import personal_contact_reveal, personal_contact_store
from yankao.core.tests.factories import member


def test_csv_export_has_bom_typed_cells_and_no_formulas():
    response = table_response(
        headers=["名稱", "件數"], rows=[["=HYPERLINK(\"x\")", 3], ["路燈故障", 5]],
        filename="統計", fmt="csv",
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff名稱,件數")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "3"]
    assert "filename*=UTF-8''%E7%B5%B1%E8%A8%88.csv" in response["Content-Disposition"]


def test_xlsx_export_opens_with_numbers_as_numbers():
    response = table_response(headers=["區", "件數"], rows=[["前鎮區", 12], ["+1", 3]],
                              filename="x", fmt="xlsx", title="統計")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "統計"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["區", "件數"], ["前鎮區", 12], ["'+1", 3]]


def test_several_tables_in_one_download():
    tables = [("=各區/件數", ["區", "件數"], [["前鎮區", 12]]),
              ("=各區/件數", ["月", "件數"], [[1, 3], [2, "-4"]])]
    book = load_workbook(io.BytesIO(
        tables_response(tables=tables, filename="x", fmt="xlsx").content))
    # Sheet names: no "/" (Excel refuses it), unique; cells escaped as in one table.
    assert book.sheetnames == ["=各區 件數", "=各區 件數 (2)"]
    assert [[c.value for c in row] for row in book.worksheets[1].iter_rows()] == [
        ["月", "件數"], [1, 3], [2, "'-4"]]
    body = tables_response(tables=tables, filename="x", fmt="csv").content.decode("utf-8")
    assert body.count("\ufeff") == 1
    assert list(csv.reader(io.StringIO(body.lstrip("\ufeff")))) == [
        ["'=各區/件數"], ["區", "件數"], ["前鎮區", "12"], [],
        ["'=各區/件數"], ["月", "件數"], ["1", "3"], ["2", "'-4"]]


def test_unknown_export_format_is_refused():
    with pytest.raises(DomainError):
        table_response(headers=[], rows=[], filename="x", fmt="pdf")


AGENCY_CSV = (
    "code,name_zh,name_en,short_name_zh,kind,parent_code,active\n"
    "ks-park,高雄市公園管理處,Parks Office,公園處,second_level,ks-works,是\n"
    "ks-works,高雄市工務局,Works Bureau,工務局,first_level,,是\n"
    "bad-kind,某機關,Some,,bureau,,是\n"
    "orphan,孤兒單位,Orphan,,second_level,nowhere,是\n"
)


def test_agency_import_is_idempotent_and_reports_rejected_rows(db, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(AGENCY_CSV, encoding="cp950")  # Big5 files are common in Taiwan
    importer = find_importer("agencies", "csv")
    first = importer(path, actor=None, progress=lambda done, total=None: None)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert [(r.row, r.reason) for r in first.rejected] == [
        (4, "unknown kind 'bureau'"), (5, "unknown parent_code 'nowhere'")]
    assert Agency.objects.get(code="ks-park").parent.code == "ks-works"
    events = AuditEvent.objects.count()
    again = importer(path, actor=None, progress=lambda done, total=None: None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events
    path.write_text(AGENCY_CSV.replace("Parks Office", "Parks and Streets Office"),
                    encoding="utf-8")
    changed = importer(path, actor=None, progress=lambda done, total=None: None)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert "2 rejected" in changed.summary_lines()[0]


def test_import_with_missing_columns_changes_nothing(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("code,name\nx,y\n")
    with pytest.raises(DomainError, match="missing columns name_zh, name_en, kind"):
        find_importer("agencies", "csv")(path, actor=None, progress=None)
    assert not Agency.objects.exists()


def test_unknown_importer_lists_the_known_ones(db):
    with pytest.raises(DomainError, match="known: agencies csv"):
        find_importer("cases", "nonsense")


def test_import_result_summary_groups_reasons():
    result = ImportResult(created=3)
    for row in (2, 5, 9):
        result.reject(row, "bad date")
    result.reject(4, "unknown category")
    assert result.summary_lines() == [
        "7 rows read: 3 created, 0 updated, 0 unchanged, 4 rejected",
        "  3 × bad date (rows 2, 5, 9)",
        "  1 × unknown category (rows 4)",
    ]


def bar_chart():
    import altair as alt

    data = alt.Data(values=[{"月": "1月", "件數": 3}, {"月": "2月", "件數": 5}])
    return alt.Chart(data).mark_bar().encode(x="月:N", y="件數:Q").properties(title="派工件數")


def test_chart_spec_carries_the_cjk_theme_and_renders_to_svg():
    from yankao.core.charts import chart_spec, chart_svg, spec_json

    spec = chart_spec(bar_chart())
    assert spec["config"]["font"] == "Noto Sans CJK TC"
    svg = chart_svg(bar_chart())
    assert svg.startswith("<svg") and "派工件數" in svg and "Noto Sans CJK TC" in svg
    assert "</script>" not in spec_json({"title": "</script><b>"})


def test_chart_template_tag_has_a_text_description():
    from django.template import Context, Template

    html = Template(
        "{% load yankao %}{% vega_chart chart 'January 3, February 5' 'c1' %}"
    ).render(Context({"chart": bar_chart()}))
    assert 'aria-label="January 3, February 5"' in html
    assert '<script type="application/json" id="c1-spec">' in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_sets_chinese_in_noto_sans_cjk(tmp_path):
    from yankao.core.charts import chart_svg
    from yankao.core.documents import html_to_pdf

    pdf = html_to_pdf(f"<h1>施政績效成果報告</h1><p>派工案件 82,934 件</p>{chart_svg(bar_chart())}")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "施政績效成果報告" in text and "82,934" in text and "派工件數" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    font_rows = fonts.strip().splitlines()[2:]
    assert font_rows, fonts
    assert all("Noto-Sans-CJK-TC" in row for row in font_rows), fonts


def test_notifications_are_sent_once_per_key(db, django_capture_on_commit_callbacks, city):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_queue(
            kind="reminder", recipients=["a@city.gov.tw", "A@city.gov.tw ", "b@city.gov.tw"],
            subject="案件即將逾期", body="案件 X 將於明日逾期。", dedupe_key="case:1:due_soon",
            obj=city["rdec"], agency=city["rdec"],
        )
    assert len(first) == 2 and len(mail.outbox) == 2
    assert all(n.sent_at for n in Notification.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        again = notification_queue(
            kind="reminder", recipients=["a@city.gov.tw"], subject="x", body="y",
            dedupe_key="case:1:due_soon",
        )
    assert again == [] and len(mail.outbox) == 2


def test_vault_reveals_only_to_the_handling_agency_and_logs_it(city, officer, evaluator):
    contact = personal_contact_store(
        actor=None, owner=city["pwb-maintenance"], name="陳小姐", phone="0912345678",
    )
    assert "陳" not in str(contact)
    handling = [city["pwb-maintenance"]]
    assert personal_contact_reveal(actor=officer, contact=contact, handling_agencies=handling,
                                   reason="回電").phone == "0912345678"
    bureau = member(Role.OFFICER, city["public-works"])
    operator = member(Role.OPERATOR, city["pwb-maintenance"])
    for refused in (evaluator, bureau, operator):
        with pytest.raises(DomainError) as denied:
            personal_contact_reveal(actor=refused, contact=contact, handling_agencies=handling)
        assert denied.value.code == ErrorCode.FORBIDDEN
    assert AuditEvent.objects.filter(action="personal_contact.reveal").count() == 1
    assert AuditEvent.objects.filter(action="personal_contact.reveal_denied").count() == 3
    assert "0912345678" not in str(list(AuditEvent.objects.values()))
    assert PersonalContact.objects.count() == 1


def test_rate_limit_counts_per_address(settings, db):
    from yankao.core.ratelimit import rate_limit

    factory = RequestFactory()
    for _ in range(3):
        rate_limit(factory.post("/x", REMOTE_ADDR="203.0.113.1"), group="t", rate="3/m")
    with pytest.raises(DomainError) as limited:
        rate_limit(factory.post("/x", REMOTE_ADDR="203.0.113.1"), group="t", rate="3/m")
    assert limited.value.code == ErrorCode.RATE_LIMITED
    rate_limit(factory.post("/x", REMOTE_ADDR="203.0.113.2"), group="t", rate="3/m")
