"""The demo city reproduces section 壹 of the 2018 report from records, through the figure
registry the annual report reads."""

import io

from django.utils import translation

from yankao.core.demo import demo_build
from yankao.participation.models import Proposal
from yankao.reports import figures
from yankao.reports.figures import Period
from yankao.reports.generate import generate


def test_section_one_of_2018_from_the_demo_records(db):
    demo_build(scale=0.001, out=io.StringIO(), show_progress=False)
    period = Period(year=2018)
    expected = {
        "participation.innovation_proposals": 69, "participation.innovation_judges": 7,
        "participation.innovation_awarded": 45, "participation.youth_themes": 4,
        "participation.youth_selected": 9, "participation.district_proposals": 15,
        "participation.district_selected": 5, "participation.presidents_meetings": 12,
        "participation.hackathon_agencies": 9, "participation.hackathon_teams": 30,
        "research.thesis_grants": 7, "research.thesis_awards": 4,
        "research.journal_issues": 2, "research.glossary_terms": 11,
        "research.service_nominees": 71, "research.service_recommended": 6,
        "research.courtesy_agencies": 58, "research.courtesy_calls": 272,
        "research.courtesy_samples": 544, "research.studies_finished": 1,
    }
    with figures.computing():
        found = {key: figures.get(key).compute(period).number for key in expected}
        first = figures.get("research.courtesy_first").compute(period).text
        second = figures.get("research.courtesy_second").compute(period).text

    with translation.override("zh-hant"), figures.computing():
        tiers = figures.get("participation.innovation_tiers").rows(period)
    assert found == expected
    assert (first, second) == ("85.14", "84.84")
    assert [row[:3] for row in tiers] == [["優等", 4, 4], ["甲等", 17, 17], ["乙等", 13, 13],
                                          ["佳作", 11, 11]]
    winners = set(Proposal.objects.filter(pot__process__code="qianzhen-2018", selected=True)
                  .values_list("title_zh", flat=True))
    assert winners == {"西甲「蝸牛屋關懷據點」", "崗山仔「健康Easy Go」",
                       "籬子內「活跳跳銀髮健身俱樂部」", "草衙「漁港裝笑微+幸福」",
                       "前鎮「前鎮老人手機班」"}
    # Section 壹 of the annual report is generated from these figures.
    html = generate(structure="annual", year=2018, month=None, fmt="html", language="zh-hant",
                    base_url=None, progress=lambda done, total, step: None).decode()
    section = html[html.index("研究發展"):html.index("綜合計畫")]
    for text in ("69", "544", "85.14", "84.84", "市政創新提案", "電話禮貌測試"):
        assert text in section, text
