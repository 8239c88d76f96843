from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "yankao.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    yankao_importers = {
        ("datasets", "json"): "yankao.opendata.services.imports.datasets_import",
    }

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="opendata",
                title=_("Open data"),
                description=_("Datasets, quality labels, CKAN API and DCAT"),
                url_name="opendata:staff-home",
                order=60,
            ),
        ]
