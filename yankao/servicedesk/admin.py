"""Back office: categories, routing rules and deadline rules are policy data, edited here.
Cases are never deleted; their changes go through the case page (and its services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yankao.core.admin import AuditedAdmin
from yankao.servicedesk.models import (
    Category,
    DeadlineRule,
    ImportMapping,
    Open311Client,
    RoutingRule,
)
from yankao.servicedesk.services import import_mapping_save
from yankao.servicedesk.services.policy import policy_changed


class PolicyAdmin(AuditedAdmin):
    """Categories and rules: every save tells the processes to reload their policy tree."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        policy_changed()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        policy_changed()


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["agency"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(PolicyAdmin):
    list_display = ["code", "name_zh", "name_en", "parent", "kind", "default_agency", "public",
                    "active"]
    list_filter = ["kind", "public", "active", "parent"]
    search_fields = ["code", "name_zh", "name_en", "keywords"]
    autocomplete_fields = ["default_agency"]
    inlines = [RoutingRuleInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(PolicyAdmin):
    list_display = ["category", "district", "agency", "priority", "active"]
    list_filter = ["active", "district"]
    search_fields = ["category__code", "category__name_zh", "agency__name_zh"]
    autocomplete_fields = ["category", "agency"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(PolicyAdmin):
    list_display = ["kind", "category", "amount", "unit", "remind_before_hours", "valid_from",
                    "legal_basis"]
    list_filter = ["kind", "unit"]


@admin.register(Open311Client)
class Open311ClientAdmin(PolicyAdmin):
    """Keys are held with the policy (decision 0132): turning one off reaches every process."""

    list_display = ["name", "prefix", "contact_email", "active", "created_at"]
    readonly_fields = ["prefix", "created_at"]
    fields = ["name", "contact_email", "active", "prefix", "created_at"]

    def has_add_permission(self, request):
        return False  # keys come from `yankao manage open311_key NAME`, shown once


@admin.register(ImportMapping)
class ImportMappingAdmin(AuditedAdmin):
    """What a name in an imported file means here (also loaded with ``yankao import mapping
    csv``). Cases already imported under a placeholder move when the file is imported
    again."""

    list_display = ["source", "column", "value", "category", "agency"]
    list_filter = ["source", "column"]
    search_fields = ["value", "category__code", "category__name_zh", "agency__code",
                     "agency__name_zh"]
    autocomplete_fields = ["category", "agency"]
    fieldsets = [(None, {
        "fields": ["source", "column", "value", "category", "agency"],
        "description": _("Name the sub-category for a category's value, or the agency for a "
                         "unit's. Cases already imported move when their file is imported "
                         "again."),
    })]
    allow_delete = True

    def save_model(self, request, obj, form, change) -> None:
        import_mapping_save(actor=request.user, mapping=obj)
