"""The chart builders produce valid Vega-Lite (pages skip Altair's validation for speed)."""

import altair as alt

from yankao.programs import charts, selectors


def test_every_chart_is_valid_vega_lite(make_program, evaluator, officer):
    from yankao.programs.tests.conftest import submit

    program = make_program()
    submit(program, 1, "5", actor=officer, delay_reason="x")
    policy = selectors.policy_for_month(2018, 1)
    labels = selectors.delay_class_labels(policy)
    built = [
        charts.s_curve_chart(selectors.program_s_curve(actor=evaluator, program=program)),
        charts.overview_chart(selectors.agency_month_overview(actor=evaluator, year=2018),
                              labels),
        charts.trend_chart(selectors.delay_class_trend(actor=evaluator, year=2018), labels),
        charts.grade_chart(selectors.grade_distribution(actor=evaluator, year=2018),
                           chinese=True),
    ]
    for chart, values in built:
        chart.to_dict()  # validates the spec against the Vega-Lite schema
        assert values, chart
        alt.Chart(alt.Data(values=values)).mark_point().to_dict()  # and the inline data
        spec = charts.as_spec(charts.Built(chart, values))
        assert spec["data"] == {"values": values}
        # Layers read the top-level data: none names a source of its own.
        assert all("data" not in layer for layer in spec.get("layer", []))
