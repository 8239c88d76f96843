"""Back office for program control: the policy (thresholds, reporting day, grade bands,
score components, categories) is data that administrators edit here; every save goes
through core's audited master_record_save. Workflow records (plans, reports, evaluations)
are read-only here: they change only through their services."""

from __future__ import annotations

from django.contrib import admin

from yankao.core.admin import AuditedAdmin, ReadOnlyAdmin
from yankao.programs.models import (
    ControlPolicy,
    CouncilResolution,
    DocumentCategory,
    DocumentUrgency,
    EvaluationRound,
    GradeBand,
    GradeScale,
    Kpi,
    Program,
    ProgressReport,
    RecommendationTopic,
    ResolutionCategory,
    RoundWeight,
    ScoreComponent,
    SubsidyCase,
    WorkPlan,
    YearEndEvaluation,
)


@admin.register(ControlPolicy)
class ControlPolicyAdmin(AuditedAdmin):
    list_display = ("effective_from", "delay_minor_points", "delay_severe_points",
                    "report_due_day", "budget_execution_floor_pct", "document_overdue_flag_pct")


@admin.register(GradeScale)
class GradeScaleAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en")


@admin.register(GradeBand)
class GradeBandAdmin(AuditedAdmin):
    list_display = ("scale", "label_zh", "label_en", "min_score")
    list_filter = ("scale",)


@admin.register(ScoreComponent)
class ScoreComponentAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "sort_order")


class RoundWeightInline(admin.TabularInline):
    model = RoundWeight
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ("year", "grade_scale", "created_at")
    inlines = [RoundWeightInline]


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "sort_order")


@admin.register(DocumentUrgency)
class DocumentUrgencyAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "limit_days", "sort_order")


@admin.register(ResolutionCategory)
class ResolutionCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "sort_order")


@admin.register(RecommendationTopic)
class RecommendationTopicAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en")


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ("year", "code", "name_zh", "agency", "control_level", "budget")
    list_filter = ("year", "control_level")
    search_fields = ("code", "name_zh", "name_en")
    list_select_related = ("agency",)


@admin.register(WorkPlan)
class WorkPlanAdmin(ReadOnlyAdmin):
    list_display = ("program", "version", "status", "submitted_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("program",)


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("program", "month", "status", "planned_bp", "actual_bp", "submitted_at")
    list_filter = ("status", "month", "program__year")
    list_select_related = ("program",)


@admin.register(YearEndEvaluation)
class YearEndEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("program", "round", "status", "final_score", "grade")
    list_filter = ("round", "status")
    list_select_related = ("program", "round", "grade")


@admin.register(Kpi)
class KpiAdmin(ReadOnlyAdmin):
    list_display = ("code", "indicator_zh", "agency", "unit", "direction")
    search_fields = ("code", "indicator_zh")


@admin.register(SubsidyCase)
class SubsidyCaseAdmin(ReadOnlyAdmin):
    list_display = ("year", "code", "title", "agency", "budget", "executed", "control_status")
    list_filter = ("year", "control_status")


@admin.register(CouncilResolution)
class CouncilResolutionAdmin(ReadOnlyAdmin):
    list_display = ("session", "number", "category", "agency", "control_status")
    list_filter = ("session", "category", "control_status")
