"""Back office of open data: the reference data an administrator edits (service categories,
licences, answer deadlines, publishers' OIDs) and read-only lists of the records, which
change only through their services (staff pages under /staff/opendata/)."""

from __future__ import annotations

from django.contrib import admin

from yankao.core.admin import AuditedAdmin
from yankao.opendata.models import (
    Dataset,
    Licence,
    NationalPush,
    Publisher,
    RequestPolicy,
    ServiceCategory,
)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "slug", "sort_order")


@admin.register(Licence)
class LicenceAdmin(AuditedAdmin):
    list_display = ("code", "title_zh", "is_open", "is_default", "national_code")
    list_filter = ("is_open",)


@admin.register(RequestPolicy)
class RequestPolicyAdmin(AuditedAdmin):
    list_display = ("effective_from", "answer_working_days")


@admin.register(Publisher)
class PublisherAdmin(AuditedAdmin):
    list_display = ("agency", "oid", "org_code", "contact_name")
    search_fields = ("agency__name_zh", "oid", "org_code")


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("identifier", "title", "agency", "state", "access", "quality",
                    "national_state", "modified_at")
    list_filter = ("state", "access", "quality", "national_state")
    search_fields = ("identifier", "title")


@admin.register(NationalPush)
class NationalPushAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "dataset", "operation", "outcome", "http_status",
                    "error_type")
    list_filter = ("outcome", "operation")
