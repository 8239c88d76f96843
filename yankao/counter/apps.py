from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterConfig(AppConfig):
    name = "yankao.counter"
    label = "counter"
    verbose_name = _("Counter services and legal consultations")

    @property
    def yankao_modules(self):
        from yankao.core.models import Role
        from yankao.core.modules import ModuleLink
        from yankao.counter.access import COUNTER_ROLES
        from yankao.counter.selectors import site_list

        return [
            ModuleLink(
                key="counter",
                title=_("Counter services"),
                description=_("Free legal consultations at four sites, blood-pressure checks "
                              "and other counter services"),
                url_name="counter:staff-home",
                roles=frozenset(COUNTER_ROLES) | {Role.EVALUATOR},
                order=25,
                # An officer of an agency without a counter site has no counter page.
                opens_for=lambda user: site_list(actor=user).exists(),
            ),
        ]
