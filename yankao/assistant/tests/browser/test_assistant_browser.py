"""The assistant on a 375 px phone, in both languages: an answer, three suggestions with
"none of these", and a hand-over that opens a service-desk case — axe-core on each page."""

import pytest
from playwright.sync_api import expect

from yankao.assistant import selectors
from yankao.assistant.models import Conversation
from yankao.servicedesk.models import Case
from yankao.testing.browser import assert_accessible

pytestmark = pytest.mark.browser


def use_language(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_phone_asks_is_answered_and_hands_over(transactional_db, faq, phone_page, live_server,
                                               language):
    selectors.search_index()  # jieba's dictionary loads once per process (~1 s)
    page = phone_page
    use_language(page, live_server, language)
    page.goto("/assistant/")
    assert_accessible(page)
    box = page.locator("#id_question")
    box.fill("垃圾车今天没来")  # Simplified input
    box.press("Enter")
    answer = page.locator(".exchange").last
    expect(answer.locator(".answer__title")).to_be_visible()
    expect(box).to_have_value("")  # cleared by assistant.js after the htmx swap
    box.fill("停車的費用")
    page.locator(".ask button[type=submit]").click()
    suggestions = page.locator(".exchange").last.locator(".suggestion")
    expect(suggestions.first).to_be_visible()
    assert 2 <= suggestions.count() <= 4
    assert_accessible(page)
    page.locator(".exchange").last.locator(".suggestion--none").click()
    expect(page.locator(".exchange").last.locator("a.button")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px phone"
    page.locator(".exchange").last.locator("a.button").click()
    page.wait_for_url("**/assistant/person/")
    assert_accessible(page)
    page.locator("#id_name").fill("陳小姐")
    page.locator("#id_email").fill("chen@example.org")
    page.locator("#id_district").select_option("802")
    page.locator("form.panel button[type=submit]").click()
    expect(page.locator("#handover-case")).to_be_visible()
    assert_accessible(page)
    case = Case.objects.get()
    assert case.number in page.locator("#handover-case").inner_text()
    assert "停車的費用" in case.description and "以上皆非" in case.description
    assert Conversation.objects.get().case_number == case.number
