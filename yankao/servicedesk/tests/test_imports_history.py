"""A city's own history with its own times: mailbox cases, the call log and surveys."""

import datetime as dt

import pytest

from yankao.core.calendar import TAIPEI
from yankao.core.imports import find_importer, no_progress
from yankao.servicedesk.models import Call, Case, CaseStatus, Survey
from yankao.servicedesk.selectors import statistics

pytestmark = pytest.mark.django_db


def run(kind, path):
    return find_importer(kind, "csv")(path, actor=None, progress=no_progress)


def test_a_past_year_filled_through_imports_keeps_its_times(catalogue, city, tmp_path):
    cases = tmp_path / "mailbox.csv"
    # As a city's export: Big5, ROC dates, a category by name, agencies by name or code.
    cases.write_bytes(
        "id,kind,category,agency,registered_at,answered_at,closed_at,description\r\n"
        "M2021-001,mailbox,道路與公共工程,工務局,110/03/01 上午 09:00:00,110/03/04 下午 02:00:00,"
        "110/03/05,路面不平\r\n"
        "M2021-002,mailbox,P-ENV,environmental-protection,2021/3/2 下午 12:30:00,,,垃圾\r\n"
        "M2021-003,mailbox,,工務局,2021/3/3,,,\r\n".encode("cp950"))
    result = run("cases", cases)
    assert (result.created, [(r.row, r.label) for r in result.rejected]) == \
        (2, [(4, "category: no category")])
    letter = Case.objects.get(external_id="M2021-001")
    assert letter.registered_at == dt.datetime(2021, 3, 1, 9, tzinfo=TAIPEI)
    assert letter.status == CaseStatus.CLOSED and letter.agency == city["public-works"]
    assert letter.handling_seconds == (3 * 24 + 5) * 3600
    assert Case.objects.get(external_id="M2021-002").status == CaseStatus.ASSIGNED
    assert run("cases", cases).unchanged == 2

    calls = tmp_path / "calls.csv"
    calls.write_text(
        "id,received_at,duration_seconds,outcome,answered_at_once,case\n"
        "C1,2021/1/5 上午 08:01:02,95,consultation,yes,\n"
        "C2,2021/1/5 下午 12:10:00,３００,case_created,,IM-M2021-001\n"
        "C3,2021/2/1 上午 10:00:00,40,other,,\n"
        "C4,2021/2/1 上午 10:00:00,40,hung_up,,\n", encoding="utf-8")
    result = run("calls", calls)
    assert (result.created, [(r.row, r.label) for r in result.rejected]) == (3, [
        (5, "outcome: must be one of consultation, case_created, transferred, other, "
            "not 'hung_up'")])
    assert Call.objects.get(external_id="C2").case == letter
    assert statistics.calls_per_month(year=2021, months=(1, 2)) == {1: 2, 2: 1}
    assert run("calls", calls).unchanged == 3

    surveys = tmp_path / "surveys.csv"
    surveys.write_text(
        "case,invited_at,answered_at,score,comment\n"
        "IM-M2021-001,2021/3/5,2021/3/6 上午 10:00:00,5,\n"
        "IM-M2021-002,2021/3/5,,,\n"
        "IM-NOPE,2021/3/5,,,\n", encoding="utf-8")
    result = run("surveys", surveys)
    assert (result.created, [r.label for r in result.rejected]) == \
        (2, ["case: no case 'IM-NOPE' (import the cases first)"])
    assert Survey.objects.get(case=letter).answered_at.year == 2021
    figures = statistics.satisfaction(year=2021)
    assert (figures.invited, figures.answered, figures.satisfied) == (2, 1, 1)
    assert run("surveys", surveys).unchanged == 2
