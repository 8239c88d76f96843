"""The rollups never disagree with the cases (decision 0120): random registrations,
assignments, transfers, answers, closes, surveys, merges, downgrades, filings and imports
that re-open cases, then every case figure read from the rollups equals the same figure
counted from the cases (``figures_from_rows``), and a rebuild from the cases finds the rows
the triggers kept. A failed import batch leaves no half-written rollup; the figures of the
statistics page, the dashboards and the annual report read no case but the live few; a
flush that empties the cases after the rollups leaves none behind."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.core.imports import find_importer, no_progress
from yankao.core.models import Agency, AuditEvent
from yankao.core.numbers import average
from yankao.reports.figures import Figure, Period, Table, computing, registry
from yankao.servicedesk import services
from yankao.servicedesk.models import (
    ACTIVE_ASSIGNMENT,
    CallOutcome,
    CallRollup,
    Case,
    CaseKind,
    CaseRollup,
    CategoryRollup,
    ChannelRollup,
    DistrictRollup,
    FilingGround,
    HandlingRollup,
)
from yankao.servicedesk.reports import statistics_charts, statistics_table
from yankao.servicedesk.selectors import statistics as figures
from yankao.servicedesk.services.rollups import TABLES, rollups_rebuild
from yankao.servicedesk.tests import figures_from_rows as rows
from yankao.servicedesk.tests.conftest import LINGYA

pytestmark = pytest.mark.django_db
YEAR = 2021
AGENCIES = ("pwb-maintenance", "public-works", "environmental-protection")
HANDLER = {"pwb-maintenance": "officer", "public-works": "pwb_officer",
           "environmental-protection": "epb"}
STATUS = {"2": "待確認", "3": "待處理", "4": "處理完成", "5": "解除管制"}
ROLLUP_MODELS = (CaseRollup, CategoryRollup, DistrictRollup, ChannelRollup, HandlingRollup,
                 CallRollup)

case_ref = st.integers(0, 30)
operations = st.lists(st.one_of(
    st.tuples(st.just("register"), st.sampled_from(CaseKind.values),
              st.sampled_from(["phone", "web", "app"]), st.integers(0, 24 * 80),
              st.booleans()),
    st.tuples(st.just("assign"), case_ref, st.sampled_from(AGENCIES)),
    st.tuples(st.just("transfer"), case_ref, st.sampled_from(AGENCIES)),
    st.tuples(st.just("answer"), case_ref, st.integers(0, 60 * 24 * 20)),
    st.tuples(st.just("close"), case_ref, st.integers(0, 5)),
    st.tuples(st.just("merge"), case_ref, case_ref),
    st.tuples(st.just("downgrade"), case_ref),
    st.tuples(st.just("file"), case_ref),
    st.tuples(st.just("import_"), st.integers(0, 3), st.sampled_from(sorted(STATUS)),
              st.integers(0, 24 * 80)),
    st.tuples(st.just("call"), st.sampled_from(CallOutcome.values), st.integers(0, 24 * 80),
              st.booleans()),
    # The call log imported again with a changed call: its rollup rows move.
    st.tuples(st.just("call_import"), st.integers(0, 2), st.sampled_from(CallOutcome.values),
              st.integers(0, 24 * 80), st.sampled_from(AGENCIES)),
), min_size=1, max_size=14)


def snapshot() -> dict:
    """Every rollup row with a count that is not 0, by model and key."""
    found = {}
    for model in ROLLUP_MODELS:
        names = [f.name for f in model._meta.concrete_fields if f.name != "id"]
        width = len(next(c.fields for c in model._meta.constraints))  # the key comes first
        for values in model.objects.values_list(*names):
            if any(values[width:]):
                found[(model.__name__, *values[:width])] = values[width:]
    return found


def printed(seconds: int | None):
    """The handling time as the statistics page and the report print it."""
    return None if seconds is None else average(seconds, 3600, 1)


def assert_figures_match(*moments: dt.datetime) -> None:
    """Every case figure for the year and two spans of months, the whole city or one
    agency, every kind or one; the figures that move with the clock at each moment."""
    agencies = [None, *Agency.objects.filter(code__in=AGENCIES[:2])]
    for months, agency, kind in itertools.product((None, (1, 1), (2, 3)), agencies,
                                                  (None, CaseKind.DISPATCH, CaseKind.PETITION)):
        span = {"year": YEAR, "months": months, "agency": agency}
        where = f"{months} {agency} {kind}"
        for name in ("counts_by_channel", "counts_by_district", "counts_by_month",
                     "counts_by_category", "satisfaction"):
            assert getattr(figures, name)(**span, kind=kind) == \
                getattr(rows, name)(**span, kind=kind), f"{name} {where}"
        assert figures.counts_by_category(**span, kind=kind, main=True) == \
            rows.counts_by_category(**span, kind=kind, main=True), where
        for now in moments:
            assert figures.on_time(**span, kind=kind, now=now) == \
                rows.on_time(**span, kind=kind, now=now), f"{where} {now}"
        handling, counted = (figures.handling_time(**span, kind=kind),
                             rows.handling_time(**span, kind=kind))
        assert (handling.count, printed(handling.median_seconds),
                printed(handling.p90_seconds)) == \
            (counted.count, printed(counted.median_seconds), printed(counted.p90_seconds)), where
        if kind is None:
            assert figures.counts_by_kind(**span) == rows.counts_by_kind(**span), where
            for now in moments:
                assert figures.dispatch_four_hour(**span, now=now) == \
                    rows.dispatch_four_hour(**span, now=now), f"{where} {now}"
        if agency is None:
            assert figures.counts_by_agency(year=YEAR, months=months, kind=kind) == \
                rows.counts_by_agency(year=YEAR, months=months, kind=kind), where
        if kind is None:  # the calls have no kind
            for name in ("consultation_answered", "calls_by_outcome", "calls_per_month"):
                assert getattr(figures, name)(**span) == getattr(rows, name)(**span), \
                    f"{name} {where}"
            for now in moments:
                assert table(figures.figures_by_month(**span, now=now)) == \
                    table(rows.figures_by_month(**span, now=now)), f"by month {where} {now}"


def table(grouped) -> tuple:
    """The statistics table's figures of each month and of the span, handling times as
    printed (the rollups keep them to the tenth of an hour)."""
    by_month, total = grouped

    def figures_of(found):
        return (found.kinds, found.calls, found.on_time, found.dispatch, found.survey,
                found.handling.count, printed(found.handling.median_seconds),
                printed(found.handling.p90_seconds))

    return {month: figures_of(found) for month, found in by_month.items()}, figures_of(total)


def import_file(folder, name: str, records: list[dict]):
    path = folder / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with translation.override("en"):
        return find_importer("cases", "open1999-json")(path, actor=None, progress=no_progress)


def published(number: int, status: str, minutes: int, saved: int) -> dict:
    """One record of the city's published file (as ``test_imports_published`` builds it)."""
    registered = dt.datetime(YEAR, 1, 1, 9, tzinfo=TAIPEI) + dt.timedelta(minutes=minutes)
    save = dt.datetime(YEAR, 6, 1, tzinfo=TAIPEI) + dt.timedelta(minutes=saved)

    def text(moment: dt.datetime) -> str:
        half = "上午" if moment.hour < 12 else "下午"
        return f"{moment:%Y/%-m/%-d} {half} {moment.hour % 12 or 12:02d}:{moment:%M:%S}"

    return {"FileNo_": f"RU{number}", "Status_": status, "StatusName_": STATUS[status],
            "Cre_Date_": text(registered), "ReplyUnit_": "B01000", "zipcode_": "802",
            "ZipName_": "苓雅區", "address_": "四維三路", "UnitName_": "養工處",
            "InformDesc_": "路面坑洞(一)", "BeforeDesc_": "（已去識別化）",
            "AfterDesc_": "已修復" if status in ("4", "5") else "", "Memo_": "",
            "Save_Date_": text(save),
            "Close_Date_": text(save + dt.timedelta(hours=1)) if status == "5" else "",
            "Lat_": "", "Lng_": ""}


class Story:
    """Plays the drawn operations through the services and the importer."""

    def __init__(self, catalogue, people, folder):
        self.catalogue, self.people, self.folder = catalogue, people, folder
        self.cases: list[Case] = []
        self.saved = itertools.count()
        self.dispatch = next(c for c in catalogue.values() if c.name_zh == "路面坑洞(一)")

    def case(self, ref: int) -> Case | None:
        if not self.cases:
            return None
        return Case.objects.get(pk=self.cases[ref % len(self.cases)].pk)

    def play(self, operation: tuple) -> None:
        name, *args = operation
        try:
            with transaction.atomic():
                getattr(self, name)(*args)
        except DomainError:
            pass  # not allowed in the case's state: nothing changed

    def register(self, kind, channel, hours, located):
        category = self.dispatch if kind == CaseKind.DISPATCH else self.catalogue["P-ENV"]
        place = ({"latitude": LINGYA[0], "longitude": LINGYA[1]} if located
                 else {"address": "高雄市苓雅區四維三路2號"})
        case, _password = services.case_register(
            actor=self.people["operator"], category=category, kind=kind, channel=channel,
            description="路面有坑洞", registered_at=dt.datetime(YEAR, 1, 1, 8, tzinfo=TAIPEI)
            + dt.timedelta(hours=hours), **place)
        self.cases.append(case)

    def assign(self, ref, code):
        case = self.case(ref)
        if case and case.agency_id is None:
            services.case_assign(actor=self.people["registrar"], case=case,
                                 agencies=[Agency.objects.get(code=code)])

    def _active(self, case):
        return case and case.assignments.filter(status__in=ACTIVE_ASSIGNMENT).first()

    def transfer(self, ref, code):
        if assignment := self._active(self.case(ref)):
            services.case_transfer(actor=self.people["registrar"], assignment=assignment,
                                   to_agency=Agency.objects.get(code=code), notice="移送")

    def answer(self, ref, minutes):
        case = self.case(ref)
        if (assignment := self._active(case)) and assignment.agency.code in HANDLER:
            services.assignment_reply(
                actor=self.people[HANDLER[assignment.agency.code]], assignment=assignment,
                reply="已處理", at=case.registered_at + dt.timedelta(minutes=minutes))

    def close(self, ref, score):
        case = self.case(ref)
        if case and case.agency_id:
            services.case_close(actor=self.people["registrar"], case=case)
            if score:
                services.survey_answer(case=case, score=score)

    def merge(self, ref, into):
        case, target = self.case(ref), self.case(into)
        if case:
            services.case_merge(actor=self.people["registrar"], case=case, into=target)

    def downgrade(self, ref):
        if case := self.case(ref):
            services.case_downgrade(actor=self.people["registrar"], case=case, reason="非立即危險")

    def file(self, ref):
        if case := self.case(ref):
            services.case_file_without_handling(actor=self.people["registrar"], case=case,
                                                ground=FilingGround.NO_NAME)

    def call(self, outcome, hours, at_once):
        case = self.cases[-1] if self.cases else None
        services.call_log(actor=self.people["operator"], outcome=outcome, duration_seconds=60,
                          answered_at_once=at_once, case=case,
                          received_at=dt.datetime(YEAR, 1, 1, 8, tzinfo=TAIPEI)
                          + dt.timedelta(hours=hours))

    def call_import(self, number, outcome, hours, centre):
        received = dt.datetime(YEAR, 1, 1, 8, tzinfo=TAIPEI) + dt.timedelta(hours=hours)
        case = f"{self.cases[-1].number}" if self.cases else ""
        path = self.folder / f"calls-{next(self.saved)}.csv"
        path.write_text("id,received_at,duration_seconds,outcome,answered_at_once,case,"
                        f"call_centre\nK{number},{received.isoformat()},30,{outcome},yes,{case},"
                        f"{centre}\n", encoding="utf-8")
        find_importer("calls", "csv")(path, actor=None, progress=no_progress)

    def import_(self, number, status, minutes):
        saved = next(self.saved)
        import_file(self.folder, f"{saved}.json", [published(number, status, minutes, saved)])
        self.cases.append(Case.objects.get(external_id=f"RU{number}"))


# Bounded for CI and derandomized, so a failure repeats with the same operations.
@settings(max_examples=10, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=operations)
def test_rollup_figures_equal_the_recount_after_random_writes(catalogue, people, tmp_path,
                                                              drawn):
    with transaction.atomic():
        story = Story(catalogue, people, tmp_path)
        for operation in drawn:
            story.play(operation)
        assert_figures_match(timezone.now(), dt.datetime(YEAR, 2, 1, tzinfo=TAIPEI),
                             dt.datetime(YEAR, 3, 20, tzinfo=TAIPEI))
        kept = snapshot()
        assert rollups_rebuild(actor=None, year=YEAR) == Case.objects.count()
        assert snapshot() == kept
        transaction.set_rollback(True)


def test_a_failed_import_batch_leaves_no_rollup(catalogue, tmp_path):
    # The database refuses the batch's assignments, after its cases (and their rollups)
    # were written: the batch's transaction takes both back.
    refuse = {"postgresql": [
        "CREATE FUNCTION sd_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused'; END $$",
        "CREATE TRIGGER sd_test_refuse BEFORE INSERT ON servicedesk_assignment "
        "FOR EACH ROW EXECUTE FUNCTION sd_test_refuse()"],
        "sqlite": ["CREATE TRIGGER sd_test_refuse BEFORE INSERT ON servicedesk_assignment "
                   "BEGIN SELECT RAISE(ABORT, 'refused'); END"]}[connection.vendor]
    records = [published(number, "3", number * 60, number) for number in range(5)]
    with connection.cursor() as cursor:
        for statement in refuse:
            cursor.execute(statement)
    # Django's DatabaseError, or psycopg's own from COPY (which goes around Django).
    with pytest.raises(Exception, match="refused"):
        import_file(tmp_path, "refused.json", records)
    assert not Case.objects.exists()
    assert snapshot() == {}
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER sd_test_refuse"
                       + (" ON servicedesk_assignment" if connection.vendor == "postgresql"
                          else ""))
    assert import_file(tmp_path, "again.json", records).created == 5
    assert figures.counts_by_kind(year=YEAR) == {"dispatch": 5}
    assert_figures_match(timezone.now())


def test_the_rebuild_recounts_and_is_audited(catalogue, people):
    story = Story(catalogue, people, None)
    for hours in (1, 30, 24 * 40):
        story.register(CaseKind.DISPATCH, "app", hours, True)
    kept = snapshot()
    CaseRollup.objects.update(received=0)  # as a database filled with the triggers off
    assert figures.counts_by_kind(year=YEAR) == {}
    assert rollups_rebuild(actor=people["admin"], year=YEAR) == 3
    assert snapshot() == kept
    assert rollups_rebuild(actor=people["admin"]) == 3
    assert AuditEvent.objects.filter(action="rollups.rebuild").count() == 2


def test_the_figures_read_rollups_not_cases(catalogue, people):
    story = Story(catalogue, people, None)
    story.register(CaseKind.DISPATCH, "app", 5, True)
    story.register(CaseKind.PETITION, "web", 50, False)
    entries = [entry for entry in registry().values() if entry.module == "servicedesk"]
    periods = [Period(YEAR), Period(YEAR, 1), Period(YEAR, None, (("agency", "public-works"),))]
    with CaptureQueriesContext(connection) as context:
        statistics_table(year=YEAR, months=(1, 12))
        statistics_charts(year=YEAR, months=(1, 12))
        for period, entry in itertools.product(periods, entries):
            with computing():
                if isinstance(entry, Figure):
                    entry.compute(period)
                elif isinstance(entry, Table):
                    entry.rows(period)
                else:
                    entry.build(period, "zh-hant")
    reads = [query["sql"] for query in context.captured_queries
             if '"servicedesk_case"' in query["sql"]]
    # The only reads of the cases: the live part, those whose time limit is still ahead.
    assert reads and all('"answered_at" IS NULL' in sql and '"due_at" >=' in sql
                         for sql in reads), reads


def test_a_flush_in_any_table_order_leaves_no_rollup(catalogue, people):
    # SQLite's flush empties the tables one by one in no fixed order (every transactional
    # test ends with one): the worst order empties the rollups before the cases, whose
    # triggers then leave −1 rows that the next test's figures would count. This is the
    # flush command's own three steps, with the tables in that worst order.
    story = Story(catalogue, people, None)
    for hours in (1, 30, 24 * 40):
        story.register(CaseKind.DISPATCH, "app", hours, True)
    story.answer(0, 50)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert snapshot() and rollups_rebuild(actor=None) == 3  # cases left: rollups kept
    tables = connection.introspection.django_table_names(only_existing=True)
    worst = [*TABLES, *sorted(set(tables) - set(TABLES))]
    if connection.vendor == "postgresql":  # TRUNCATE waits for no deferred check
        connection.check_constraints()
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), worst))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert snapshot() == {}
