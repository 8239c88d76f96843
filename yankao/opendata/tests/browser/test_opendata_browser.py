"""Open data in a real browser (chromium): a citizen searches on a phone and opens a
dataset and its preview; an officer adds a resource whose file is refused on the field;
every open-data page passes axe-core in both languages at 375 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yankao.opendata.services.feedback import (
    data_request_submit,
    dataset_comment_submit,
    feedback_moderate,
)
from yankao.opendata.services.sharing import share_grant, share_link_create
from yankao.opendata.tests.helpers import png_bytes, publish_dataset
from yankao.testing.browser import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests"  # the factories' password


@pytest.fixture
def catalogue(transactional_db, live_server, officer, epb_officer, evaluator, publishers,
              city):
    lights = publish_dataset(officer, city["pwb-maintenance"], title="高雄市路燈維護統計",
                             keywords=["路燈"])
    publish_dataset(epb_officer, city["environmental-protection"], title="空氣品質監測站",
                    keywords=["空氣品質"])
    shared = publish_dataset(officer, city["pwb-maintenance"], title="路燈電費明細",
                             access="restricted")
    grant = share_grant(actor=officer, dataset=shared, agency=city["environmental-protection"],
                        purpose="用電分析", expires_at=timezone.now() + dt.timedelta(days=30))
    _link, token = share_link_create(actor=officer, grant=grant)
    request = feedback_moderate(actor=evaluator, item=data_request_submit(
        actor=None, title="路燈故障即時資料", body="請提供 API"), publish=True,
        agency=city["pwb-maintenance"])
    comment = dataset_comment_submit(actor=None, dataset=lights, body="單位不清楚")
    return {"lights": lights, "grant": grant, "token": token, "request": request,
            "comment": comment}


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 375px phone"


def test_a_citizen_searches_in_simplified_chinese_on_a_phone(phone_page, catalogue):
    page = phone_page
    page.goto("/opendata/")
    page.get_by_label("搜尋資料集").fill("路灯维护")
    page.get_by_role("button", name="搜尋").click()
    expect(page.get_by_role("status")).to_have_text("找到 1 個資料集")
    page.get_by_role("link", name="高雄市路燈維護統計").click()
    expect(page.locator("h1")).to_have_text("高雄市路燈維護統計")
    expect(page.locator("#quality-title")).to_contain_text("金標章")
    page.get_by_role("link", name="預覽與欄位").first.click()
    expect(page.locator("table")).to_contain_text("苓雅區")
    fits(page)
    assert_accessible(page)


def test_an_officer_is_told_which_field_is_wrong(page, catalogue, live_server):
    sign_in(page, "t_officer", PASSWORD)
    page.goto(f"/staff/opendata/datasets/{catalogue['lights'].name}/resources/new/")
    page.locator("#id_description").fill("照片")
    page.locator("#id_file").set_input_files(
        {"name": "lights.csv", "mimeType": "text/csv", "buffer": png_bytes()})
    page.get_by_role("button", name="新增").click()
    expect(page.locator("#id_file_error")).to_contain_text("PNG")
    assert_accessible(page)


def _public_paths(catalogue):
    resource = catalogue["lights"].resources.get()
    return ["/opendata/", "/opendata/?q=路燈&organization=pwb-maintenance",
            f"/opendata/datasets/{catalogue['lights'].name}/",
            f"/opendata/resources/{resource.pk}/",
            "/opendata/requests/", f"/opendata/requests/{catalogue['request'].number}/",
            "/opendata/statistics/", f"/opendata/shared/{catalogue['token']}/",
            "/opendata/shared/not-a-token/"]


def _staff_paths(catalogue):
    lights = catalogue["lights"]
    resource = lights.resources.get()
    return ["/staff/opendata/", "/staff/opendata/datasets/", "/staff/opendata/datasets/new/",
            f"/staff/opendata/datasets/{lights.name}/",
            f"/staff/opendata/datasets/{lights.name}/edit/",
            f"/staff/opendata/datasets/{lights.name}/resources/new/",
            f"/staff/opendata/datasets/{lights.name}/resources/{resource.pk}/fields/",
            "/staff/opendata/publishers/", "/staff/opendata/national/",
            "/staff/opendata/feedback/request/",
            f"/staff/opendata/feedback/request/{catalogue['request'].number}/",
            "/staff/opendata/feedback/comment/",
            f"/staff/opendata/feedback/comment/{catalogue['comment'].number}/",
            f"/staff/opendata/grants/{catalogue['grant'].pk}/"]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_every_page_is_accessible_and_fits_a_phone(phone_page, live_server, catalogue,
                                                   language):
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])
    for path in _public_paths(catalogue):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert_accessible(page)
        fits(page)
    sign_in(page, "t_officer", PASSWORD)
    for path in _staff_paths(catalogue):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert_accessible(page)
        fits(page)
