"""The admin site, open to administrators only. Kept free of model imports so it can be
named in INSTALLED_APPS."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class YankaoAdminSite(admin.AdminSite):
    site_header = _("Yankao administration")
    site_title = _("Yankao administration")
    index_title = _("Agencies, people and calendar")

    def has_permission(self, request) -> bool:
        from yankao.core.permissions import can_administer

        return request.user.is_active and can_administer(request.user)


class YankaoAdminConfig(AdminConfig):
    default_site = "yankao.core.admin_site.YankaoAdminSite"
