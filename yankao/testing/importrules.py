"""The architecture's import rules (docs/architecture.md, "Who may import whom") as an
import-linter contract, checked by ``lint-imports`` in ``make test``.

One contract type expresses every rule: modules of the ``importers`` apps may import a
module of another of the ``targets`` apps only if it is that app's package itself or lies
in one of its ``public`` submodules. With no ``public`` modules, nothing of the targets may
be imported at all. Tests (``<app>.tests``) are not the app's code and are left out: they
may build records through any module. Apps that do not exist yet are simply absent, so
the contract lists the planned ones too and holds for them the day they land.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output

ROOT = "yankao"


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == ROOT else None


def is_test(module: str) -> bool:
    return ".tests" in module or module.endswith(".conftest")


class AppBoundaryContract(Contract):
    type_name = "app_boundaries"

    importers = fields.ListField(subfield=fields.StringField())
    targets = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def allowed(self, imported: str, target: str) -> bool:
        rest = imported[len(f"{ROOT}.{target}"):]
        if rest == "":
            return bool(self.public)  # the package itself re-exports its public modules
        return any(rest == f".{name}" or rest.startswith(f".{name}.") for name in self.public)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        importers, targets = set(self.importers), set(self.targets)
        broken = []
        for importer in sorted(graph.modules):
            source = app_of(importer)
            if source not in importers or is_test(importer):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = app_of(imported)
                if target is None or target == source or target not in targets:
                    continue
                if self.allowed(imported, target):
                    continue
                lines = sorted({detail["line_number"] for detail in graph.get_import_details(
                    importer=importer, imported=imported)})
                broken.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        allowed = ", ".join(self.public) if self.public else "nothing"
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(f"{item['importer']} -> {item['imported']} ({lines})", bold=False)
        output.new_line()
        output.print(f"Allowed from another app here: {allowed}.")
