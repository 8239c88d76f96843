"""Figures of the reports module itself."""

from yankao.reports.figures import Figure, Value, register


def _dashboard_count(period) -> Value:
    from yankao.reports.dashboards import dashboards

    return Value.count(len(dashboards()))


register(
    Figure(
        key="reports.dashboards",
        module="reports",
        label_zh="公開儀表板", label_en="Public dashboards",
        unit_zh="項", unit_en="",
        method_zh="本平台已安裝模組所提供、對外公開的儀表板數目。",
        method_en="Public dashboards offered by the installed modules of this platform.",
        compute=_dashboard_count,
        records=lambda period: "/dashboards/",
        public_records=lambda period: "/dashboards/",
    ),
)
