import datetime as dt

import pytest
from django.utils import timezone

from yankao.core.models import Role
from yankao.core.tests.factories import member
from yankao.counter import services


@pytest.fixture
def counter(city):
    legal = services.service_ensure(code="legal", name_zh="免費法律諮詢",
                                    name_en="Free legal consultation", bookable=True)
    pressure = services.service_ensure(code="blood-pressure", name_zh="量血壓",
                                       name_en="Blood-pressure check", bookable=False)
    siwei = services.site_save(actor=None, code="siwei", name_zh="四維行政中心",
                               name_en="Siwei", agency=city["rdec"])
    fongshan = services.site_save(actor=None, code="fongshan", name_zh="鳳山區公所",
                                  name_en="Fongshan", agency=city["district-fongshan"])
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    session = services.session_create(actor=None, site=siwei, service=legal,
                                      starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                      capacity=2, lawyer="志工律師甲")
    return {"legal": legal, "pressure": pressure, "siwei": siwei, "fongshan": fongshan,
            "session": session}


@pytest.fixture
def clerk(city):
    """Staff of the joint service centre (RDEC)."""
    return member(Role.OFFICER, city["rdec"], "counter_clerk")


@pytest.fixture
def fongshan_clerk(city):
    return member(Role.OFFICER, city["district-fongshan"], "fongshan_clerk")
