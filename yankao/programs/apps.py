from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "yankao.programs"
    label = "programs"
    verbose_name = _("Program control and evaluation")

    yankao_exports = {
        "programs.programs": "yankao.programs.exports:programs_table",
        "programs.progress": "yankao.programs.exports:progress_table",
        "programs.kpis": "yankao.programs.exports:kpis_table",
    }
    # The years its records cover, for the default year of pages (yankao.core.years).
    yankao_record_years = "yankao.programs.selectors.programs.record_years"

    yankao_importers = {
        ("programs", "csv"): "yankao.programs.imports.programs_import",
        ("programs", "xlsx"): "yankao.programs.imports.programs_import",
        ("progress", "csv"): "yankao.programs.imports.progress_import",
        ("progress", "xlsx"): "yankao.programs.imports.progress_import",
        ("kpis", "csv"): "yankao.programs.imports.kpis_import",
        ("kpis", "xlsx"): "yankao.programs.imports.kpis_import",
        ("documents", "csv"): "yankao.programs.imports.document_stats_import",
        ("documents", "xlsx"): "yankao.programs.imports.document_stats_import",
    }

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="programs",
                title=_("Program control"),
                description=_("Controlled programs, monthly progress, KPIs and year-end grades"),
                url_name="programs:home",
                order=30,
            ),
        ]
