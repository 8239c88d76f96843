"""The reporter vault is encrypted at rest (issue #11, finding 8): the database holds no
personal data in plain text, reveals still work and are logged, keys rotate."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from yankao.core.crypto import VaultKeyError, is_sealed
from yankao.core.models import AuditEvent, PersonalContact, Role
from yankao.core.services.vault import (
    personal_contact_reveal,
    personal_contact_store,
    vault_rotate,
)
from yankao.core.tests.factories import member

SECRET = {"name": "洩漏測試員", "phone": "0912-345-678", "email": "leak.check@example.org",
          "address": "高雄市苓雅區秘密路99號"}


def raw_row(contact) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, email, address FROM core_personalcontact "
                       "WHERE id = %s", [contact.pk])
        return dict(zip(("name", "phone", "email", "address"), cursor.fetchone(), strict=True))


@pytest.fixture
def stored(city):
    agency = city["pwb-maintenance"]
    return personal_contact_store(actor=None, owner=agency, **SECRET)


def test_the_database_holds_no_contact_in_plain_text(stored):
    row = raw_row(stored)
    for field, value in SECRET.items():
        assert value not in row[field] and is_sealed(row[field]), field
    with connection.cursor() as cursor:  # nowhere in the table's text at all
        cursor.execute("SELECT * FROM core_personalcontact")
        dump = repr(cursor.fetchall())
    assert not any(value in dump for value in SECRET.values())
    fresh = PersonalContact.objects.get(pk=stored.pk)
    assert {field: getattr(fresh, field) for field in SECRET} == SECRET


def test_a_reveal_still_reads_the_contact_and_is_logged(city, stored):
    officer = member(Role.OFFICER, city["pwb-maintenance"], "vault_officer")
    contact = personal_contact_reveal(actor=officer,
                                      contact=PersonalContact.objects.get(pk=stored.pk),
                                      handling_agencies=[city["pwb-maintenance"]])
    assert contact.phone == SECRET["phone"]
    assert AuditEvent.objects.filter(action="personal_contact.reveal", actor=officer).count() == 1


def test_keys_rotate_without_losing_a_contact(settings, stored):
    old = list(settings.YANKAO_VAULT_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.YANKAO_VAULT_KEYS = [new_key, *old]  # the new key first, the old still read
    assert PersonalContact.objects.get(pk=stored.pk).email == SECRET["email"]
    before = raw_row(stored)
    assert vault_rotate(actor=None) == 1
    assert raw_row(stored)["email"] != before["email"]
    settings.YANKAO_VAULT_KEYS = [new_key]  # the old key gone: still readable
    assert PersonalContact.objects.get(pk=stored.pk).email == SECRET["email"]
    assert AuditEvent.objects.filter(action="vault.rotate", data={"contacts": 1}).exists()
    settings.YANKAO_VAULT_KEYS = old  # only the old key: the rotated row cannot be read
    with pytest.raises(VaultKeyError):
        PersonalContact.objects.get(pk=stored.pk)


def test_validation_still_sees_the_plain_text(city):
    from yankao.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        personal_contact_store(actor=None, owner=city["rdec"], email="not-an-email")
    assert error.value.field == "email"
    with pytest.raises(DomainError):
        personal_contact_store(actor=None, owner=city["rdec"], phone="9" * 41)
