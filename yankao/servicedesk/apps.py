from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "yankao.servicedesk"
    label = "servicedesk"
    verbose_name = _("Service desk: 1999, petitions, mailbox, dispatch")

    yankao_error_formats = {"/open311/": "yankao.servicedesk.open311.render:refusal"}
    # The years its records cover, for the default year of pages (yankao.core.years).
    yankao_record_years = "yankao.servicedesk.selectors.statistics.years_with_cases"

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

    def ready(self):
        from django.db.models.signals import post_migrate

        from yankao.core.history import register_sentences
        from yankao.servicedesk.history import SENTENCES
        from yankao.servicedesk.services import citizen  # noqa: F401 - bounce handler
        from yankao.servicedesk.services.rollups import rollups_clear_after_flush

        register_sentences(SENTENCES)
        post_migrate.connect(rollups_clear_after_flush, sender=self,
                             dispatch_uid="servicedesk.rollups_clear_after_flush")

    def yankao_todo(self, user):
        """The header's to-do count: new cases for the officer's agencies, not yet taken,
        and cases due soon or overdue."""
        from django.urls import reverse

        from yankao.core.models import Role
        from yankao.core.permissions import actor_scope
        from yankao.servicedesk.selectors import InboxFilters, inbox_count

        scope = actor_scope(user)
        if scope.sees_all or not scope.has_role(Role.OFFICER, Role.SECTION_CHIEF):
            return []
        new = inbox_count(actor=user, filters=InboxFilters(status="assigned"))
        due = inbox_count(actor=user, filters=InboxFilters(status="due_soon")) + inbox_count(
            actor=user, filters=InboxFilters(status="overdue"))
        return [(_("Cases to do"), new + due, reverse("servicedesk:inbox"))]

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
