from yankao.programs import services
from yankao.programs.tests.conftest import submit


def test_pages(client, make_program, evaluator, officer, chief):
    p1 = make_program("A")
    p2 = make_program("B")
    r = submit(p1, 12, "100", actor=officer)
    submit(p2, 12, "80", actor=officer, delay_reason="颱風停工")
    services.progress_report_unit_review(actor=chief, report=r, approve=True)
    services.evaluation_round_open(actor=evaluator, year=2018)
    client.force_login(evaluator)
    for url in ["/staff/programs/", f"/staff/programs/{p1.pk}/", f"/staff/programs/{p1.pk}/plan/",
                f"/staff/programs/{p1.pk}/report/11/", "/staff/programs/reports/",
                f"/staff/programs/reports/{r.pk}/", "/staff/programs/analysis/",
                "/staff/programs/analysis/report.html?year=2018&month=12",
                "/staff/programs/analysis/report.xlsx?year=2018&month=12",
                "/staff/programs/evaluations/?year=2018", "/staff/programs/kpis/",
                "/staff/programs/tracked/", "/staff/programs/tracked/subsidies/",
                "/staff/programs/documents/", "/staff/programs/import/",
                "/staff/programs/export/programs.csv?year=2018",
                "/api/v1/programs/analysis?year=2018&month=12", "/api/v1/programs",
                f"/api/v1/programs/{p1.pk}", "/api/v1/openapi.json"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:3000])
    print(client.get("/api/v1/programs/analysis?year=2018&month=12").json())
