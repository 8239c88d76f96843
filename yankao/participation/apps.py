from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "yankao.participation"
    label = "participation"
    verbose_name = _("Participation")

    yankao_importers = {
        ("ballots", "pb"): "yankao.participation.services.pabulib.ballots_import",
    }

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="participation",
                title=_("Participation"),
                description=_("Participatory budgets, staff innovation proposals and "
                              "hackathons"),
                url_name="participation:home",
                order=50,
            ),
        ]
