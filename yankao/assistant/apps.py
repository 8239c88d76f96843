from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "yankao.assistant"
    label = "assistant"
    verbose_name = _("FAQ assistant")

    @property
    def yankao_modules(self):
        from yankao.assistant.access import EDITOR_ROLES, READER_ROLES
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="assistant",
                title=_("FAQ assistant"),
                description=_("Answers from the FAQ, with hand-over to a person"),
                url_name="assistant:staff-home",
                roles=frozenset(EDITOR_ROLES) | frozenset(READER_ROLES),
                order=70,
            ),
        ]
