"""Research and publications through services and HTTP: the glossary from proposal to
the English pages, Chinese full-text search, courtesy tests refusing calls outside the
plan, the figures."""

import datetime as dt

import pytest
from django.utils import translation

from yankao.core.errors import DomainError
from yankao.core.models import Agency, AuditEvent
from yankao.research import selectors, services
from yankao.research.audit import ResearchAction
from yankao.research.models import CourtesyCall, GlossaryTerm


def test_an_approved_term_names_the_agency_on_english_pages(city, evaluator, client,
                                                            django_capture_on_commit_callbacks):
    agency = city["rdec"]
    term = services.glossary_propose(actor=evaluator, kind="agency", zh=agency.name_zh,
                                     en="Research, Development and Evaluation Commission (RDEC)")
    with pytest.raises(DomainError, match="Say why"):
        services.glossary_review(actor=evaluator, term=term, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.glossary_review(actor=evaluator, term=term, approve=True)
    with translation.override("en"):
        assert Agency.objects.get(pk=agency.pk).name == (
            "Research, Development and Evaluation Commission (RDEC)")
    with translation.override("zh-hant"):
        assert Agency.objects.get(pk=agency.pk).name == agency.name_zh
    exported = client.get("/glossary/?format=json").json()
    assert exported[0]["en"].endswith("(RDEC)")
    csv = client.get("/glossary/?format=csv")
    assert "(RDEC)" in b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "(RDEC)" in client.get("/glossary/?q=RDEC").content.decode()


def test_chinese_full_text_search(city, evaluator, client):
    services.journal_issue_save(actor=evaluator, number=23, theme="翻轉高雄（上）",
                                published_on=dt.date(2018, 6, 30), articles=[
                                    {"title": "港市轉型", "authors": "甲",
                                     "abstract": "高雄港與城市的轉型策略"},
                                    {"title": "智慧城市", "authors": "乙",
                                     "abstract": "開放資料與參與式預算"}])
    results = selectors.research_search("參與式預算")
    assert [doc.title for doc, _score in results] == ["智慧城市"]
    page = client.get("/research/", {"q": "港市"}).content.decode()
    assert "港市轉型" in page


def test_a_courtesy_call_outside_the_plan_is_refused(city, evaluator):
    agencies = [city["rdec"], city["finance"]]
    plan = services.courtesy_plan_create(
        actor=evaluator, year=2018, rounds=2, calls_per_round=2, agencies=agencies,
        items=[("態度", "Manner", 60), ("正確", "Correct", 40)])
    items = list(plan.items.order_by("order").values_list("pk", flat=True))
    called = dt.datetime(2018, 4, 2, 10, tzinfo=dt.UTC)
    services.courtesy_call_record(actor=evaluator, plan=plan, round=1, agency=agencies[0],
                                  called_at=called, points={items[0]: 50, items[1]: 40})
    with pytest.raises(DomainError, match="from 0 to 40"):
        services.courtesy_call_record(actor=evaluator, plan=plan, round=1, agency=agencies[1],
                                      called_at=called, points={items[0]: 50, items[1]: 41})
    with pytest.raises(DomainError, match="not in the plan"):
        services.courtesy_call_record(actor=evaluator, plan=plan, round=1,
                                      agency=city["police"], called_at=called,
                                      points={items[0]: 50, items[1]: 40})
    with pytest.raises(DomainError, match="no round 3"):
        services.courtesy_call_record(actor=evaluator, plan=plan, round=3, agency=agencies[0],
                                      called_at=called, points={items[0]: 50, items[1]: 40})
    assert CourtesyCall.objects.count() == 1
    assert AuditEvent.objects.filter(action=ResearchAction.COURTESY_REFUSED).count() == 3
    services.courtesy_call_record(actor=evaluator, plan=plan, round=1, agency=agencies[1],
                                  called_at=called, points={items[0]: 60, items[1]: 40})
    services.courtesy_call_record(actor=evaluator, plan=plan, round=2, agency=agencies[0],
                                  called_at=called, points={items[0]: 40, items[1]: 40})
    figures = selectors.courtesy_figures(year=2018)
    assert figures.samples == 3
    assert [r.mean for r in figures.rounds] == [95, 80]
    assert figures.trend == -15
    by_agency = {row.agency: row for row in selectors.courtesy_by_agency(year=2018)}
    assert by_agency[agencies[0].name_zh].change == -10


def test_only_the_commission_keeps_research_records(city, officer):
    with pytest.raises(DomainError):
        services.thesis_grant_save(actor=officer, year=2018, student="x", university="y",
                                   degree="碩士", title="z")
    assert not GlossaryTerm.objects.exists()
