from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "yankao.servicedesk"
    label = "servicedesk"
    verbose_name = _("Service desk: 1999, petitions, mailbox, dispatch")

    # The years its records cover, for the default year of pages (yankao.core.years).
    yankao_record_years = "yankao.servicedesk.selectors.statistics.years_with_cases"

    yankao_importers = {
        ("cases", "open1999-json"): "yankao.servicedesk.imports.open1999_json",
        ("cases", "taipei-csv"): "yankao.servicedesk.imports.taipei_csv",
        ("cases", "open311-xml"): "yankao.servicedesk.imports.open311_xml",
    }

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="servicedesk",
                title=_("Service desk"),
                description=_("1999 calls, petitions, the mayor's mailbox and 4-hour hazard "
                              "dispatch"),
                url_name="servicedesk:home",
                order=20,
            ),
        ]
