"""``yankao import cases FORMAT FILE``: the three formats, idempotent, rejected rows."""

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.utils import translation

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.core.imports import find_importer, no_progress
from yankao.core.imports import parse_datetime as parse_datetime_text
from yankao.servicedesk.models import Case, CaseStatus

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(fmt, name):
    with translation.override("en"):
        return find_importer("cases", fmt)(FIXTURES / name, actor=None, progress=no_progress)


def test_roc_dates_with_morning_and_afternoon():
    assert parse_datetime_text("107/01/02 下午 03:30:00").hour == 15
    assert parse_datetime_text("107/01/02 上午 12:30:00").hour == 0
    assert parse_datetime_text("107/01/02 下午 12:05").hour == 12
    moment = parse_datetime_text("2018/01/02 08:15:32")
    assert moment.tzinfo == TAIPEI and moment.year == 2018


def test_open1999_json_is_idempotent_and_lists_rejected_rows(catalogue, city):
    result = run("open1999-json", "open1999.json")
    # The repeated row 7 is an older snapshot of row 1's case; the unknown category and
    # the unknown status are kept (a placeholder, registered), each with its note.
    assert (result.created, result.updated, result.unchanged, result.superseded) == \
        (6, 0, 0, 1)
    assert result.rejected == []
    notes = {row.row: row.label for row in result.notes}
    assert notes == {5: "lat: location left out: lat must be between -90 and 90.",
                     6: "Status_: unknown code '9' (StatusName_ ''); imported as registered"}
    assert [(u.column, u.value, u.rows) for u in result.unmapped] == \
        [("category", "飛碟降落", 1)]
    closed = Case.objects.get(external_id="10701020001")
    assert closed.status == CaseStatus.CLOSED and closed.agency == city["pwb-maintenance"]
    assert closed.handling_seconds == 2 * 3600 + 24 * 60 + 28
    assert closed.district.name_zh == "苓雅區"
    assert Case.objects.get(external_id="10701030003").agency == city["flood-control"]
    assert not Case.objects.get(external_id="10701030004").category.public
    again = run("open1999-json", "open1999.json")
    assert (again.created, again.updated, again.unchanged, again.superseded) == (0, 0, 6, 1)
    assert Case.objects.count() == 6


def test_taipei_csv_with_roc_dates(catalogue, city):
    result = run("taipei-csv", "taipei.csv")
    assert result.created == 4
    reasons = sorted(row.label for row in result.rejected)
    assert reasons == ["受理日期: not a date: '107/13/40 上午 09:00:00'",
                       "結案日期: closed before it was registered"]
    # A unit this city does not have is kept for mapping; the case waits for routing.
    assert [(u.column, u.value) for u in result.unmapped if u.column == "agency"] == \
        [("agency", "臺北市政府捷運公司")]
    assert Case.objects.get(external_id="TP1070100004").agency is None
    closed = Case.objects.get(external_id="TP1070100001")
    assert closed.registered_at.astimezone(TAIPEI).hour == 9
    assert closed.closed_at.astimezone(TAIPEI).hour == 15
    assert closed.agency == city["transportation"] and not closed.category.public
    assert Case.objects.get(external_id="TP1070100003").status == CaseStatus.REGISTERED
    assert run("taipei-csv", "taipei.csv").unchanged == 4


def test_open311_xml_and_an_update(catalogue, tmp_path):
    result = run("open311-xml", "open311.xml")
    # NOPE is kept under a placeholder; the request with one coordinate has none.
    assert result.created == 4 and result.rejected == []
    assert [u.value for u in result.unmapped] == ["NOPE"]
    assert [n.label for n in result.notes] == [
        "lat: location left out: Give both latitude and longitude."]
    case = Case.objects.get(external_id="638349")
    assert case.status == CaseStatus.IN_PROGRESS
    changed = tmp_path / "later.xml"
    text = (FIXTURES / "open311.xml").read_text().replace(
        "<status>open</status>\n    <service_code>KH-003", "<status>closed</status>\n"
        "    <service_code>KH-003")
    changed.write_text(text)
    later = find_importer("cases", "open311-xml")(changed, actor=None, progress=no_progress)
    assert (later.created, later.updated, later.unchanged) == (0, 1, 3)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_file_that_is_not_xml_is_one_clear_error(catalogue, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<service_requests><request>")
    with pytest.raises(DomainError, match="not XML"):
        find_importer("cases", "open311-xml")(bad, actor=None, progress=no_progress)
    assert Case.objects.count() == 0


def test_the_command_shows_progress_and_the_summary(tmp_path):
    from yankao.core.tests.test_cli import clean_env, yankao

    env = clean_env(tmp_path)
    assert yankao("manage", "migrate", "-v", "0", env=env).returncode == 0
    assert yankao("manage", "seed_city", "kaohsiung", env=env).returncode == 0
    seed = subprocess.run(
        [sys.executable, "-m", "yankao", "manage", "shell", "-c",
         "from yankao.servicedesk.catalogue import catalogue_seed; catalogue_seed()"],
        env=env, capture_output=True, text=True, timeout=120)
    assert seed.returncode == 0, seed.stderr
    path = tmp_path / "open1999.json"
    shutil.copy(FIXTURES / "open1999.json", path)
    first = yankao("import", "cases", "open1999-json", str(path), env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == ("7 rows read: 6 created, 0 updated, 0 unchanged, "
                                            "0 rejected, 1 superseded by a later snapshot")
    assert "import cases" in first.stderr
    again = yankao("import", "cases", "open1999-json", str(path), env=env)
    assert again.stdout.startswith("7 rows read: 0 created, 0 updated, 6 unchanged, 0 rejected")


@pytest.mark.django_db(transaction=True)
def test_batches_outside_a_transaction_and_a_failing_batch(catalogue, monkeypatch):
    """The command's own path: not inside a transaction, several batches (on PostgreSQL
    written by the writer threads on their own connections). A batch that fails stops the
    import with its error; the batches before it are whole, none is half-written."""
    from yankao.servicedesk.imports import pipeline

    monkeypatch.setattr(pipeline, "BATCH", 2)
    result = run("open1999-json", "open1999.json")
    assert (result.created, result.superseded, len(result.rejected)) == (6, 1, 0)
    assert Case.objects.filter(source="open1999").count() == 6
    assert sorted(Case.objects.values_list("assignments__case__external_id", flat=True)
                  .exclude(assignments=None)) == \
        ["10701020001", "10701020002", "10701030003", "10701030004", "10701030005"]
    assert run("open1999-json", "open1999.json").unchanged == 6

    Case.objects.filter(source="open1999").update(status_notes="changed elsewhere")
    written = pipeline._write_batch
    calls = []

    lock = threading.Lock()

    def second_batch_fails(source, batch, actor=None):
        with lock:  # two writer threads may be here at once
            calls.append(list(batch.external_ids))
            second = len(calls) == 2
        counts = written(source, batch, actor)
        if second:
            raise RuntimeError("disk full")
        return counts

    monkeypatch.setattr(pipeline, "_write_batch", second_batch_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        run("open1999-json", "open1999.json")
    notes = dict(Case.objects.values_list("external_id", "status_notes"))
    assert Case.objects.filter(source="open1999").count() == 6
    # The batch that failed rolled back whole: its cases keep the earlier notes.
    assert all(notes[number] == "changed elsewhere" for number in calls[1])


def test_text_with_tabs_newlines_and_backslashes_is_stored_as_written(catalogue, tmp_path):
    """On PostgreSQL the rows go as COPY text, which escapes these characters; NUL, which
    PostgreSQL text cannot hold, is dropped."""
    import json

    record = json.loads((FIXTURES / "open1999.json").read_text())[0]
    record.update(FileNo_="10799990001", BeforeDesc_="路燈\t不亮\\\n第二行\r\n完",
                  AfterDesc_="已修復\x00", address_="C:\\路\t1號")
    path = tmp_path / "one.json"
    path.write_text(json.dumps([record], ensure_ascii=False))
    assert find_importer("cases", "open1999-json")(path, actor=None,
                                                   progress=no_progress).created == 1
    case = Case.objects.get(external_id="10799990001")
    assert case.description == "路燈\t不亮\\\n第二行\r\n完"
    assert case.address == "C:\\路\t1號"
    assert case.status_notes in ("已修復", "已修復\x00")
    assert case.assignments.get().reply == case.status_notes
