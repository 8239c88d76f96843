"""The demo city's open data: the 2018 report's figures from the records, at any scale,
labels that the checks give again when they run on the stored files, a searchable
catalogue with complete national metadata. (One test: the build is the slow part.)"""

import io

import pytest

from yankao.core import demo as core_demo
from yankao.core.demo import DemoContext
from yankao.core.permissions import CITY_WIDE
from yankao.opendata import demo
from yankao.opendata.models import Dataset
from yankao.opendata.national import missing_fields, national_metadata
from yankao.opendata.selectors.figures import catalogue_figures, quality_figures
from yankao.opendata.selectors.search import SearchQuery, catalogue_search
from yankao.opendata.services.quality import quality_assess


@pytest.mark.django_db
def test_the_demo_gives_the_reports_figures_from_its_records():
    ctx = DemoContext(scale=0.001, seed=2018, out=io.StringIO(), show_progress=False)
    core_demo.build(ctx)
    demo.build(ctx)

    figures = catalogue_figures(actor=CITY_WIDE, year=2018)
    assert (figures.datasets, figures.resources, figures.agencies) == (1542, 3647, 70)
    assert (figures.datasets_added, figures.resources_added) == (157, 569)
    before = catalogue_figures(actor=CITY_WIDE, year=2017)
    assert (before.datasets, before.resources) == (1385, 3078)
    assert quality_figures(actor=CITY_WIDE, year=2018).gold == 455
    assert quality_figures(actor=CITY_WIDE, year=2017).gold == 17

    for level in ("gold", "silver", "bronze"):
        dataset = Dataset.objects.filter(quality=level, state="published",
                                         access="public").order_by("identifier").first()
        assert quality_assess(actor=None, dataset=dataset).level == level

    assert catalogue_search(actor=None, query=SearchQuery(text="人口 統計")).count > 0
    dataset = Dataset.objects.filter(state="published", access="public").first()
    assert missing_fields(national_metadata(dataset)) == []
