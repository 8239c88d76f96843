import io

import pytest
from django.contrib.auth import get_user_model

from yankao.core.demo import DEMO_USERS, DemoRefused, demo_build
from yankao.core.models import Agency, AuditEvent, ClosureDay, District, Membership
from yankao.core.services.seed import city_seed
from yankao.core.services.tokens import api_token_authenticate


def test_seed_is_the_real_city_and_idempotent(db):
    first = city_seed(actor=None)
    events = AuditEvent.objects.count()
    assert city_seed(actor=None) == first
    assert AuditEvent.objects.count() == events
    kinds = dict(Agency.objects.values_list("code", "kind"))
    assert sum(kind == "district_office" for kind in kinds.values()) == 38
    assert District.objects.count() == 38
    for code in ("pwb-maintenance", "water-resources", "transportation",
                 "environmental-protection", "police", "animal-protection", "rdec"):
        assert code in kinds, code
    outside = set(Agency.objects.filter(kind="outside").values_list("short_name_zh", flat=True))
    assert {"台電公司", "自來水公司", "中華電信公司", "欣高瓦斯"} <= outside
    assert District.objects.get(code="806").name_zh == "前鎮區"
    assert District.objects.get(code="806").office.name_zh == "高雄市前鎮區公所"


def test_demo_city_has_one_user_per_role_with_working_logins_and_tokens(db, client):
    demo_build(scale=0.01, out=io.StringIO(), show_progress=False)
    users = get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS])
    assert users.count() == len(DEMO_USERS)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"operator", "registrar", "officer", "section_chief", "evaluator",
                     "inspector", "administrator"}
    for demo_user in DEMO_USERS:
        assert api_token_authenticate(demo_user.token).username == demo_user.username
        assert users.get(username=demo_user.username).check_password("demo")
    signed_in = client.post("/accounts/login/", {"username": "officer", "password": "demo"})
    assert signed_in.status_code == 302
    assert ClosureDay.objects.count() == 2


def test_demo_is_deterministic(db):
    from yankao.core.demo import DemoContext

    a = DemoContext(scale=1, seed=7).rng_for("servicedesk")
    b = DemoContext(scale=1, seed=7).rng_for("servicedesk")
    assert [a.random() for _ in range(5)] == [b.random() for _ in range(5)]
    assert DemoContext(scale=0.01, seed=1).scaled(835_594) == 8356
    assert DemoContext(scale=0.00001, seed=1).scaled(163) == 1


def test_demo_refuses_a_database_that_holds_a_city(db):
    city_seed(actor=None)
    with pytest.raises(DemoRefused, match="already holds a city"):
        demo_build(scale=0.01, show_progress=False)


def test_demo_refuses_production(db, settings):
    settings.YANKAO_PRODUCTION = True
    with pytest.raises(DemoRefused, match="production"):
        demo_build(scale=0.01, show_progress=False)
    assert not Agency.objects.exists()
