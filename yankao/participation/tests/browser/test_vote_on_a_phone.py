"""A citizen votes on a 375 px phone in chromium, in Chinese and in English; every page of
the way passes axe-core and fits the screen."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from yankao.core.models import Agency, District
from yankao.core.services.seed import city_seed
from yankao.participation import services
from yankao.participation.models import Ballot, Process
from yankao.testing.browser import PHONE, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def youth_pot(transactional_db):
    city_seed(actor=None)
    rdec = Agency.objects.get(code="rdec")
    process = services.process_create(actor=None, code="youth-2018", name_zh="青年參與式預算",
                                      name_en="Youth participatory budget", year=2018,
                                      agency=rdec, unit="Kaohsiung")
    pot = services.pot_create(actor=None, process=process, code="startups", name_zh="創業創新",
                              name_en="Start-ups and innovation", budget=2_000_000,
                              ballot_kind="k-approval", max_choices=2, min_age=16,
                              age_on=dt.date(2018, 6, 1))
    for number, (zh, en, cost) in enumerate([
            ("青年創業共享空間", "A shared space for young founders", 900_000),
            ("校園創新市集", "A campus innovation market", 600_000),
            ("社會企業培力課程", "Courses for social enterprises", 500_000)], start=1):
        proposal = services.proposal_create(actor=None, pot=pot, code=str(number),
                                            title_zh=zh, title_en=en, cost=cost,
                                            agency=Agency.objects.get(code="rdec"))
        services.proposal_review(actor=None, proposal=proposal, feasible=True)
    Process.objects.filter(pk=process.pk).update(phase=Process.Phase.BALLOT)
    pot = services.pot_open(actor=None, pot=pot)
    district = District.objects.first()
    codes = [services.voter_code_issue(actor=None, pot=pot, birth_date=dt.date(2000, 1, 1),
                                       district=district) for _ in range(2)]
    return pot, codes


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 375px phone"


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hant", {"vote": "投票", "cast": "送出我的選票", "done": "您的選票已計入",
                 "used": "已經使用過", "project": "青年創業共享空間"}),
    ("en", {"vote": "Vote", "cast": "Cast my ballot", "done": "Your ballot is counted",
            "used": "already been used", "project": "A shared space for young founders"}),
])
def test_a_citizen_votes_on_a_phone(phone_page, live_server, youth_pot, language, words):
    pot, codes = youth_pot
    code = codes[0] if language == "zh-hant" else codes[1]
    phone_page.context.set_default_timeout(60_000)  # a shared, busy CI machine
    phone_page.context.add_cookies([{"name": "django_language", "value": language,
                                     "url": live_server.url}])
    phone_page.goto("/participation/")
    assert_accessible(phone_page)
    fits(phone_page)
    phone_page.get_by_role("link", name=words["vote"], exact=True).first.click()
    expect(phone_page.get_by_text(words["project"])).to_be_visible()
    assert_accessible(phone_page)
    fits(phone_page)
    phone_page.get_by_label(words["project"]).check()
    phone_page.locator("input[name=choice]").nth(2).check()
    phone_page.locator("#id_code").fill(code.lower())
    phone_page.get_by_role("button", name=words["cast"]).click()
    expect(phone_page.get_by_role("heading", name=words["done"])).to_be_visible()
    assert_accessible(phone_page)
    fits(phone_page)
    # The same code again: refused, with the reason next to the code, nothing saved.
    phone_page.goto(f"/participation/{pot.process.code}/{pot.code}/vote/")
    phone_page.locator("input[name=choice]").first.check()
    phone_page.locator("#id_code").fill(code)
    phone_page.get_by_role("button", name=words["cast"]).click()
    expect(phone_page.get_by_role("alert").first).to_contain_text(words["used"])
    assert_accessible(phone_page)
    fits(phone_page)
    assert Ballot.objects.filter(pot=pot).count() == 1
