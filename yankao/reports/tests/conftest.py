"""A test structure and test figures computed from core records, so the machinery is
tested on real queries without depending on the domain modules."""

import altair as alt
import pytest

from yankao.core.models import Agency, ClosureDay
from yankao.reports import figures as registry
from yankao.reports import structures as structures_module
from yankao.reports.dashboards import _DASHBOARDS, Dashboard, register_dashboard
from yankao.reports.figures import Chart, Figure, Table, Value
from yankao.reports.structure import Section, Structure, with_keys

TEST_STRUCTURE = Structure(
    key="test-annual", title_zh="測試年報", title_en="Test report",
    sections=with_keys((
        Section("壹", "城市概況", "The city", children=(
            Section("一", "機關", "Agencies", "reports",
                    figures=("test.agencies", "test.closures"), tables=("test.kinds",),
                    charts=("test.chart",)),
            # A module no Yankao app provides: always "not installed".
            Section("二", "檔案管理", "Archives", "archives"),
        )),
        Section("貳", "大學聯誼", "Universities"),
    )),
)


def closures(period):
    days = ClosureDay.objects.filter(date__year=period.year)
    if period.month:
        days = days.filter(date__month=period.month)
    return Value.count(days.count())


def agencies(period):
    queryset = Agency.objects.filter(active=True)
    if period.get("agency"):
        queryset = queryset.filter(code=period.get("agency"))
    return Value.count(queryset.count())


def kinds_rows(period):
    from django.db.models import Count

    rows = Agency.objects.values("kind").annotate(n=Count("id")).order_by("kind")
    return [[row["kind"], row["n"]] for row in rows]


def chart(period, language):
    rows = kinds_rows(period)
    data = alt.Data(values=[{"kind": k, "n": n} for k, n in rows])
    description = "；".join(f"{k} {n}" for k, n in rows)
    return alt.Chart(data).mark_bar().encode(x="kind:N", y="n:Q"), description


ENTRIES = [
    Figure(key="test.agencies", module="reports", label_zh="機關數", label_en="Agencies",
           unit_zh="個", method_zh="啟用中的機關數。", method_en="Active agencies.",
           compute=agencies, records=lambda p: "/staff/agencies/", filters=("agency",)),
    Figure(key="test.closures", module="reports", label_zh="停班日數", label_en="Closure days",
           unit_zh="日", method_zh="該年停班日的筆數。", method_en="Closure days of the year.",
           compute=closures, filters=("agency",), small_cells=True),
    Figure(key="test.unavailable", module="archives", label_zh="x", label_en="x",
           method_zh="x", method_en="x", compute=closures),
    Table(key="test.kinds", module="reports", title_zh="機關類別", title_en="Agency kinds",
          method_zh="依類別計數。", method_en="Counted by kind.",
          columns=lambda language: ["類別", "數量"], rows=kinds_rows, filters=("agency",),
          small_cell_columns=(1,)),
    Chart(key="test.chart", module="reports", title_zh="機關類別圖", title_en="Agency kinds chart",
          method_zh="依類別計數。", method_en="Counted by kind.", build=chart, filters=("agency",)),
]


@pytest.fixture
def test_registry():
    registry.registry()
    registry.register(*ENTRIES)
    structures_module.structures()
    structures_module.register_structure(TEST_STRUCTURE)
    register_dashboard(Dashboard(
        key="test-city", module="reports", title_zh="測試儀表板", title_en="Test dashboard",
        summary_zh="機關與停班日", summary_en="Agencies and closure days",
        figures=("test.agencies", "test.closures"), charts=("test.chart",),
        tables=("test.kinds",),
    ))
    yield TEST_STRUCTURE
    structures_module.unregister_structure(TEST_STRUCTURE.key)
    registry.unregister(*(entry.key for entry in ENTRIES))
    _DASHBOARDS.pop("test-city", None)
