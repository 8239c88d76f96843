from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitydataConfig(AppConfig):
    name = "yankao.citydata"
    label = "citydata"
    verbose_name = _("City data platform")

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="citydata",
                title=_("City data"),
                description=_(
                    "Street-light sensors, SensorThings API keys, alerts that became cases"
                ),
                url_name="citydata:staff-home",
                order=50,
            ),
        ]
