"""Program control in a real browser: an officer's monthly report, its review by the unit
head and the commission, and the commission's analysis of December 2018 (103 and 60);
axe-core on every page, in both languages and at 375 px."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from yankao.testing.browser import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def program_2019():
    """A 養工處 program of 2019 with an approved plan (the demo's 2018 stays untouched)."""
    from yankao.core.models import Agency
    from yankao.programs import services
    from yankao.programs.services import MonthPlan

    program = services.program_create(
        actor=None, year=2019, code="108-901", name_zh="人行道改善及無障礙環境計畫（第二期）",
        name_en="Sidewalks and step-free access, phase 2",
        agency=Agency.objects.get(code="pwb-maintenance"), budget=24_000_000)
    plan = services.work_plan_create(actor=None, program=program, months=[
        MonthPlan(m, (Decimal(100) * m / 12).quantize(Decimal("0.01")), 2_000_000 * m)
        for m in range(1, 13)])
    services.work_plan_submit(actor=None, plan=plan)
    services.work_plan_approve(actor=None, plan=plan)
    services.checkpoint_add(actor=None, program=program, title="完成規劃設計",
                            due_on=dt.date(2019, 3, 31))
    return program


def sign_out(page):
    page.get_by_role("button", name="登出").click()
    page.wait_for_url("**/")


def test_an_officer_reports_and_the_unit_head_and_commission_review(page, demo_city):
    from yankao.programs.models import ProgressReport

    program = program_2019()
    sign_in(page, "officer")
    page.goto(f"/staff/programs/{program.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="填報 1 月進度").click()
    expect(page.locator("#planned-pct")).to_have_text("8.33%")
    expect(page.locator("#planned-budget")).to_have_text("NT$2,000,000")
    assert_accessible(page)
    page.get_by_label("實際累計進度（%）").fill("6.5")
    page.get_by_label("累計經費支用（新臺幣元）").fill("1900000")
    page.get_by_label("本月執行情形").fill("完成細部設計審查，辦理發包前置作業。")
    page.get_by_role("button", name="送出月報").click()
    error = page.locator("#id_delay_reason_error")
    expect(error).to_contain_text("落後預定進度 1.83 個百分點")
    assert_accessible(page)
    assert not ProgressReport.objects.filter(program=program).exists()
    page.get_by_label("落後原因").fill("管線遷移協調中。")
    page.get_by_role("button", name="送出月報").click()
    page.wait_for_url("**/staff/programs/reports/*/")
    expect(page.locator("#report-status")).to_have_text("已填報，待單位主管審核")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "chief")
    page.goto("/staff/programs/reports/")
    assert_accessible(page)
    page.get_by_role("link", name="2019-01").click()
    page.get_by_label("核定").check()
    page.get_by_role("button", name="登錄審查結果").click()
    page.wait_for_url("**/staff/programs/reports/")
    expect(page.locator(".message--success")).to_be_visible()
    sign_out(page)

    sign_in(page, "evaluator")
    page.goto("/staff/programs/reports/")
    page.get_by_role("link", name="2019-01").click()
    expect(page.locator("#report-status")).to_have_text("單位主管已核，待研考會審查")
    page.get_by_label("退回並附意見").check()
    page.get_by_role("button", name="登錄審查結果").click()
    expect(page.locator("#id_comment_error")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("核定").check()
    page.get_by_label("意見", exact=True).fill("同意備查。")
    page.get_by_role("button", name="登錄審查結果").click()
    page.wait_for_url("**/staff/programs/reports/")
    report = ProgressReport.objects.get(program=program)
    assert report.status == "approved" and report.actual_bp == 650
    page.goto(f"/staff/programs/reports/{report.pk}/")
    expect(page.locator("#report-status")).to_have_text("研考會已核定")
    expect(page.locator(".timeline li")).to_have_count(3)


def test_the_commission_analysis_of_december_2018(page, demo_city):
    sign_in(page, "evaluator")
    page.goto("/staff/programs/analysis/?year=2018&month=12")
    expect(page.locator("#count-on-track")).to_have_text("103")
    expect(page.locator("#count-behind")).to_have_text("60")
    expect(page.locator("#count-total")).to_have_text("163")
    expect(page.locator("#analysis-summary")).to_contain_text("占 63.19%")
    expect(page.locator("#analysis-summary")).to_contain_text("占 36.81%")
    expect(page.locator("#overview-chart[data-ready='1'] svg")).to_be_visible()
    expect(page.locator("#trend-chart[data-ready='1'] svg")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Monthly analysis 2018-12")
    expect(page.locator("#count-on-track")).to_have_text("103")
    expect(page.locator("#overview-chart[data-ready='1'] svg")).to_be_visible()
    assert_accessible(page)


def _pages(program, report, evaluation, kpi, resolution):
    return [
        "/staff/programs/", f"/staff/programs/{program.pk}/",
        f"/staff/programs/{program.pk}/plan/", f"/staff/programs/{program.pk}/report/2/",
        "/staff/programs/reports/", f"/staff/programs/reports/{report.pk}/",
        "/staff/programs/analysis/?year=2018&month=12",
        "/staff/programs/analysis/report.html?year=2018&month=12",
        "/staff/programs/evaluations/?year=2017", f"/staff/programs/evaluations/{evaluation.pk}/",
        "/staff/programs/kpis/", f"/staff/programs/kpis/{kpi.pk}/",
        "/staff/programs/tracked/", "/staff/programs/tracked/resolutions/",
        f"/staff/programs/tracked/resolutions/{resolution.pk}/",
        "/staff/programs/documents/?year=2018", "/staff/programs/import/",
        "/staff/programs/new/",
    ]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_every_page_is_accessible_and_fits_a_phone(phone_page, live_server, demo_city,
                                                   language):
    from yankao.programs.models import CouncilResolution, Kpi, ProgressReport, YearEndEvaluation

    report = ProgressReport.objects.filter(program__year=2018, month=12,
                                           status="unit_approved").first()
    program = report.program
    evaluation = YearEndEvaluation.objects.filter(round__year=2018,
                                                  status="first_review").first()
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in(page, "evaluator")
    for path in _pages(program, report, evaluation, Kpi.objects.first(),
                       CouncilResolution.objects.first()):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert_accessible(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a 375px phone"
