from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "yankao.servicedesk"
    label = "servicedesk"
    verbose_name = _("Service desk: 1999, petitions, mailbox, dispatch")

    yankao_importers = {
        ("cases", "open1999-json"): "yankao.servicedesk.imports.published.open1999_json",
        ("cases", "taipei-csv"): "yankao.servicedesk.imports.published.taipei_csv",
        ("cases", "open311-xml"): "yankao.servicedesk.imports.published.open311_xml",
        ("cases", "csv"): "yankao.servicedesk.imports.history.cases_csv",
        ("cases", "xlsx"): "yankao.servicedesk.imports.history.cases_csv",
        ("calls", "csv"): "yankao.servicedesk.imports.history.calls_csv",
        ("calls", "xlsx"): "yankao.servicedesk.imports.history.calls_csv",
        ("surveys", "csv"): "yankao.servicedesk.imports.history.surveys_csv",
        ("surveys", "xlsx"): "yankao.servicedesk.imports.history.surveys_csv",
        ("mapping", "csv"): "yankao.servicedesk.imports.mapping.mapping_import",
        ("mapping", "xlsx"): "yankao.servicedesk.imports.mapping.mapping_import",
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
