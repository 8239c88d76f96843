"""The provider's claims mapped to memberships: granted, ended when gone, hand-made ones
left alone."""

import pytest

from yankao.core.models import Membership, Role
from yankao.core.services.people import membership_grant, staff_user_create
from yankao.sso.backend import memberships_sync
from yankao.sso.models import Identity

pytestmark = pytest.mark.django_db


def test_claims_grant_and_end_only_the_providers_memberships(city):
    user = staff_user_create(actor=None, username="sso-user")
    identity = Identity.objects.create(issuer="https://id.city.example", subject="42",
                                       user=user)
    by_hand = membership_grant(actor=None, user=user, agency=city["rdec"], role=Role.EVALUATOR)
    memberships_sync(identity=identity, claimed=["pwb-maintenance:officer",
                                                 "environmental-protection:officer"])
    memberships_sync(identity=identity, claimed=["pwb-maintenance:officer"])
    active = set(Membership.objects.filter(user=user, active=True).values_list(
        "agency__code", "role"))
    assert active == {("pwb-maintenance", "officer"), ("rdec", "evaluator")}
    by_hand.refresh_from_db()
    assert by_hand.active
    memberships_sync(identity=identity, claimed="not a list")
    assert set(Membership.objects.filter(user=user, active=True).values_list(
        "agency__code", "role")) == {("rdec", "evaluator")}
