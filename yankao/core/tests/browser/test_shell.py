"""The shell in a real browser: languages, sign-in, phone width, keyboard, axe-core."""

import pytest
from playwright.sync_api import expect

from yankao.testing.browser import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser

STAFF_PAGES = ["/staff/", "/staff/agencies/", "/staff/calendar/", "/staff/tokens/",
               "/staff/audit/"]


def test_public_home_in_both_languages(page, demo_city):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert "給市民" in page.locator("#citizens-title").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#citizens-title").inner_text() == "For citizens"
    assert_accessible(page)


def test_staff_home_renders_in_both_languages(page, demo_city):
    sign_in(page, "officer")
    assert page.locator("h1").inner_text() == "同仁首頁"
    assert "養護工程處" in page.locator("#roles-title + ul").inner_text()
    assert page.get_by_role("link", name="工作日曆").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/staff/")
    assert page.locator("h1").inner_text() == "Staff home"
    assert page.get_by_role("link", name="Working calendar").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_every_shell_page_is_accessible_and_fits_a_phone(phone_page, live_server, demo_city,
                                                         language):
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/")
    pages = ["/", "/accounts/login/"]
    for path in pages:
        page.goto(path)
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    sign_in(page, "evaluator")
    for path in STAFF_PAGES:
        page.goto(path)
        assert_accessible(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a 375px phone"


def test_keyboard_reaches_the_skip_link_with_a_visible_focus(page, demo_city):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0, "the skip link must come into view when focused"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_agency_search_updates_in_place_with_htmx(page, demo_city):
    sign_in(page, "officer")
    page.goto("/staff/agencies/")
    page.evaluate("window.__notReloaded = true")
    page.locator("#id_q").fill("區公所")
    # (not wait_for_function: its polling evaluates a string, which the CSP refuses)
    expect(page.locator("#agency-rows tbody tr")).to_have_count(38)
    assert page.evaluate("window.__notReloaded") is True
    assert "q=" in page.url  # the filter stays in the address, so it can be shared


def test_deadline_calculator(page, demo_city):
    sign_in(page, "officer")
    page.goto("/staff/calendar/?year=2025&month=2")
    page.locator("#id_start").fill("2025-01-24T09:00")
    page.locator("#id_amount").fill("6")
    page.locator("#id_unit").select_option("working_days")
    page.get_by_role("button", name="計算").click()
    expect(page.locator("#deadline-result")).to_contain_text("2025-02-08 23:59")


def test_sign_out(page, live_server, demo_city):
    sign_in(page, "chief")
    page.get_by_role("button", name="登出").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".messages")).to_contain_text("您已登出")
    page.goto("/staff/")
    assert "/accounts/login/" in page.url
