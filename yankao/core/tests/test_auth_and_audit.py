"""Sign-in, lockout after repeated failures, and the audit trail they leave."""

import pytest
from django.test import Client

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
    audit_record(actor=officer, action="case.reply", obj=mine, from_state="in_progress",
                 to_state="replied", reason="路燈已修復")
    audit_record(actor=epb_officer, action="case.reply", obj=city["environmental-protection"])
    history = list(audit_history_for(actor=officer, obj=mine))
    assert [(e.from_state, e.to_state, e.reason) for e in history if e.action == "case.reply"] == [
        ("in_progress", "replied", "路燈已修復")
    ]
    assert not audit_history_for(actor=epb_officer, obj=mine).exists()
    assert audit_event_list(actor=officer, action="case.").count() == 1
    assert audit_event_list(actor=evaluator, action="case.").count() == 2


@pytest.mark.parametrize("path", ["/staff/", "/staff/agencies/", "/staff/calendar/",
                                  "/staff/tokens/", "/staff/audit/"])
def test_staff_pages_need_a_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
