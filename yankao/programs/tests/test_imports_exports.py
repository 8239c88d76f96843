"""Spreadsheets: imports are idempotent, report row errors and never half-save a row;
exports carry the import columns, so an export imports back unchanged."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from yankao.core.errors import DomainError
from yankao.core.imports import find_importer
from yankao.core.models import AuditEvent
from yankao.programs.models import DocumentStat, Kpi, KpiTarget, Program, ProgressReport, WorkPlan
from yankao.programs.spreadsheets import PLAN_COLUMNS, PROGRAM_COLUMNS
from yankao.testing.fixtures import job_download

PLAN = [f"{m * 100 / 12:.2f}" for m in range(1, 13)]
PLAN_BUDGET = [str(12_000_000 * m // 12) for m in range(1, 13)]


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(kind, path, actor=None):
    return find_importer(kind, path.suffix[1:])(path, actor=actor, progress=None)


def program_rows():
    return [
        ["2018", "107-001", "道路平整提升計畫", "Road smoothness", "pwb-maintenance", "市府列管",
         "12000000", "", *PLAN, *PLAN_BUDGET],
        ["2018", "107-002", "空氣品質改善計畫", "", "environmental-protection", "ministry",
         "12000000", "", *[""] * 24],
        ["2018", "107-003", "壞資料", "", "nowhere", "city", "1", "", *[""] * 24],
        ["2018", "107-004", "壞預算", "", "rdec", "city", "12.5", "", *[""] * 24],
        ["2018", "107-005", "壞計畫", "", "rdec", "city", "12000000", "", *PLAN[:11], "120",
         *PLAN_BUDGET],
        ["twenty", "107-006", "壞年度", "", "rdec", "city", "1", "", *[""] * 24],
    ]


def test_programs_import_is_idempotent_and_reports_rows(city, tmp_path):
    path = write_csv(tmp_path / "programs.csv", PROGRAM_COLUMNS + PLAN_COLUMNS, program_rows())
    first = run("programs", path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert [(r.row, r.reason.split(":")[0]) for r in first.rejected] == [
        (4, "unknown agency_code 'nowhere'"), (5, "budget"), (6, "plan_12"),
        (7, "year must be a number, not 'twenty'")]
    # Row 6's program was not left behind without its plan: nothing of a bad row is saved.
    assert sorted(Program.objects.values_list("code", flat=True)) == ["107-001", "107-002"]
    assert WorkPlan.objects.get().status == "approved"
    events = AuditEvent.objects.count()
    again = run("programs", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events
    rows = program_rows()
    rows[1][2] = "空氣品質改善計畫（第二期）"
    changed = run("programs", write_csv(tmp_path / "p2.csv", PROGRAM_COLUMNS + PLAN_COLUMNS,
                                        rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)


def test_programs_import_needs_the_commission(city, tmp_path, officer):
    path = write_csv(tmp_path / "programs.csv", PROGRAM_COLUMNS, [program_rows()[1][:8]])
    with pytest.raises(DomainError):
        run("programs", path, actor=officer)
    assert not Program.objects.exists()


def test_missing_columns_are_one_clear_error(city, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["year", "code"], [["2018", "x"]])
    with pytest.raises(DomainError, match="missing columns name_zh"):
        run("programs", path)


def test_progress_import_uses_the_form_checks(make_program, tmp_path, officer, epb_officer):
    make_program("107-001")
    header = ["year", "program_code", "month", "actual_pct", "budget_executed", "narrative",
              "delay_reason", "budget_reason", "regression_reason"]
    rows = [
        ["2018", "107-001", "1", "8.33", "1000000", "依進度施工", "", "", ""],
        ["2018", "107-001", "2", "10", "2000000", "招標中", "", "", ""],
        ["2018", "107-001", "3", "101", "3000000", "x", "", "", ""],
        ["2018", "107-999", "1", "5", "0", "x", "", "", ""],
        ["2018", "107-001", "4", "30", "4000000", "施工中", "進度落後", "", ""],
    ]
    path = write_csv(tmp_path / "progress.csv", header, rows)
    first = run("progress", path, actor=officer)
    assert (first.created, first.unchanged) == (2, 0)
    reasons = {r.row: r.reason for r in first.rejected}
    assert sorted(reasons) == [3, 4, 5]
    assert reasons[3].startswith("delay_reason") and reasons[4].startswith("actual_pct")
    again = run("progress", path, actor=officer)
    assert (again.created, again.unchanged) == (0, 2)
    rows[0][3] = "9"
    conflict = run("progress", write_csv(tmp_path / "p2.csv", header, rows), actor=officer)
    assert any("already submitted" in r.reason for r in conflict.rejected)
    assert ProgressReport.objects.get(month=1).actual_bp == 833
    other = run("progress", path, actor=epb_officer)
    assert (other.created, other.unchanged) == (0, 0)
    assert {r.reason for r in other.rejected} == {"no program 107-001 in 2018",
                                                  "no program 107-999 in 2018"}


def test_kpi_import_from_xlsx(city, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["kpi_code", "agency_code", "indicator_zh", "indicator_en", "unit",
                  "direction", "year", "target", "actual", "target_reason"])
    sheet.append(["K1", "pwb-maintenance", "道路平整度合格率", "", "%", "越高越好", 2017, 90, 91,
                  ""])
    sheet.append(["K1", "pwb-maintenance", "道路平整度合格率", "", "%", "higher", 2018, 89, None,
                  ""])
    sheet.append(["K1", "pwb-maintenance", "道路平整度合格率", "", "%", "higher", 2019, 92, None,
                  ""])
    sheet.append(["K2", "pwb-maintenance", "x", "", "件", "sideways", 2018, 1, None, ""])
    path = tmp_path / "kpis.xlsx"
    workbook.save(path)
    result = run("kpis", path)
    assert result.created == 2 and [r.row for r in result.rejected] == [3, 5]
    assert "justification" in result.rejected[0].reason
    assert KpiTarget.objects.filter(kpi__code="K1").count() == 2
    assert Kpi.objects.count() == 1
    assert run("kpis", path).unchanged == 2


def test_document_statistics_import(city, tmp_path, evaluator):
    header = ["agency_code", "year", "month", "category", "urgency", "on_time", "overdue",
              "average_days"]
    rows = [["land", "2018", "12", "一般公文", "普通件", "950", "50", "4.2"],
            ["land", "2018", "12", "petition", "urgent", "100", "0", "2.1"],
            ["rdec", "2018", "12", "一般公文", "普通件", "990", "10", "3.1"],
            ["rdec", "2018", "12", "公文", "普通件", "1", "0", "1"],
            ["rdec", "2018", "12", "一般公文", "普通件", "-1", "0", "1"]]
    path = write_csv(tmp_path / "docs.csv", header, rows)
    result = run("documents", path)
    assert (result.created, [r.row for r in result.rejected]) == (3, [5, 6])
    assert "unknown category '公文'" in result.rejected[0].reason
    assert DocumentStat.objects.count() == 3
    assert run("documents", path).unchanged == 3
    from yankao.programs import selectors

    flags = {row.key: (row.overdue_share, row.flagged) for row in
             selectors.document_overdue_by_agency(actor=evaluator, year=2018, month=12)}
    assert flags["land"][1] is True and str(flags["land"][0]) == "4.55"  # 50 of 1,100
    assert flags["rdec"] == (flags["rdec"][0], False)
    urgency = {row.key: row for row in selectors.document_days_by_urgency(
        actor=evaluator, year=2018, month=12)}
    assert urgency["urgent"].over_limit is False and urgency["normal"].limit_days == 6


def test_exports_import_back_unchanged(make_program, officer, evaluator, client, tmp_path,
                                       run_jobs):
    from yankao.programs.tests.conftest import submit

    program = make_program("107-001")
    submit(program, 1, "8.33", actor=officer)
    client.force_login(evaluator)
    for kind in ("programs", "progress"):
        with run_jobs():
            response = client.post(f"/staff/programs/export/{kind}.xlsx", {"year": 2018})
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(job_download(client, response))
        sheet = load_workbook(path).active
        header = [cell.value for cell in sheet[1]]
        assert header[:3] == (["year", "code", "name_zh"] if kind == "programs" else
                              ["year", "program_code", "month"])
        result = run(kind, path)
        assert (result.created, result.updated, len(result.rejected)) == (0, 0, 0), (
            kind, result.rejected)
        assert result.unchanged == 1
    with run_jobs():
        response = client.post("/staff/programs/export/progress.csv", {"year": 2018})
    body = job_download(client, response).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(body)))
    assert (row["actual_pct"], row["planned_pct"], row["delay_points"]) == ("8.33", "8.33",
                                                                          "0.00")


def test_the_yankao_import_command(tmp_path):
    """`yankao import programs csv FILE` on a fresh data folder (real command line)."""
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    env = {**os.environ, "YANKAO_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "yankao"]
    subprocess.run([*command, "manage", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([*command, "manage", "seed_city", "kaohsiung"], env=env, check=True,
                   capture_output=True)
    path = write_csv(tmp_path / "programs.csv", PROGRAM_COLUMNS + PLAN_COLUMNS, program_rows())
    first = subprocess.run([*command, "import", "programs", "csv", str(path), "--quiet"],
                           env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "6 rows read: 2 created, 0 updated, 0 unchanged, 4 rejected" in first.stdout
    again = subprocess.run([*command, "import", "programs", "csv", str(path), "--quiet",
                            "--strict"], env=env, capture_output=True, text=True)
    assert again.returncode == 1 and "2 unchanged" in again.stdout
