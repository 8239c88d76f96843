"""Back office of public works: the policy an administrator edits (grade bands, defect
codes, deduction rates, the 丙等 checklist, the minimum formula), and read-only views of
the records, which change only through their services."""

from __future__ import annotations

from django.contrib import admin

from yankao.core.admin import AuditedAdmin
from yankao.core.permissions import can_administer
from yankao.core.services.people import master_record_delete, master_record_save
from yankao.works.models import (
    CitizenReport,
    ConsequenceTemplate,
    DeductionRate,
    DefectCode,
    GradeBand,
    Inspection,
    MinimumAdjustment,
    MinimumFormula,
    MinimumFormulaBand,
    PriorityCategory,
    Tender,
    TrainingSession,
    WorksPolicy,
)


class PolicyInline(admin.TabularInline):
    """Rows of a dated policy; administrators only."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return can_administer(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return can_administer(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_administer(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return can_administer(request.user)


class GradeBandInline(PolicyInline):
    model = GradeBand


class MinimumBandInline(PolicyInline):
    model = MinimumFormulaBand


class PriorityCategoryInline(PolicyInline):
    model = PriorityCategory


class PolicyAdmin(AuditedAdmin):
    """A policy with rows; every row saved or removed is audited like the policy."""

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            master_record_delete(actor=request.user, instance=obj)
        changed = {row.instance.pk: row.changed_data for row in formset.forms}
        for instance in instances:
            master_record_save(actor=request.user, instance=instance,
                               changed_fields=changed.get(instance.pk))
        formset.save_m2m()


@admin.register(WorksPolicy)
class WorksPolicyAdmin(PolicyAdmin):
    list_display = ("effective_from", "progress_update_day", "record_due_working_days",
                    "priority_delay_points", "failed_test_score", "failed_test_rule")
    inlines = [GradeBandInline]


@admin.register(MinimumFormula)
class MinimumFormulaAdmin(PolicyAdmin):
    """The dated texts of §4; a version whose dates overlap another's is refused on the
    date field (``MinimumFormula.clean``)."""

    list_display = ("code", "effective_from", "effective_until", "overall_percent",
                    "overall_floor_amount", "citation")
    inlines = [MinimumBandInline, PriorityCategoryInline]


@admin.register(MinimumAdjustment)
class MinimumAdjustmentAdmin(AuditedAdmin):
    """Read here; recorded through ``services.policy.minimum_adjustment_record`` (the
    inspection team's page), which audits each one."""

    list_display = ("year", "band", "count", "approved_by", "approved_on", "document_number")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DefectCode)
class DefectCodeAdmin(AuditedAdmin):
    list_display = ("code", "group", "title_zh", "title_en", "active")
    list_filter = ("group", "active")
    search_fields = ("code", "title_zh", "title_en")


@admin.register(DeductionRate)
class DeductionRateAdmin(AuditedAdmin):
    allow_delete = True
    list_display = ("effective_from", "min_contract_amount", "amount_per_point")


@admin.register(ConsequenceTemplate)
class ConsequenceTemplateAdmin(AuditedAdmin):
    list_display = ("code", "text_zh", "sort_order", "active")


class RecordAdmin(AuditedAdmin):
    """Records are written by their services (with their rules and audit); the admin
    shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Tender)
class TenderAdmin(RecordAdmin):
    list_display = ("pcc_number", "title", "agency", "budget_amount", "arrangement", "status")
    list_filter = ("status",)
    search_fields = ("pcc_number", "title", "contractor")


@admin.register(Inspection)
class InspectionAdmin(RecordAdmin):
    list_display = ("number", "inspected_on", "kind", "agency", "score", "grade", "status")
    list_filter = ("kind", "status", "grade")
    search_fields = ("number", "tender__pcc_number", "tender__title")


@admin.register(CitizenReport)
class CitizenReportAdmin(RecordAdmin):
    # The reporter's contact is never shown here: administrators do not read reporter data.
    list_display = ("number", "received_at", "channel", "agency", "status", "satisfaction")
    list_filter = ("channel", "status", "satisfaction")
    search_fields = ("number", "subject", "service_desk_case_number")
    exclude = ("contact",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(AuditedAdmin):
    list_display = ("held_on", "title", "co_organiser", "attendance")
    date_hierarchy = "held_on"
