"""The demo city: the report's volumes, scaled; open cases today; no reporter data in the
public outputs."""

import io
from decimal import Decimal

import pytest

from yankao.core.demo import demo_build
from yankao.core.numbers import round_half_up
from yankao.servicedesk.demo import CURRENT_REPORTERS
from yankao.servicedesk.models import Case, CaseStatus
from yankao.servicedesk.selectors import statistics as figures
from yankao.servicedesk.services import rollups_rebuild
from yankao.servicedesk.tests.test_rollups import snapshot


@pytest.fixture
def demo(transactional_db):
    return demo_build(scale=0.01, out=io.StringIO(), show_progress=False)


def test_volumes_follow_the_report_at_the_scale(demo, client):
    kinds = figures.counts_by_kind(year=2018)
    # A city sensor's alert (the 23 August 2018 flood, when citydata is installed) is one of
    # the report's dispatch cases, not one more.
    assert kinds == {"dispatch": demo.scaled(82_934), "mailbox": demo.scaled(21_466),
                     "petition": demo.scaled(209_477) - demo.scaled(21_466)}
    calls = figures.consultation_answered(year=2018)
    assert calls.calls == demo.scaled(835_594)
    assert round_half_up(calls.consultation_share, 1) == Decimal("36.9")
    assert round_half_up(calls.at_once_rate, 1) == Decimal("99.8")
    outcomes = figures.calls_by_outcome(year=2018)
    assert round(100 * outcomes["case_created"] / calls.calls, 1) == 31.8
    assert sum(figures.counts_by_month(year=2018).values()) == sum(kinds.values())
    # Through the app (高雄一指通): the report's 38,650 dispatch and 1,729 mailbox cases.
    dispatch_app = figures.counts_by_channel(year=2018, kind="dispatch")["app"]
    assert dispatch_app == round(demo.scaled(82_934) * 38_650 / 82_934)
    assert figures.counts_by_channel(year=2018, kind="mailbox")["app"] == round(
        demo.scaled(21_466) * 1_729 / 21_466)
    assert Case.objects.filter(status__in=[CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS,
                                           CaseStatus.REGISTERED]).exclude(
        registered_at__year=2018).count() >= 8
    # The demo loader's writes went into the rollups as a recount from the cases finds them.
    kept = snapshot()
    assert rollups_rebuild(actor=None) == Case.objects.count()
    assert snapshot() == kept
    # The public outputs carry none of the demo reporters' data.
    bodies = [client.get(path).content.decode() for path in (
        "/open311/v2/requests.json?extensions=true", "/open311/v2/requests.xml",
        "/report/", "/")]
    for name, phone, email in CURRENT_REPORTERS:
        for value in (name, phone, email):
            if value:
                assert all(value not in body for body in bodies)
