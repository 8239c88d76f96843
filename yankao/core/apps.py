from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yankao.core"
    label = "core"
    verbose_name = _("Core: agencies, people, calendar, audit")

    yankao_importers = {
        ("agencies", "csv"): "yankao.core.services.seed.agencies_import",
        ("agencies", "xlsx"): "yankao.core.services.seed.agencies_import",
        ("staff", "csv"): "yankao.core.services.staff.staff_import",
        ("staff", "xlsx"): "yankao.core.services.staff.staff_import",
    }

    @property
    def yankao_modules(self):
        from yankao.core.models import Role
        from yankao.core.modules import ModuleLink

        return [
            ModuleLink(
                key="agencies",
                title=_("Agencies"),
                description=_("The city's agencies, units and districts"),
                url_name="core:agency-list",
                order=900,
            ),
            ModuleLink(
                key="calendar",
                title=_("Working calendar"),
                description=_("Working days, make-up workdays, closure days and deadlines"),
                url_name="core:calendar",
                order=910,
            ),
            ModuleLink(
                key="audit",
                title=_("Audit log"),
                description=_("Who did what, when, from where, and why"),
                url_name="core:audit-log",
                order=920,
            ),
            ModuleLink(
                key="tokens",
                title=_("API tokens"),
                description=_("Personal tokens for the /api/v1 JSON API"),
                url_name="core:token-list",
                order=930,
            ),
            ModuleLink(
                key="admin",
                title=_("Administration"),
                description=_("Agencies, users, memberships and closure days"),
                url_name="admin:index",
                roles=frozenset({Role.ADMINISTRATOR}),
                order=990,
            ),
        ]
