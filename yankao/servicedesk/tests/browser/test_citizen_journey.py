"""Issue #12's journey in chromium, on a 375 px phone in Chinese and on a desktop in
English, axe-clean at every page: a citizen reports from the home page by the map; a
second citizen at the same place sees it as a nearby report and follows it instead; both
get the e-mails (read from the outbox); the officer sees the to-do count, answers and
closes; the reporter reads the answer on /track/; the public pages show the report
without personal data."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from yankao.core.models import Notification
from yankao.servicedesk.models import Case, CaseStatus, Subscription
from yankao.testing.browser import DESKTOP, PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser

PLACE = {"latitude": 22.6218, "longitude": 120.3120}  # 苓雅區, by the city hall
WORDS = {
    "zh-hant": {"report": "我要反映", "next": "下一步", "topic": "路燈不亮",
                "follow": "改為追蹤這件", "answer": "機關的回覆"},
    "en": {"report": "Report a problem", "next": "Next: what is it?",
           "topic": "A street light is out", "follow": "Follow this one instead",
           "answer": "The agency's answer"},
}


def fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def checked(page, width):
    assert_accessible(page)
    fits(page, width)
    screenshot(page, width)


def screenshot(page, width):
    """With YANKAO_SCREENSHOTS=<folder> the journey also photographs each page it checks
    (docs/images/citizen-*.png are made this way)."""
    folder = os.environ.get("YANKAO_SCREENSHOTS")
    if not folder:
        return
    url = urlsplit(page.url)
    name = url.path.strip("/").replace("/", "-") or "home"
    name = re.sub(r"\d{8}-\d+", "case", name)
    name = re.sub(r"^(follow|unsubscribe)-.*", r"\1", name)  # no token in a file name
    name = name.replace("staff-servicedesk-cases-case", "staff-case")
    if name == "report":
        query = parse_qs(url.query)
        name += ("-sent" if page.locator("#case-number").count() else "-details"
                 if "topic" in query else "-topic" if "lat" in query else "-place")
    device = "phone" if width == PHONE["width"] else "desktop"
    language = page.evaluate("document.documentElement.lang").lower()
    page.screenshot(path=Path(folder) / f"citizen-{name}-{device}-{language}.png",
                    full_page=device == "phone")


def a_citizen(browser, live_server, viewport, language):
    phone = viewport is PHONE
    context = browser.new_context(
        viewport=viewport, locale="zh-TW" if language == "zh-hant" else "en-GB",
        base_url=live_server.url, is_mobile=phone, has_touch=phone,
        geolocation=PLACE, permissions=["geolocation"])
    context.set_default_timeout(60_000)  # a shared, busy machine
    context.add_cookies([{"name": "django_language", "value": language,
                          "url": live_server.url}])
    context.route(re.compile(r"https?://(?!127\.0\.0\.1|localhost).*"),
                  lambda route: route.abort())  # offline: no tile server is reached
    return context.new_page()


def to_the_topic(page, words, width):
    """From the home page: the pin by the map (the device's location, then a tap on the
    map where it is), then the topic in plain words."""
    page.goto("/")
    checked(page, width)
    page.locator("#home-report").click()
    expect(page.locator("#pick-map[data-ready='1']")).to_be_attached()
    checked(page, width)
    page.locator("[data-locate]").click()
    expect(page.locator("#pick-map[data-pinned='1']")).to_be_attached()
    page.locator("#pick-map").click()  # the tap lands where the map is centred: the place
    assert abs(float(page.locator("#id_lat").input_value()) - PLACE["latitude"]) < 0.001
    assert abs(float(page.locator("#id_lng").input_value()) - PLACE["longitude"]) < 0.001
    page.get_by_role("button", name=words["next"]).click()
    page.get_by_role("link", name=re.compile(words["topic"])).first.click()
    expect(page.locator("#report-form")).to_be_visible()
    checked(page, width)


def mails_to(address):
    return list(Notification.objects.filter(recipient=address).order_by("pk"))


@pytest.mark.parametrize(("viewport", "language"), [(PHONE, "zh-hant"), (DESKTOP, "en")],
                         ids=["phone-zh-hant", "desktop-en"])
def test_report_follow_answer_close_track(browser, live_server, demo_city, viewport,
                                          language):
    words, width = WORDS[language], viewport["width"]

    # 1. A citizen reports from the home page, by the map.
    reporter = a_citizen(browser, live_server, viewport, language)
    to_the_topic(reporter, words, width)
    reporter.locator("#id_description").fill("路燈整晚不亮，電話 0912-345-678 請聯絡")
    reporter.locator("#id_name").fill("林美麗")
    reporter.locator("#id_phone").fill("0987-654-321")
    reporter.locator("#id_email").fill("meili@example.org")
    reporter.locator("#report-form button[type=submit]").click()
    number = reporter.locator("#case-number").inner_text()
    password = reporter.locator("#case-password").inner_text()
    expect(reporter.locator("#answer-due")).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d"))
    checked(reporter, width)
    case = Case.objects.get(number=number)
    assert case.agency is not None

    # 2. A neighbour at the same place sees it before sending, and follows it instead.
    neighbour = a_citizen(browser, live_server, viewport, language)
    to_the_topic(neighbour, words, width)
    nearby = neighbour.locator("#nearby")
    expect(nearby).to_contain_text(number)
    neighbour.locator(f"#follow-{number}").fill("neighbour@example.org")
    nearby.get_by_role("button", name=words["follow"]).first.click()
    checked(neighbour, width)
    assert Case.objects.count() == Case.objects.filter(pk__lte=case.pk).count()  # no copy
    confirm = re.search(r"/follow/[\w-]+/", mails_to("neighbour@example.org")[0].body)
    neighbour.goto(confirm.group(0))  # the link in the e-mail, on this server
    checked(neighbour, width)
    assert Subscription.objects.get(case=case, is_reporter=False).status == "active"

    # 3. The officer of the handling agency sees it in the to-do count, answers, closes.
    officer = a_citizen(browser, live_server, viewport, language)
    username = case.agency.memberships.filter(role="officer").values_list(
        "user__username", flat=True).first()
    sign_in(officer, username)
    expect(officer.locator("#todo-count")).to_contain_text(re.compile(r"\d"))
    officer.locator("#todo-count").click()
    officer.goto(f"/staff/servicedesk/cases/{number}/")
    checked(officer, width)
    officer.locator("#id_reply-reply").fill("已更換燈泡，路燈恢復正常。")
    officer.locator("#id_reply-reply").locator("xpath=ancestor::form").locator(
        "button[type=submit]").click()
    expect(officer.locator(".messages")).to_be_visible()
    officer.locator("#id_close-note").fill("維修完成結案")
    officer.locator("#id_close-note").locator("xpath=ancestor::form").locator(
        "button[type=submit]").click()
    expect(officer.locator(".messages")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    # 4. The e-mails: the reporter's receipt, answer and closing (with the survey), the
    #    neighbour's answer and closing; each with a one-click unsubscribe.
    to_reporter = mails_to("meili@example.org")
    assert len(to_reporter) >= 3
    assert any("已更換燈泡" in mail.body for mail in to_reporter)
    assert "/survey/" in to_reporter[-1].body
    to_neighbour = mails_to("neighbour@example.org")[1:]
    assert any("已更換燈泡" in mail.body for mail in to_neighbour)
    assert all("List-Unsubscribe" in mail.headers for mail in to_reporter + to_neighbour)

    # 5. The reporter tracks the case: the answer, and the closing note apart.
    reporter.goto("/track/")
    checked(reporter, width)
    reporter.locator("#id_number").fill(number)
    reporter.locator("#id_password").fill(password)
    reporter.locator("form.panel button[type=submit]").click()
    expect(reporter.locator("#answer")).to_contain_text("已更換燈泡")
    expect(reporter.get_by_role("heading", name=words["answer"])).to_be_visible()
    expect(reporter.locator("#closing-note")).to_contain_text("維修完成結案")
    checked(reporter, width)

    # 6. The public map and page: the report, without personal data.
    neighbour.goto("/cases/")
    expect(neighbour.locator(f"a[href='/cases/{number}/']").first).to_be_attached()
    checked(neighbour, width)
    neighbour.goto(f"/cases/{number}/")
    expect(neighbour.locator("[data-pins][data-ready='1']")).to_be_attached()
    checked(neighbour, width)
    content = neighbour.content()
    for private in ("林美麗", "0987-654-321", "0912-345-678", "meili@example.org"):
        assert private not in content
    assert "已更換燈泡" in content
    for tab in (reporter, neighbour, officer):
        tab.context.close()
