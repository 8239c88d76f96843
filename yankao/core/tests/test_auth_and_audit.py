"""Sign-in, lockout after repeated failures, and the audit trail they leave."""

import pytest
from django.test import Client

from yankao.core.audit import CoreAction
from yankao.core.models import AuditEvent
from yankao.core.selectors import audit_event_list, audit_history_for
from yankao.core.services.audit import audit_record


def login(client, username, password, ip="203.0.113.7"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_successful_login_is_audited_with_the_address(client, officer):
    response = login(client, "t_officer", "pw-for-tests")
    assert response.status_code == 302 and response["Location"] == "/staff/"
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == officer and event.ip == "203.0.113.7"


def test_wrong_password_is_audited_and_says_so(client, officer):
    response = login(client, "t_officer", "wrong")
    assert response.status_code == 200
    assert "使用者名稱或密碼錯誤" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None and event.data == {"username": "t_officer"}


def test_repeated_wrong_logins_are_locked_out_and_audited(client, officer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "t_officer", "wrong").status_code == 200
    locked = login(client, "t_officer", "wrong")
    assert locked.status_code == 429
    assert "登入已鎖定" in locked.content.decode()
    # Even the right password is refused while locked.
    assert login(client, "t_officer", "pw-for-tests").status_code == 429
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 2
    # Another address is not locked out.
    assert login(Client(), "t_officer", "pw-for-tests", ip="198.51.100.9").status_code == 302


def test_logout_is_a_post_and_is_audited(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=officer).exists()


def test_history_and_log_are_scoped_to_agencies(city, officer, epb_officer, evaluator):
    mine = city["pwb-maintenance"]
    audit_record(actor=officer, action=CoreAction.RECORD_UPDATE, obj=mine,
                 from_state="in_progress", to_state="replied", reason="路燈已修復")
    audit_record(actor=epb_officer, action=CoreAction.RECORD_UPDATE,
                 obj=city["environmental-protection"])
    history = list(audit_history_for(actor=officer, obj=mine))
    assert [(e.from_state, e.to_state, e.reason) for e in history
            if e.action == "record.update"] == [("in_progress", "replied", "路燈已修復")]
    assert not audit_history_for(actor=epb_officer, obj=mine).exists()
    assert audit_event_list(actor=officer, action="record.").count() == 1
    assert audit_event_list(actor=evaluator, action="record.").count() == 2


def test_audit_actions_must_be_enum_members(city, officer):
    """A free string (a typo waiting to happen) is refused; so is an enum that is not an
    AuditAction. Members are stored as their plain value."""
    from enum import StrEnum

    class Stray(StrEnum):
        REPLY = "case.reply"

    before = AuditEvent.objects.count()
    for action in ("case.reply", Stray.REPLY, None):
        with pytest.raises(TypeError):
            audit_record(actor=officer, action=action, obj=city["pwb-maintenance"])
    assert AuditEvent.objects.count() == before
    event = audit_record(actor=officer, action=CoreAction.RECORD_UPDATE,
                         obj=city["pwb-maintenance"])
    event.refresh_from_db()
    assert event.action == "record.update" and type(event.action) is str


def test_every_app_declares_its_actions_in_its_audit_module():
    """Each installed app with services has <app>/audit.py with one AuditAction subclass, and
    no two apps declare the same stored value."""
    import importlib

    from django.apps import apps

    from yankao.core.audit import AuditAction

    seen: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("yankao."):
            continue
        module = importlib.import_module(f"{config.name}.audit")
        enums = [value for value in vars(module).values() if isinstance(value, type)
                 and issubclass(value, AuditAction) and value is not AuditAction]
        assert enums, f"{config.name}.audit declares no AuditAction subclass"
        for enum in enums:
            for member in enum:
                assert seen.setdefault(member.value, enum.__name__) == enum.__name__, (
                    f"{member.value} is declared twice")


@pytest.mark.parametrize("path", ["/staff/", "/staff/agencies/", "/staff/calendar/",
                                  "/staff/tokens/", "/staff/audit/"])
def test_staff_pages_need_a_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
