"""Chinese search: Traditional and Simplified input, words cut by jieba, facets, filters and
ranking, on the database the suite runs on (SQLite or PostgreSQL)."""

import pytest

from yankao.opendata.selectors.search import SearchQuery, catalogue_search
from yankao.opendata.services.catalogue import dataset_update, dataset_withdraw
from yankao.opendata.tests.helpers import publish_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(officer, epb_officer, publishers, city):
    lights = publish_dataset(officer, city["pwb-maintenance"], title="高雄市路燈維護統計",
                             keywords=["路燈"])
    buses = publish_dataset(officer, city["pwb-maintenance"], title="公車站牌與路線資料",
                            keywords=["公車", "交通"])
    air = publish_dataset(epb_officer, city["environmental-protection"],
                          title="空氣品質監測站每小時觀測值", keywords=["空氣品質", "PM2.5"],
                          description="各測站每小時之監測數值。")
    return {"lights": lights, "buses": buses, "air": air}


def found(text="", **kwargs):
    return catalogue_search(actor=None, query=SearchQuery(text=text, **kwargs))


def titles(result):
    from yankao.opendata.selectors.catalogue import datasets_by_ids

    return [d.title for d in datasets_by_ids(result.ids)]


def test_traditional_and_simplified_queries_find_the_same_datasets(catalogue):
    assert titles(found("空氣品質")) == ["空氣品質監測站每小時觀測值"]
    assert titles(found("空气品质")) == ["空氣品質監測站每小時觀測值"]
    assert titles(found("公车 路线")) == ["公車站牌與路線資料"]
    assert titles(found("監測")) == titles(found("监测"))


def test_every_word_must_match_and_keywords_and_field_names_count(catalogue):
    assert found("公車 空氣").count == 0
    assert titles(found("PM2.5")) == ["空氣品質監測站每小時觀測值"]
    assert found("報修件數").count == 3  # a field name of every test file


def test_the_title_weighs_more_than_the_description(catalogue, officer):
    dataset_update(actor=officer, dataset=catalogue["lights"],
                   description="路燈報修，亦含公車站牌照明。")
    result = found("公車")
    assert titles(result)[0] == "公車站牌與路線資料" and result.count == 2


def test_facets_filters_sorting_and_paging(catalogue):
    result = found(facet_fields=("organization", "groups", "res_format", "tags"))
    assert result.count == 3
    assert result.facets["organization"] == [("pwb-maintenance", 2),
                                             ("environmental-protection", 1)]
    assert result.facets["res_format"] == [("CSV", 3)]
    assert ("路燈", 1) in result.facets["tags"]
    assert found(filters=(("organization", "pwb-maintenance"), ("tags", "公車"))).count == 1
    ordered = found(sort=(("title_string", False),), rows=2, start=1)
    assert ordered.count == 3 and len(ordered.ids) == 2
    assert titles(ordered) == sorted(d.title for d in catalogue.values())[1:]
    assert found(facet_fields=("organization",), facet_mincount=2).facets["organization"] == [
        ("pwb-maintenance", 2)]


def test_withdrawn_and_restricted_datasets_leave_the_public_results(
        catalogue, officer, epb_officer, evaluator, city):
    dataset_withdraw(actor=officer, dataset=catalogue["buses"], reason="改版")
    shared = publish_dataset(officer, city["pwb-maintenance"], title="路燈電費明細",
                             access="restricted", keywords=["路燈"])
    assert found("公車").count == 0
    assert found("電費").count == 0

    def private(actor):
        return catalogue_search(actor=actor, query=SearchQuery(text="電費",
                                                               include_private=True))

    assert private(None).count == 0
    assert private(officer).ids == [shared.pk]
    assert private(epb_officer).count == 0
    assert private(evaluator).count == 1
