"""Reminder emails for due and overdue reports; the back office of the policy."""

import datetime as dt

from django.core import mail

from yankao.core.models import AuditEvent
from yankao.programs.models import ControlPolicy
from yankao.programs.services.reminders import report_reminders_queue
from yankao.programs.tests.conftest import submit


def test_reminders_once_when_due_soon_and_once_when_overdue(
        make_program, officer, django_capture_on_commit_callbacks):
    officer.email = "officer@kcg.gov.tw"
    officer.save()
    quiet, reported = make_program("QUIET"), make_program("DONE")
    submit(reported, 1, "8.33", actor=officer)
    assert quiet and report_reminders_queue(today=dt.date(2018, 2, 1)) == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert report_reminders_queue(today=dt.date(2018, 2, 9)) == 1
        assert report_reminders_queue(today=dt.date(2018, 2, 10)) == 0  # sent once
        assert report_reminders_queue(today=dt.date(2018, 2, 13)) == 1  # overdue
    assert [m.subject for m in mail.outbox] == [
        "即將到期：QUIET 2018-01 進度月報", "已逾期：QUIET 2018-01 進度月報",
    ]
    assert all(m.to == ["officer@kcg.gov.tw"] for m in mail.outbox) and len(mail.outbox) == 2
    assert "2018-02-12" in mail.outbox[0].body


def test_administrators_edit_the_policy(client, city, administrator_user):
    client.force_login(administrator_user)
    policy = ControlPolicy.objects.get()
    response = client.post(f"/admin/programs/controlpolicy/{policy.pk}/change/", {
        "effective_from": "2011-01-01", "delay_minor_points": "4.00",
        "delay_severe_points": "8.00", "report_due_day": "15",
        "budget_execution_floor_pct": "80.00", "document_overdue_flag_pct": "3.00",
        "source": "修正",
    })
    assert response.status_code == 302, response.content[:500]
    policy.refresh_from_db()
    assert (policy.delay_minor_points, policy.report_due_day) == (4, 15)
    assert AuditEvent.objects.filter(action="record.update",
                                     object_type__model="controlpolicy").exists()
    for path in ("/admin/programs/gradeband/", "/admin/programs/program/",
                 "/admin/programs/progressreport/", "/admin/programs/evaluationround/"):
        assert client.get(path).status_code == 200, path
    refused = client.post(f"/admin/programs/controlpolicy/{policy.pk}/change/", {
        "effective_from": "2011-01-01", "delay_minor_points": "9.00",
        "delay_severe_points": "8.00", "report_due_day": "31",
        "budget_execution_floor_pct": "80.00", "document_overdue_flag_pct": "3.00",
    })
    assert refused.status_code == 200  # the form shows the errors
    policy.refresh_from_db()
    assert policy.delay_minor_points == 4


def test_administrators_enter_tracked_items_and_the_release_stays_a_service(
        client, city, administrator_user):
    from yankao.programs.models import SubsidyCase

    client.force_login(administrator_user)
    response = client.post("/admin/programs/subsidycase/add/", {
        "agency": city["pwb-maintenance"].pk, "year": "2018", "code": "B-1",
        "title": "前鎮區道路改善工程", "budget": "3000000",
    })
    assert response.status_code == 302, response.content[:500]
    case = SubsidyCase.objects.get()
    assert (case.control_status, case.executed) == ("tracking", 0)
    assert AuditEvent.objects.filter(action="record.create",
                                     object_type__model="subsidycase").exists()
    page = client.get(f"/admin/programs/subsidycase/{case.pk}/change/").content.decode()
    assert 'name="control_status"' not in page
    for path in ("/admin/programs/councilresolution/add/", "/admin/programs/budgetrequest/",
                 "/admin/programs/enterpriseevaluation/add/"):
        assert client.get(path).status_code == 200, path


def test_the_commission_puts_a_program_under_control(client, city, evaluator, officer):
    from yankao.programs.models import Program

    client.force_login(officer)
    assert client.get("/staff/programs/new/").status_code == 403
    client.force_login(evaluator)
    data = {"year": "2019", "code": "108-001", "name_zh": "道路平整提升計畫", "name_en": "",
            "agency": "pwb-maintenance", "control_level": "city", "budget": "300000000",
            "summary": ""}
    response = client.post("/staff/programs/new/", data)
    program = Program.objects.get()
    assert response.status_code == 302 and program.agency.code == "pwb-maintenance"
    duplicate = client.post("/staff/programs/new/", data)
    assert duplicate.status_code == 409 and Program.objects.count() == 1
