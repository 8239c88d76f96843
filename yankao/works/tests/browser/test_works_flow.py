"""Public works in a real browser (chromium): an inspector records an inspection with
defects on a phone, the agency reports its improvement with photos, the team verifies and
re-inspects; every works page passes axe-core in both languages at 375 px."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from yankao.testing.browser import PHONE, assert_accessible, sign_in
from yankao.works.models import Defect, Inspection, Tender

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _offline(settings):
    # No map tiles from the network in tests; the map draws its dots on a blank ground.
    settings.YANKAO_MAP_TILES = ""


def block_network(page, live_server) -> list[str]:
    """Abort (and remember) every request that does not go to the live server."""
    outside: list[str] = []

    def handle(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return outside


def jpeg(colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 375px phone"


def switch_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])


def test_inspection_improvement_and_reinspection(browser, live_server, demo_city):
    tender = Tender.objects.filter(agency__code="pwb-maintenance",
                                   status=Tender.Status.IN_PROGRESS).order_by("pk").first()

    # 1. The inspector, on a 375 px phone, records the inspection with two defects.
    phone = browser.new_context(viewport=PHONE, locale="zh-TW", base_url=live_server.url,
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    outside = block_network(page, live_server)
    sign_in(page, "inspector")
    page.goto(f"/staff/works/tenders/{tender.pk}/")
    page.get_by_role("link", name="記錄查核").click()
    expect(page.locator("#id_tender")).to_have_value(tender.pcc_number)
    assert_accessible(page)
    fits_the_phone(page)
    expect(page.locator("#id_inspector-0-name")).to_have_value("李建宏")
    page.locator("#id_inspector-0-score").fill("66")
    page.locator("#id_inspector-1-name").fill("陳國樑")
    page.locator("#id_inspector-1-score").fill("150")
    page.locator("#id_defect-0-code").select_option("5.07")
    page.locator("#id_defect-0-severity").select_option("major")
    page.locator("#id_defect-0-deduction_points").fill("3")
    page.locator("#id_defect-0-description").fill("二樓樓板開口未設護欄")
    page.locator("#id_defect-1-code").select_option("5.01")
    page.locator("#id_defect-1-description").fill("柱混凝土蜂窩未修補")
    page.locator("#id_test-0-material").select_option("concrete")
    page.locator("#id_test-0-result").select_option("passed")
    page.get_by_role("button", name="儲存查核紀錄").click()
    # A score above 100 is refused with a clear error; nothing is saved.
    expect(page.locator(".field--error").first).to_be_visible()
    assert not Inspection.objects.filter(tender=tender, created_by__username="inspector")
    page.locator("#id_inspector-1-score").fill("70")
    page.get_by_role("button", name="儲存查核紀錄").click()
    page.wait_for_url(re.compile(r"/staff/works/inspections/IN-\d{4}-\d{4}/$"))
    expect(page.locator("#inspection-score")).to_contain_text("68")
    expect(page.locator("#inspection-score")).to_contain_text("丙等")
    expect(page.get_by_role("heading", name="丙等處置事項（第10條）")).to_be_visible()
    assert_accessible(page)
    fits_the_phone(page)
    page.get_by_role("button", name="送達查核紀錄").click()
    expect(page.locator("#inspection-status")).to_contain_text("紀錄已送達機關")
    inspection_path = page.url.replace(live_server.url, "")
    number = inspection_path.rstrip("/").rsplit("/", 1)[1]

    # 2. The agency's officer reports the improvements with photos before and after.
    office = browser.new_context(viewport=PHONE, locale="zh-TW", base_url=live_server.url,
                                 is_mobile=True, has_touch=True)
    officer = office.new_page()
    outside += block_network(officer, live_server)
    sign_in(officer, "officer")
    for index, defect in enumerate(Defect.objects.filter(inspection__number=number)
                                   .order_by("pk")):
        officer.goto(inspection_path)
        officer.locator(f"#defect-{defect.pk}").get_by_role("link", name="回報改善").click()
        officer.wait_for_url(f"**/defects/{defect.pk}/improve/")
        assert_accessible(officer)
        fits_the_phone(officer)
        officer.locator("#id_note").fill("已依查核意見改善完成")
        officer.locator("#id_before_photos").set_input_files([jpeg((180, 40, 40))])
        if index == 0:
            # A file that is not an image is refused, and nothing is saved.
            officer.locator("#id_after_photos").set_input_files(
                [{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 not"}])
            officer.get_by_role("button", name="送查核小組確認").click()
            expect(officer.locator(".error").first).to_be_visible()
            defect.refresh_from_db()
            assert defect.status == Defect.Status.OPEN
            officer.locator("#id_before_photos").set_input_files([jpeg((180, 40, 40))])
        officer.locator("#id_after_photos").set_input_files([jpeg((40, 160, 60))])
        officer.get_by_role("button", name="送查核小組確認").click()
        officer.wait_for_url(f"**{inspection_path}")
        expect(officer.locator(f"#defect-{defect.pk} .defect-status")).to_have_text("已報改善")
        expect(officer.locator(f"#defect-{defect.pk} img")).to_have_count(2)
    assert_accessible(officer)

    # 3. The inspector verifies both improvements: the inspection closes; then re-inspects.
    page.goto(inspection_path)
    for defect in Defect.objects.filter(inspection__number=number):
        page.locator(f"#defect-{defect.pk}").get_by_role("button", name="儲存審查結果").click()
        page.wait_for_load_state()
    expect(page.locator("#inspection-status")).to_contain_text("結案")
    page.get_by_role("link", name="記錄複查").click()
    expect(page.get_by_role("heading", name="記錄複查")).to_be_visible()
    assert_accessible(page)
    fits_the_phone(page)
    page.locator("#id_inspector-0-score").fill("84")
    page.get_by_role("button", name="儲存查核紀錄").click()
    page.wait_for_url(re.compile(r"/staff/works/inspections/IN-\d{4}-\d{4}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("複查")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    again = Inspection.objects.get(first_inspection__number=number)
    assert (again.kind, again.score) == ("re_inspection", 84)
    assert outside == []
    phone.close()
    office.close()


PAGES = ["/staff/works/?year=2018", "/staff/works/tenders/", "/staff/works/tenders/map/",
         "/staff/works/inspections/?year=2018", "/staff/works/board/",
         "/staff/works/priority/?as_of=2018-12-31", "/staff/works/compliance/?year=2018",
         "/staff/works/reports/?year=2018", "/staff/works/training/?year=2018",
         "/staff/works/inspections/new/", "/staff/works/inspections/plan/",
         "/staff/works/reports/new/", "/staff/works/checks/?month=2018-12"]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_every_works_page_is_accessible_on_a_phone(phone_page, live_server, demo_city,
                                                   language):
    page = phone_page
    outside = block_network(page, live_server)
    switch_language(page, live_server, language)
    page.goto("/works/report/")
    assert_accessible(page)
    fits_the_phone(page)
    sign_in(page, "inspector")
    tender = Tender.objects.filter(agency__code="pwb-maintenance").order_by("pk").first()
    inspection = Inspection.objects.filter(agency__code="pwb-maintenance",
                                           grade="poor").order_by("pk").first()
    report = inspection.tender.citizen_reports.first() or tender.citizen_reports.first()
    pages = [*PAGES, f"/staff/works/tenders/{tender.pk}/",
             f"/staff/works/inspections/{inspection.number}/"]
    if report is not None:
        pages.append(f"/staff/works/reports/{report.number}/")
    for path in pages:
        page.goto(path)
        assert_accessible(page)
        fits_the_phone(page)
    page.goto("/staff/works/tenders/map/")
    page.wait_for_selector("#tender-map[data-ready]")
    assert int(page.locator("#tender-map").get_attribute("data-ready")) > 0
    page.goto("/staff/works/?year=2018")
    page.wait_for_selector("#grade-chart[data-ready]")
    expect(page.locator("#figure-inspections")).to_have_text("148 / 63")
    expect(page.locator("#figure-satisfied")).to_have_text("80.95%")
    # The officer's own pages: progress, improvement.
    page.context.clear_cookies()
    switch_language(page, live_server, language)
    sign_in(page, "officer")
    defect = Defect.objects.filter(inspection__agency__code="pwb-maintenance",
                                   status=Defect.Status.OPEN).first()
    for path in (f"/staff/works/tenders/{tender.pk}/progress/",
                 f"/staff/works/tenders/{tender.pk}/edit/", "/staff/works/tenders/new/",
                 f"/staff/works/defects/{defect.pk}/improve/", "/staff/works/board/"):
        page.goto(path)
        assert_accessible(page)
        fits_the_phone(page)
    assert outside == []
