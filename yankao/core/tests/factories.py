"""factory_boy factories for core records. Tests that need a role use ``member``."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from yankao.core.models import Agency, Membership, Role


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name_zh = factory.Sequence(lambda n: f"測試機關{n}")
    name_en = factory.Sequence(lambda n: f"Test Agency {n}")
    kind = Agency.Kind.FIRST_LEVEL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "小明"
    last_name = "王"
    password = factory.django.Password("pw-for-tests")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.OFFICER


def member(role: str, agency: Agency, username: str | None = None):
    """A user holding ``role`` in ``agency`` (through the service, so is_staff is right)."""
    from yankao.core.services.people import membership_grant

    user = UserFactory(username=username) if username else UserFactory()
    membership_grant(actor=None, user=user, agency=agency, role=role)
    user.refresh_from_db()
    return user
