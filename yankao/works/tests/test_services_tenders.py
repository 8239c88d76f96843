"""Tenders and monthly progress: bad input refused with nothing written, the update
deadline, late-update reminders, the importer."""

import datetime as dt
from decimal import Decimal

import pytest

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment, AuditEvent, Notification, Role
from yankao.core.tests.factories import member
from yankao.works.models import MonthlyProgress, Tender, WorksPolicy
from yankao.works.services.tenders import progress_reminders_send, progress_submit, tenders_import
from yankao.works.tests.factories import fake_image_upload, image_upload


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TAIPEI)


def submit(tender, actor, month="2018-03-01", actual="20", when="2018-04-03", **kwargs):
    return progress_submit(actor=actor, tender=tender, month=dt.date.fromisoformat(month),
                           actual_percent=Decimal(actual), amount_spent=2_400_000,
                           submitted_at=at(when), **kwargs)


def state():
    return (MonthlyProgress.objects.count(), Attachment.objects.count(),
            AuditEvent.objects.filter(action__startswith="progress").count())


def test_progress_takes_the_planned_curve_and_is_due_by_the_6th(tender, officer):
    row = submit(tender, officer, photos=[image_upload()])
    assert row.planned_percent == Decimal("20.00")
    assert row.due_at == dt.datetime(2018, 4, 6, 23, 59, 59, tzinfo=TAIPEI)
    assert row.on_time
    assert Attachment.objects.get().owner_id == str(row.pk)
    event = AuditEvent.objects.get(action="progress.submit")
    assert event.data == {"month": "2018-03", "planned": "20.00", "on_time": True}
    late = submit(tender, officer, month="2018-04-01", actual="30", when="2018-05-07")
    assert late.on_time is False


def test_the_update_day_is_policy(tender, officer):
    WorksPolicy.objects.filter().update(progress_update_day=10)
    row = submit(tender, officer, when="2018-04-09")
    assert row.due_at.date() == dt.date(2018, 4, 10)


def test_resubmitting_keeps_the_first_time(tender, officer):
    first = submit(tender, officer, actual="18", delay_reason="雨天", when="2018-04-02")
    again = submit(tender, officer, actual="21", when="2018-04-20")
    assert again.pk == first.pk
    assert again.submitted_at == first.submitted_at
    assert again.delay_reason == ""
    assert AuditEvent.objects.filter(action="progress.update", from_state="18.00",
                                     to_state="21.00").exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"actual": "100.01"}, "actual_percent"),
    ({"actual": "-1"}, "actual_percent"),
    ({"actual": "15"}, "delay_reason"),
    ({"stopped": True}, "stoppage_reason"),
    ({"stoppage_days": 3}, "stoppage_days"),
    ({"design_change": True}, "design_change_note"),
    ({"month": "2017-12-01"}, "month"),
    ({"month": "2999-01-01"}, "month"),
    ({"photos": [image_upload(), fake_image_upload()]}, "photos"),
])
def test_bad_progress_changes_nothing(tender, officer, kwargs, field):
    before = state()
    with pytest.raises(DomainError) as error:
        submit(tender, officer, **kwargs)
    assert error.value.field == field
    assert state() == before


def test_going_backwards_needs_a_reason(tender, officer):
    submit(tender, officer, month="2018-03-01", actual="22")
    before = state()
    with pytest.raises(DomainError, match=r"lower than the 22\.00%") as error:
        submit(tender, officer, month="2018-04-01", actual="21", delay_reason="颱風",
               when="2018-05-02")
    assert error.value.field == "regression_reason"
    assert state() == before
    row = submit(tender, officer, month="2018-04-01", actual="21", delay_reason="颱風",
                 regression_reason="前月誤報，經監造單位複核更正", when="2018-05-02")
    assert row.regression_reason.startswith("前月誤報")


def test_only_the_agency_submits(tender, epb_officer, inspector, pwb_officer):
    for actor in (epb_officer, inspector):
        with pytest.raises(DomainError) as error:
            submit(tender, actor)
        assert error.value.code == ErrorCode.FORBIDDEN
    assert submit(tender, pwb_officer).pk  # 工務局 covers 養工處


def test_reminders_go_once_per_agency_and_month_after_the_update_day(city, tender, officer,
                                                                    epb_tender):
    submit(tender, officer, month="2018-03-01")
    assert progress_reminders_send(today=dt.date(2018, 4, 6)) == 0
    assert progress_reminders_send(today=dt.date(2018, 4, 7)) == 0  # 養工處 reported
    submit(tender, officer, month="2018-04-01", actual="30", when="2018-05-03")
    epb_officer = member(Role.OFFICER, city["environmental-protection"], "t_epb2")
    epb_officer.email = "epb@example.invalid"
    epb_officer.save()
    assert progress_reminders_send(today=dt.date(2018, 5, 8)) == 1
    notification = Notification.objects.get(kind="works.progress_late")
    assert notification.recipient == "epb@example.invalid"
    assert epb_tender.pcc_number in notification.body
    assert progress_reminders_send(today=dt.date(2018, 5, 9)) == 0


def test_tender_import_is_idempotent(city, tmp_path):
    path = tmp_path / "tenders.csv"
    path.write_text(
        "pcc_number,agency_code,title,budget_amount,contract_amount,awarded_on,contractor,"
        "supervisor,start_date,end_date,district_code\n"
        "1070301-11,pwb-maintenance,鼓山區臨海二路路面更新工程,\"8,800,000\",7950000,"
        "2018-02-01,大鼎營造有限公司,建國工程顧問有限公司,2018-03-01,2018-08-31,804\n"
        "1070301-12,nowhere,x,1,1,2018-02-01,a,b,2018-03-01,2018-08-31,\n"
        "1070301-13,pwb-maintenance,y,1,1,2018-02-30,a,b,2018-03-01,2018-08-31,\n"
        "1070301-14,pwb-maintenance,z,100,100,2018-02-01,a,b,2018-03-01,2018-02-01,\n",
        encoding="utf-8")
    result = tenders_import(path, actor=None)
    assert (result.created, result.updated, len(result.rejected)) == (1, 0, 3)
    tender = Tender.objects.get(pcc_number="1070301-11")
    assert tender.budget_amount == 8_800_000
    assert tender.district.name_zh == "鼓山區"
    again = tenders_import(path, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_tender_without_a_budget_amount_is_refused_naming_the_field(city, tmp_path):
    from yankao.works.tests.factories import make_tender

    for budget in (None, 0):
        with pytest.raises(DomainError) as refused:
            make_tender(city["pwb-maintenance"], number="1070301-20", budget_amount=budget)
        assert refused.value.field == "budget_amount"
    with pytest.raises(DomainError) as refused:
        make_tender(city["pwb-maintenance"], number="1070301-20", arrangement="loaned")
    assert refused.value.field == "arrangement"
    assert not Tender.objects.exists()
    path = tmp_path / "tenders.csv"
    path.write_text(
        "pcc_number,agency_code,title,budget_amount,contract_amount,awarded_on,contractor,"
        "supervisor,start_date,end_date,arrangement\n"
        "1100301-01,pwb-maintenance,a,,900000,2021-02-01,a,b,2021-03-01,2021-08-31,\n"
        "1100301-02,pwb-maintenance,b,1200000,900000,2021-02-01,a,b,2021-03-01,2021-08-31,補助\n"
        "1100301-03,pwb-maintenance,c,1200000,900000,2021-02-01,a,b,2021-03-01,2021-08-31,"
        "lent\n", encoding="utf-8")
    result = tenders_import(path, actor=None)
    assert result.created == 1
    assert [(row.row, row.reason) for row in result.rejected] == [
        (2, "budget_amount: missing"), (4, "arrangement: not own, subsidised or delegated")]
    assert Tender.objects.get().arrangement == "subsidised"


def test_the_daily_job_sends_the_reminders(city, tender, officer, monkeypatch):
    from yankao.works import tasks

    monkeypatch.setattr("yankao.works.services.common.today_taipei",
                        lambda: dt.date(2018, 3, 8))
    assert tasks.progress_reminders.call_local() == 1
    assert Notification.objects.get().recipient == "officer@example.invalid"
    assert tasks.progress_reminders.call_local() == 0


def test_written_progress_checks(tender, officer, inspector):
    from yankao.works.models import ProgressCheck
    from yankao.works.selectors import (
        inspection_priority_list,
        progress_check_candidates,
        progress_checks_month,
    )
    from yankao.works.services.tenders import progress_check_record

    submit(tender, officer, actual="10", delay_reason="雨季")  # 10 points behind in March
    march = dt.date(2018, 3, 1)
    assert [c.pcc_number for c in progress_check_candidates(actor=inspector, month=march)] \
        == [tender.pcc_number]
    with pytest.raises(DomainError) as refused:
        progress_check_record(actor=officer, tender=tender, month=march, finding="inspect",
                              note="x")
    assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as refused:
        progress_check_record(actor=inspector, tender=tender, month=march, finding="inspect")
    assert refused.value.field == "note"
    with pytest.raises(DomainError) as refused:
        progress_check_record(actor=inspector, tender=tender, month=dt.date(2099, 1, 1),
                              finding="on_schedule")
    assert refused.value.field == "month"
    assert not ProgressCheck.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="progress_check").exists()

    check = progress_check_record(actor=inspector, tender=tender, month=dt.date(2018, 3, 17),
                                  finding="action", note="請提趕工計畫",
                                  checked_at=at("2018-04-10"))
    assert check.month == march and check.checked_by == inspector
    assert progress_check_candidates(actor=inspector, month=march) == []
    month = progress_checks_month(actor=officer, month=march)  # the agency sees its own
    assert (month.count, month.target, month.met) == (1, 20, False)
    reasons = {r.code for e in inspection_priority_list(actor=inspector, as_of=dt.date(
        2018, 4, 30)) for r in e.reasons}
    assert "written_check" not in reasons
    progress_check_record(actor=inspector, tender=tender, month=march, finding="inspect",
                          note="落後 10 個百分點，列入優先查核", checked_at=at("2018-04-11"))
    assert ProgressCheck.objects.get().finding == "inspect"  # corrected, not doubled
    assert list(AuditEvent.objects.filter(action__startswith="progress_check").order_by(
        "id").values_list("action", "to_state")) == [("progress_check.record", "action"),
                                   ("progress_check.update", "inspect")]
    entry = next(e for e in inspection_priority_list(actor=inspector, as_of=dt.date(
        2018, 4, 30)) if e.pcc_number == tender.pcc_number)
    assert "written_check" in {reason.code for reason in entry.reasons}


def test_from_2023_08_09_the_priority_list_names_the_categories_of_section_4(
        city, inspector, officer, epb_officer):
    """§4 ¶3 of the text of 2023-08-09 names the tenders to put first; the list's reasons
    say which; earlier texts name none. Media reports and designations are the team's to
    record, an inspection request the agency's (§4 ¶4)."""
    from yankao.works.models import PriorityFlag
    from yankao.works.selectors import inspection_priority_list, priority_flag_list
    from yankao.works.services.tenders import priority_flag_record
    from yankao.works.tests.factories import make_tender

    tender = make_tender(city["pwb-maintenance"], number="1120801-01", amount=7_000_000,
                         budget_amount=10_000_000, start_date=dt.date(2023, 1, 2),
                         end_date=dt.date(2024, 6, 30))
    priority_flag_record(actor=inspector, tender=tender, source="media",
                         noted_on=dt.date(2023, 8, 20), reference="https://news.example/1",
                         note="報導工地積水")
    priority_flag_record(actor=officer, tender=tender, source="agency_request",
                         noted_on=dt.date(2023, 8, 21), note="請協助查核")
    for actor, source in ((officer, "designated"), (epb_officer, "agency_request"),
                          (inspector, "agency_request")):
        with pytest.raises(DomainError) as refused:
            priority_flag_record(actor=actor, tender=tender, source=source, note="x",
                                 noted_on=dt.date(2023, 8, 21))
        assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as refused:
        priority_flag_record(actor=inspector, tender=tender, source="gossip", note="x")
    assert refused.value.field == "source"
    assert PriorityFlag.objects.count() == 2
    # The agency reads only its own request; the media report stays the team's.
    assert [flag.source for flag in priority_flag_list(actor=officer, tender=tender)] == [
        "agency_request"]

    entry = next(e for e in inspection_priority_list(actor=inspector,
                                                     as_of=dt.date(2023, 9, 1))
                 if e.pcc_number == tender.pcc_number)
    reasons = {reason.code: reason.category for reason in entry.reasons}
    assert reasons["low_award_ratio"].startswith("§4 ¶3 item 2: ")  # 70 % of the budget
    assert "決標標價偏低" in reasons["low_award_ratio"] or "low price" in reasons[
        "low_award_ratio"]
    assert reasons["media"].startswith("§4 ¶3 item 1: ")
    assert reasons["agency_request"] == ""  # ¶4: for reference, not a category
    before = next(e for e in inspection_priority_list(actor=inspector,
                                                      as_of=dt.date(2023, 8, 8))
                  if e.pcc_number == tender.pcc_number)
    assert {reason.category for reason in before.reasons} == {""}
    response = client_for(inspector).get("/staff/works/priority/?as_of=2023-09-01")
    assert "§4 ¶3 item 2" in response.content.decode()


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
