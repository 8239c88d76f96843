import datetime as dt

import pytest
from django.utils import translation

from yankao.core.models import District
from yankao.participation import services
from yankao.participation.models import Process


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are compared in English, whatever an earlier test activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def district(city):
    return District.objects.get(name_zh="前鎮區")


@pytest.fixture
def voting_pot(city, evaluator, district):
    """A district pot open for voting: approval of at most 2 projects, residents of 前鎮區
    aged 16 or more on 2018-03-01, codes or accounts."""
    process = services.process_create(actor=evaluator, code="qianzhen-2018",
                                      name_zh="前鎮區參與式預算", year=2018,
                                      agency=city["rdec"], unit="Kaohsiung")
    pot = services.pot_create(
        actor=evaluator, process=process, code="qianzhen", name_zh="前鎮區", budget=1_000_000,
        district=district, ballot_kind="k-approval", max_choices=2, min_age=16,
        age_on=dt.date(2018, 3, 1), residence=district)
    for number, (title, cost) in enumerate(
            [("蝸牛屋關懷據點", 300_000), ("健康Easy Go", 400_000), ("銀髮健身俱樂部", 500_000),
             ("漁港裝笑微", 200_000)], start=1):
        proposal = services.proposal_create(actor=evaluator, pot=pot, code=str(number),
                                            title_zh=title, cost=cost,
                                            agency=district.office)
        services.proposal_review(actor=evaluator, proposal=proposal, feasible=True)
    process.phase = Process.Phase.BALLOT
    process.save(update_fields=["phase"])
    return services.pot_open(actor=evaluator, pot=pot)
