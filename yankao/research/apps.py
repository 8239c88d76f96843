from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "yankao.research"
    label = "research"
    verbose_name = _("Research and publications")
    # The platform's English pages name agencies and places by the approved glossary
    # (yankao.core.glossary).
    yankao_glossary = "yankao.research.selectors.glossary_english_names"

    @property
    def yankao_modules(self):
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="research",
                title=_("Research"),
                description=_("Commissioned research, thesis grants, overseas-trip reports"),
                url_name="research:home",
                order=55,
            ),
        ]
