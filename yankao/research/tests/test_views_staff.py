"""The research staff's record pages over HTTP: commissioned research with milestones, a
thesis grant, a trip report with recommendations to agencies, a journal issue with its
articles, a service-award nomination and a courtesy-test call. The commission records;
an agency's officer is refused; mistakes are shown with nothing saved."""

import datetime as dt

import pytest
from django.urls import reverse

from yankao.research import services
from yankao.research.models import (
    CourtesyCall,
    JournalIssue,
    ResearchProject,
    ServiceAwardNomination,
    ThesisGrant,
    TripReport,
)


def new(kind):
    return reverse("research:record-new", args=[kind])


@pytest.fixture
def staff(client, evaluator):
    client.force_login(evaluator)
    client.cookies["django_language"] = "en"
    return client


def test_research_theses_trips_and_the_journal(staff, city):
    for kind in ("project", "thesis", "trip", "journal", "nomination", "courtesy"):
        assert staff.get(new(kind)).status_code == 200, kind
    bad = staff.post(new("project"), {
        "year": 2021, "title": "1999 大數據分析（第二期）", "contractor": "國立中山大學",
        "amount": 980_000, "signed_on": "2021-03-01", "status": "contracted",
        "milestones": "期中報告 | 2021-13-01"})
    assert bad.status_code == 422 and "a date is written" in bad.content.decode()
    assert not ResearchProject.objects.exists()
    staff.post(new("project"), {
        "year": 2021, "title": "1999 大數據分析（第二期）", "contractor": "國立中山大學",
        "amount": 980_000, "signed_on": "2021-03-01", "status": "contracted",
        "milestones": "期中報告 | 2021-07-31 | 2021-07-20\n期末報告 | 2021-12-15"})
    project = ResearchProject.objects.get()
    assert [(m.name, m.due_on, m.done_on) for m in project.milestones.order_by("due_on")] == [
        ("期中報告", dt.date(2021, 7, 31), dt.date(2021, 7, 20)),
        ("期末報告", dt.date(2021, 12, 15), None)]
    staff.post(new("thesis"), {"year": 2021, "student": "陳同學", "university": "高雄大學",
                               "degree": "碩士", "title": "參與式預算之研究",
                               "status": "granted", "amount": 30_000})
    assert ThesisGrant.objects.get().amount == 30_000
    unknown = staff.post(new("trip"), {
        "year": 2021, "agency": city["rdec"].pk, "title": "日本智慧城市考察",
        "destination": "東京", "travellers": "研考會 2 人", "summary": "考察心得",
        "status": "submitted", "recommendations": "nowhere | 推動開放資料"})
    assert unknown.status_code == 422 and not TripReport.objects.exists()
    staff.post(new("trip"), {
        "year": 2021, "agency": city["rdec"].pk, "title": "日本智慧城市考察",
        "destination": "東京", "travellers": "研考會 2 人", "summary": "考察心得",
        "status": "submitted", "recommendations": "transportation | 公車動態資訊開放"})
    [recommendation] = TripReport.objects.get().recommendations.all()
    assert recommendation.agency == city["transportation"]
    staff.post(new("journal"), {"number": 31, "theme": "智慧城市", "published_on": "2021-06-30",
                                "articles": "城市資料治理 | 林教授 | 摘要一"})
    issue = JournalIssue.objects.get(number=31)
    assert list(issue.articles.values_list("title", "authors")) == [("城市資料治理", "林教授")]


def test_nominations_and_courtesy_calls(staff, city, evaluator):
    staff.post(new("nomination"), {"year": 2021, "agency": city["rdec"].pk,
                                   "category": "整體服務類"})
    again = staff.post(new("nomination"), {"year": 2021, "agency": city["rdec"].pk,
                                           "category": "整體服務類"})
    assert again.status_code == 422 and "already nominated" in again.content.decode()
    assert ServiceAwardNomination.objects.get().stage == "written"
    plan = services.courtesy_plan_create(
        actor=evaluator, year=2021, rounds=2, calls_per_round=2,
        agencies=[city["rdec"], city["finance"]],
        items=[("禮貌", "Courtesy", 60), ("專業", "Knowledge", 40)])
    items = list(plan.items.order_by("order").values_list("pk", flat=True))
    data = {"round": 1, "called_at": "2021-05-03T10:15", "agency": city["finance"].pk,
            f"item_{items[0]}": 55, f"item_{items[1]}": 38}
    done = staff.post(new("courtesy"), data)
    assert done["Location"] == reverse("research:courtesy", args=[2021])
    over = staff.post(new("courtesy"), {**data, f"item_{items[1]}": 41})
    assert over.status_code == 422
    wrong_round = staff.post(new("courtesy"), {**data, "round": 3})
    assert wrong_round.status_code == 422 and "no round 3" in wrong_round.content.decode()
    assert list(CourtesyCall.objects.values_list("total", flat=True)) == [93]


def test_an_officer_cannot_record_research(client, city, officer):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    refused = client.post(new("nomination"), {"year": 2021, "agency": city["rdec"].pk,
                                              "category": "整體服務類"})
    assert refused.status_code == 422 and not ServiceAwardNomination.objects.exists()
    assert client.get(new("nothing")).status_code == 404
