"""The city data pages in a real browser (chromium): the public sensor map draws every
light from the JSON block, its popups link to a datastream's week chart, and the pages and
the staff page pass axe-core in both languages at 375 px, with nothing fetched from
outside."""

import pytest
from playwright.sync_api import expect

from yankao.citydata.models import AlertEpisode
from yankao.testing.browser import PHONE, assert_accessible, sign_in
from yankao.works.tests.browser.test_works_flow import (
    block_network,
    fits_the_phone,
    switch_language,
)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.YANKAO_MAP_TILES = ""


def test_sensor_map_chart_and_staff_page(browser, live_server, demo_city):
    context = browser.new_context(viewport=PHONE, locale="zh-TW", base_url=live_server.url,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    outside = block_network(page, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for language in ("zh-hant", "en"):
        switch_language(page, live_server, language)
        page.goto("/citydata/")
        expect(page.locator("#sensor-map")).to_have_attribute("data-ready", "49")
        assert_accessible(page)
        fits_the_phone(page)
    page.locator("#sensor-map .leaflet-interactive").first.click(force=True)
    page.locator(".sensor-popup a").first.click()
    expect(page.locator("#week-chart")).to_be_visible()
    assert_accessible(page)
    fits_the_phone(page)

    episode = AlertEpisode.objects.get()
    sign_in(page, "evaluator")
    page.goto("/staff/citydata/")
    expect(page.get_by_role("link", name=episode.case_number)).to_be_visible()
    assert_accessible(page)
    fits_the_phone(page)
    assert outside == [] and errors == []
    context.close()
