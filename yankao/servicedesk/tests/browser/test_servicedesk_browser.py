"""The service desk in chromium: intake, routing, inbox, reply, extension with the section
chief's approval, an Open311 key on a phone (the citizen's journey is in
test_citizen_journey.py) — each page checked
with axe-core in both languages."""

import re

import pytest
from playwright.sync_api import expect

from yankao.servicedesk import services
from yankao.servicedesk.models import Case, CaseKind, CaseStatus, Category, Channel, Extension
from yankao.testing.browser import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def no_tiles(page):
    """Map tiles come from a tile server; tests stay offline."""
    page.route(re.compile(r"https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())


def accessible_in_both_languages(page, live_server):
    url = page.url
    for language in ("en", "zh-hant"):
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        page.goto(url)
        assert_accessible(page)


def new_petition():
    category = Category.objects.get(code="P-ENV")
    return services.case_register(actor=None, actor_label="test", category=category,
                                  description="夜間工廠排放臭味", channel=Channel.PHONE,
                                  kind=CaseKind.PETITION, address="高雄市苓雅區四維三路2號",
                                  reporter_name="瀏覽器測試員")[0]


def new_dispatch(**extra):
    category = Category.objects.get(name_zh="路面坑洞(一)")
    return services.case_register(actor=None, actor_label="test", category=category,
                                  description="坑洞很深", channel=Channel.APP,
                                  latitude="22.6218", longitude="120.312", **extra)[0]


def test_operator_intake_by_keyboard(page, live_server, demo_city):
    no_tiles(page)
    sign_in(page, "operator")
    page.goto("/staff/servicedesk/intake/")
    expect(page.locator("#id_category")).to_be_focused()
    page.keyboard.type("KH-007 路面坑洞(一)")
    page.keyboard.press("Tab")
    page.keyboard.type("22.6218")
    page.keyboard.press("Tab")
    page.keyboard.type("120.312")
    page.locator("#id_description").fill("中正一路機車道有坑洞")
    page.locator("#id_duration_seconds").fill("95")
    page.locator("#id_description").press("Control+Enter")
    created = page.locator("#created")
    expect(created).to_be_visible()
    number = Case.objects.latest("id").number
    expect(created).to_contain_text(number)
    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.ASSIGNED and case.calls.count() == 1
    accessible_in_both_languages(page, live_server)


def test_registrar_routes_from_the_queue(page, live_server, demo_city):
    case = new_petition()
    sign_in(page, "registrar")
    page.goto("/staff/servicedesk/routing/")
    accessible_in_both_languages(page, live_server)
    page.locator(f"input[value='{case.number}']").check()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".messages")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and case.agency.code == "environmental-protection"


def test_agency_inbox_filters_and_takes_cases(page, live_server, demo_city):
    import datetime as dt

    from django.utils import timezone

    late = new_dispatch(registered_at=timezone.now() - dt.timedelta(hours=7))
    sign_in(page, "officer")
    page.goto("/staff/servicedesk/inbox/")
    expect(page.locator("#inbox-rows tbody tr").first).to_contain_text(
        Case.objects.filter(agency__code="pwb-maintenance", status="assigned").order_by(
            "due_at").first().number)
    accessible_in_both_languages(page, live_server)
    page.evaluate("window.__notReloaded = true")
    page.locator("#id_status").select_option("overdue")
    page.wait_for_url(re.compile(r"status=overdue"))
    expect(page.locator("#inbox-rows")).to_contain_text(late.number)
    assert page.evaluate("window.__notReloaded") is True
    page.locator(f"input[name=assignments][value='{late.assignments.get().pk}']").check()
    page.get_by_role("button", name=re.compile("Take the chosen cases|承辦所選案件")).click()
    expect(page.locator(".messages")).to_be_visible()
    late.refresh_from_db()
    assert late.status == CaseStatus.IN_PROGRESS


def test_reply_and_extension_with_the_section_chiefs_approval(page, live_server, demo_city):
    case = new_dispatch()
    sign_in(page, "officer")
    page.goto(f"/staff/servicedesk/cases/{case.number}/")
    accessible_in_both_languages(page, live_server)
    page.locator("summary", has_text=re.compile("Request an extension|申請展延")).click()
    page.locator("#id_ext-new_due_at").fill("2099-12-31T17:00")
    page.locator("#id_ext-reason").fill("需封路並調派機具")
    page.locator("#id_ext-notice").fill("您好，本案需封路施工，預計明日完成。")
    page.locator("#id_ext-notice").locator("xpath=ancestor::form").locator(
        "button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Extension.objects.get().status == "pending"
    page.get_by_role("button", name=re.compile("Sign out|登出")).click()
    sign_in(page, "chief")
    page.goto(f"/staff/servicedesk/cases/{case.number}/")
    expect(page.locator("#decide-title")).to_be_visible()
    accessible_in_both_languages(page, live_server)
    page.locator("button[name=approve][value='1']").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Extension.objects.get().status == "approved"
    page.get_by_role("button", name=re.compile("Sign out|登出")).click()
    sign_in(page, "officer")
    page.goto(f"/staff/servicedesk/cases/{case.number}/")
    page.locator("#id_reply-reply").fill("已完成坑洞填補並回報。")
    page.locator("#id_reply-reply").locator("xpath=ancestor::form").locator(
        "button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.FIELD_REPORTED


def test_administrator_makes_an_open311_key_on_a_phone(page, live_server, demo_city):
    """The key is shown once; the page works at phone width, in both languages."""
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    page.goto("/staff/servicedesk/")
    page.get_by_role("link", name=re.compile("Open311")).click()
    page.locator("#id_name").fill("里長通報 App")
    page.get_by_role("button", name=re.compile("Make a key|產生金鑰")).click()
    key = page.locator("#new-key code").inner_text()
    assert key.startswith("o311_")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    accessible_in_both_languages(page, live_server)
    assert key not in page.content()  # shown once, not again
