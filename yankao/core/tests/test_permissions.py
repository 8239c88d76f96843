"""The role × agency matrix of the permission helpers every selector uses."""

import pytest

from yankao.core.audit import CoreAction
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, AuditEvent, Role
from yankao.core.permissions import actor_scope, require_role, scope_queryset, sees_all
from yankao.core.services.audit import audit_record
from yankao.core.tests.factories import UserFactory, member


@pytest.fixture
def events(city):
    """One audit event owned by each of three agencies."""
    for code in ("pwb-maintenance", "public-works", "environmental-protection"):
        audit_record(actor=None, action=CoreAction.RECORD_UPDATE, obj=city[code])
    return AuditEvent.objects.filter(action=CoreAction.RECORD_UPDATE)


def codes(queryset):
    return sorted(queryset.values_list("agency__code", flat=True))


def test_officer_sees_only_own_agency(events, officer):
    assert codes(scope_queryset(events, officer)) == ["pwb-maintenance"]


def test_parent_agency_membership_covers_its_units(events, city):
    bureau_officer = member(Role.OFFICER, city["public-works"])
    assert codes(scope_queryset(events, bureau_officer)) == ["public-works", "pwb-maintenance"]
    assert codes(
        scope_queryset(events, bureau_officer, include_descendants=False)
    ) == ["public-works"]


def test_evaluator_sees_every_agency(events, evaluator):
    assert sees_all(evaluator)
    assert len(codes(scope_queryset(events, evaluator))) == 3


def test_anonymous_and_roleless_users_see_nothing(events, db):
    from django.contrib.auth.models import AnonymousUser

    assert not scope_queryset(events, AnonymousUser()).exists()
    assert not scope_queryset(events, UserFactory()).exists()


def test_roles_filter_applies(events, city):
    chief = member(Role.SECTION_CHIEF, city["pwb-maintenance"])
    assert codes(scope_queryset(events, chief, roles=[Role.SECTION_CHIEF])) == ["pwb-maintenance"]
    assert not scope_queryset(events, chief, roles=[Role.OFFICER]).exists()


def test_inactive_membership_or_agency_gives_nothing(events, city, officer):
    Agency.objects.filter(code="pwb-maintenance").update(active=False)
    officer.refresh_from_db()  # drops the cached scope
    assert not scope_queryset(events, officer).exists()


def test_require_role(officer, city):
    require_role(officer, Role.OFFICER, agency=city["pwb-maintenance"])
    with pytest.raises(DomainError) as denied:
        require_role(officer, Role.OFFICER, agency=city["environmental-protection"])
    assert denied.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as anonymous:
        require_role(None, Role.OFFICER)
    assert anonymous.value.code == ErrorCode.UNAUTHENTICATED


def test_scope_is_computed_once_per_user_object(officer, django_assert_num_queries):
    officer.refresh_from_db()
    with django_assert_num_queries(2):
        actor_scope(officer)
        actor_scope(officer)
