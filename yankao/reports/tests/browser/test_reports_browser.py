"""Reports and dashboards in chromium: the progress bar, the reading view, dashboards on
a phone, axe-core in both languages."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from yankao.core.services.closures import closure_day_add
from yankao.testing.browser import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def report_city(demo_city, test_registry):
    closure_day_add(actor=None, date=dt.date(2018, 8, 23), reason="豪雨")


def test_generate_a_report_with_a_progress_bar_and_download_it(page, report_city):
    sign_in(page, "evaluator")
    page.goto("/reports/")
    assert_accessible(page)
    page.locator("#id_structure").select_option("test-annual")
    page.locator("#id_year").select_option("2018")
    page.locator("#id_fmt").select_option("html")
    page.get_by_role("button", name="產生").click()
    expect(page.locator("#job-heading")).to_have_text("報告已完成")
    bar = page.locator("#job-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max")  # every step done
    expect(page.locator("#job-title")).to_have_text("測試年報 2018 · HTML")
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename.endswith(".html")


def test_reading_view_and_dashboard_in_both_languages_on_a_phone(phone_page, live_server,
                                                                 report_city):
    page = phone_page
    for language in ("zh-hant", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto("/dashboards/test-city/?year=2018")
        expect(page.locator("[data-vega-spec]").first).to_have_attribute("data-ready", "1")
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("#id_agency").select_option("rdec")
        page.get_by_role("button", name="顯示" if language == "zh-hant" else "Show").click()
        page.wait_for_url("**agency=rdec**")  # the filter is in the address, ready to share
        expect(page.locator(".tile").nth(1)).to_contain_text("<3")
    sign_in(page, "officer")
    page.goto("/reports/test-annual/2018/")
    expect(page.locator("a.figure").first).to_have_attribute("href", "/staff/agencies/")
    assert_accessible(page)


def test_every_dashboard_is_accessible_in_both_languages_on_a_phone(phone_page, live_server,
                                                                      demo_city):
    from yankao.reports.dashboards import dashboards

    page = phone_page
    keys = [board.key for board in dashboards()]
    assert {"servicedesk", "dispatch", "programs", "works-inspections",
            "works-citizen-reports"} <= set(keys)
    for language in ("zh-hant", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto("/dashboards/")
        assert_accessible(page)
        for key in keys:
            page.goto(f"/dashboards/{key}/?year=2018")
            for chart in page.locator("[data-vega-spec]").all():
                expect(chart).to_have_attribute("data-ready", "1")
                # Drawn, at a real size (a map once came out "NaN" wide and empty).
                width, marks = chart.locator("svg").first.evaluate(
                    "svg => [Number(svg.getAttribute('width')),"
                    " svg.querySelectorAll('.mark-symbol path, .mark-rect path').length]")
                assert 100 <= width <= PHONE["width"], f"{key}: a chart {width}px wide"
                assert marks > 0, f"{key}: a chart with nothing drawn"
            assert_accessible(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{key} is {width}px wide on a phone"
