"""A citizen books a free legal consultation on a 375 px phone, in both languages, and a
clerk of the site sees the booking; axe-core on every page."""

import pytest
from playwright.sync_api import expect

from yankao.counter.models import Booking
from yankao.testing.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_phone_books_a_consultation(transactional_db, counter, phone_page, live_server,
                                    language):
    page = phone_page
    page.set_default_timeout(30_000)  # a shared 2-core machine: slow, not broken
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])
    page.goto("/counter/legal/")
    assert_accessible(page)
    page.locator(".cards a.button").first.click()
    page.wait_for_url("**/book/")  # axe on a document half-way through the navigation fails
    assert_accessible(page)
    page.locator("#id_name").fill("林小姐")
    page.locator("#id_phone").fill("0912-000-111")
    page.locator("form.panel button[type=submit]").click()
    expect(page.locator("#booked")).to_be_visible()
    assert_accessible(page)
    assert Booking.objects.get().number in page.locator("#booked").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_clerk_sees_the_sessions(transactional_db, counter, clerk, page, live_server):
    clerk.set_password("demo")
    clerk.save()
    page.set_default_timeout(30_000)
    sign_in(page, clerk.username)
    page.goto("/staff/counter/")
    assert_accessible(page)
    page.goto(f"/staff/counter/sessions/{counter['session'].pk}/")
    assert_accessible(page)
