"""The architecture's import rules, as `lint-imports` checks them in `make test`."""

import grimp

from yankao.testing.importrules import AppBoundaryContract

DOMAINS = ["servicedesk", "works"]


def contract(**options) -> AppBoundaryContract:
    return AppBoundaryContract(name="test", session_options={}, contract_options=options)


def graph_with(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=3,
                         line_contents=f"import {imported}")
    return graph


def test_a_domain_may_import_another_through_its_services_and_selectors_only():
    rule = contract(importers=DOMAINS, targets=DOMAINS, public=["services", "selectors"])
    fine = graph_with(("yankao.works.services.citizen", "yankao.servicedesk.selectors.public"),
                      ("yankao.works.views", "yankao.servicedesk.services"),
                      ("yankao.works.views", "yankao.core.models"),
                      ("yankao.works.tests.test_x", "yankao.servicedesk.models"))
    assert rule.check(fine, verbose=False).kept
    broken = graph_with(("yankao.works.views", "yankao.servicedesk.models.cases"))
    check = rule.check(broken, verbose=False)
    assert not check.kept
    assert check.metadata["broken"] == [{"importer": "yankao.works.views",
                                         "imported": "yankao.servicedesk.models.cases",
                                         "lines": [3]}]


def test_core_may_import_no_app_at_all():
    rule = contract(importers=["core"], targets=["servicedesk", "reports"])
    assert not rule.check(graph_with(("yankao.core.views", "yankao.servicedesk")),
                          verbose=False).kept
    assert not rule.check(graph_with(("yankao.core.jobs", "yankao.reports.selectors")),
                          verbose=False).kept


def test_the_project_keeps_its_contracts():
    """The same check as `lint-imports`, on the real code."""
    from importlinter.api import read_configuration

    configuration = read_configuration()
    graph = grimp.build_graph("yankao")
    contracts = [c for c in configuration["contracts_options"] if c["type"] == "app_boundaries"]
    assert len(contracts) == 4
    for options in contracts:
        check = contract(**{k: v for k, v in options.items() if k not in {"name", "type"}}
                         ).check(graph, verbose=False)
        assert check.kept, (options["name"], check.metadata["broken"][:5])
