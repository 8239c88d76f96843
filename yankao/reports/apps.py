from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yankao.reports"
    label = "reports"
    verbose_name = _("Reports and dashboards")

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="reports",
                title=_("Reports and dashboards"),
                description=_(
                    "The annual performance report and monthly analyses, generated from the "
                    "records; public dashboards"
                ),
                url_name="reports:overview",
                order=800,
            ),
        ]
