from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "yankao.works"
    label = "works"
    verbose_name = _("Public works oversight")

    # The years its records cover, for the default year of pages (yankao.core.years).
    yankao_record_years = "yankao.works.selectors.years.record_years"

    yankao_importers = {
        ("tenders", "csv"): "yankao.works.services.tenders.tenders_import",
        ("tenders", "xlsx"): "yankao.works.services.tenders.tenders_import",
    }

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="works",
                title=_("Public works"),
                description=_(
                    "Tenders, monthly progress, unannounced inspections, citizen works reports"
                ),
                url_name="works:home",
                order=40,
            ),
        ]
