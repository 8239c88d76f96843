"""The pages: the report form with the plan filled in, reviews, plans, analysis documents."""

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from yankao.programs.models import ProgressReport, WorkPlan, YearEndEvaluation
from yankao.programs.tests.conftest import submit


def test_the_report_form_is_filled_in_from_the_plan(client, make_program, officer):
    program = make_program()
    submit(program, 1, "7", actor=officer, delay_reason="招標中")
    client.force_login(officer)
    page = client.get(f"/staff/programs/{program.pk}/report/2/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="planned-pct">16.67%</dd>' in html
    assert "NT$2,000,000" in html
    assert 'value="7.00"' in html  # last month's actual as the starting value
    missing_reason = client.post(f"/staff/programs/{program.pk}/report/2/",
                                 {"actual_pct": "15", "budget_executed": "2000000",
                                  "narrative": "施工中"})
    assert missing_reason.status_code == 422
    assert "give the reason for the delay" in missing_reason.content.decode()
    assert ProgressReport.objects.count() == 1
    out_of_range = client.post(f"/staff/programs/{program.pk}/report/2/",
                               {"actual_pct": "101", "budget_executed": "2000000",
                                "narrative": "施工中"})
    assert out_of_range.status_code == 422 and ProgressReport.objects.count() == 1
    done = client.post(f"/staff/programs/{program.pk}/report/2/",
                       {"actual_pct": "15", "budget_executed": "2000000", "narrative": "施工中",
                        "delay_reason": "用地取得延宕"})
    report = ProgressReport.objects.get(month=2)
    assert done.status_code == 302 and done["Location"] == f"/staff/programs/reports/{report.pk}/"
    again = client.get(f"/staff/programs/{program.pk}/report/2/").content.decode()
    assert "already reported" in again and "Submit the report" not in again


def test_review_pages_for_the_unit_head_and_the_commission(client, make_program, officer, chief,
                                                           evaluator):
    program = make_program()
    report = submit(program, 1, "8.33", actor=officer)
    client.force_login(chief)
    assert report.program.code in client.get("/staff/programs/reports/").content.decode()
    response = client.post(f"/staff/programs/reports/{report.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    client.force_login(evaluator)
    no_comment = client.post(f"/staff/programs/reports/{report.pk}/", {"decision": "return"})
    assert no_comment.status_code == 422
    client.post(f"/staff/programs/reports/{report.pk}/",
                {"decision": "return", "comment": "請附照片"})
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "請附照片")
    client.force_login(officer)
    page = client.get(f"/staff/programs/{program.pk}/report/1/").content.decode()
    assert "請附照片" in page and "Resubmit the report" in page


def test_plan_page_write_submit_and_decide(client, make_program, officer, evaluator):
    program = make_program(plan=False)
    client.force_login(officer)
    data = {f"pct_{m}": f"{m * 100 / 12:.2f}" for m in range(1, 13)}
    data.update({f"budget_{m}": str(1_000_000 * m) for m in range(1, 13)})
    response = client.post(f"/staff/programs/{program.pk}/plan/", {**data, "submit": "1"})
    assert response.status_code == 302
    plan = WorkPlan.objects.get()
    assert plan.status == "submitted"
    bad = client.post(f"/staff/programs/{program.pk}/plan/", {**data, "pct_3": "1"})
    assert bad.status_code in (409, 422)
    client.force_login(evaluator)
    client.post(f"/staff/programs/plans/{plan.pk}/decide/", {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == "approved"
    client.force_login(officer)
    no_reason = client.post(f"/staff/programs/{program.pk}/plan/", {**data, "pct_12": "95"})
    assert no_reason.status_code == 422 and WorkPlan.objects.count() == 1
    client.post(f"/staff/programs/{program.pk}/plan/",
                {**data, "pct_12": "95", "reason": "經費刪減"})
    assert WorkPlan.objects.filter(version=2, revision_reason="經費刪減").exists()


def test_analysis_report_as_xlsx_and_pdf(client, make_program, officer, evaluator):
    for code, actual in (("A", "100"), ("B", "85")):
        submit(make_program(code), 12, actual, actor=officer, delay_reason="x")
    client.force_login(evaluator)
    page = client.get("/staff/programs/analysis/?year=2018&month=12").content.decode()
    assert '<span class="figure__value" id="count-on-track">1</span>' in page
    html = client.get("/staff/programs/analysis/report.html?year=2018&month=12")
    assert html.status_code == 200 and "<svg" in html.content.decode()
    xlsx = client.get("/staff/programs/analysis/report.xlsx?year=2018&month=12")
    sheet = load_workbook(__import__("io").BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[-1][:6] == ["All agencies", 2, 1, 0, 1, 0]
    assert float(rows[-1][6]) == 50.0
    assert client.get("/staff/programs/analysis/report.docx").status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_analysis_pdf_is_set_in_noto_sans_cjk(client, make_program, officer, evaluator,
                                              tmp_path):
    submit(make_program("A"), 12, "100", actor=officer)
    client.force_login(evaluator)
    response = client.get("/staff/programs/analysis/report.pdf?year=2018&month=12")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "a.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Monthly analysis report 2018-12" in text or "月分析報告" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert all("Noto-Sans-CJK-TC" in row for row in fonts.strip().splitlines()[2:]), fonts


def test_evaluation_pages(client, make_program, officer, evaluator):
    make_program()
    client.force_login(evaluator)
    refused = client.post("/staff/programs/evaluations/?year=2018",
                          {"weight_progress": "50", "weight_budget": "20", "weight_kpi": "20",
                           "weight_quality": "20"})
    assert refused.status_code == 302 and not YearEndEvaluation.objects.exists()
    client.post("/staff/programs/evaluations/?year=2018",
                {"weight_progress": "60", "weight_budget": "20", "weight_kpi": "20",
                 "weight_quality": "0"})
    evaluation = YearEndEvaluation.objects.get()
    client.force_login(officer)
    page = client.get(f"/staff/programs/evaluations/{evaluation.pk}/")
    assert "score_progress" in page.content.decode()
    assert "score_quality" not in page.content.decode()  # weight 0: left out this year
    client.post(f"/staff/programs/evaluations/{evaluation.pk}/",
                {"score_progress": "90", "score_budget": "90", "score_kpi": "90",
                 "comment": "自評"})
    evaluation.refresh_from_db()
    assert evaluation.status == "first_review"


def test_import_page(client, city, evaluator, tmp_path, run_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(evaluator)
    upload = SimpleUploadedFile(
        "programs.csv",
        "year,code,name_zh,name_en,agency_code,control_level,budget,summary\n"
        "2018,107-001,道路平整提升計畫,,pwb-maintenance,city,1000,\n"
        "2018,107-002,x,,nowhere,city,1000,\n".encode())
    with run_jobs():
        started = client.post("/staff/programs/import/", {"kind": "programs", "file": upload})
    assert started.status_code == 302 and started["Location"].startswith("/staff/jobs/")
    html = client.get(started["Location"]).content.decode()
    assert "2 rows read: 1 created, 0 updated, 0 unchanged, 1 rejected." in html
    assert "unknown agency_code" in html
    text = client.post("/staff/programs/import/", {
        "kind": "programs", "file": SimpleUploadedFile("x.txt", b"hello")})
    assert text.status_code == 422
