"""Back office for program control: the policy (thresholds, reporting day, grade bands,
score components, categories) is data that administrators edit here; every save goes
through core's audited master_record_save. Workflow records (plans, reports, evaluations)
are read-only here: they change only through their services."""

from __future__ import annotations

from django.contrib import admin

from yankao.core.admin import AuditedAdmin, ReadOnlyAdmin
from yankao.programs.models import (
    BudgetPreReview,
    BudgetRequest,
    ControlPolicy,
    CouncilResolution,
    DocumentCategory,
    DocumentUrgency,
    EnterpriseEvaluation,
    EnterpriseIndicator,
    EvaluationRound,
    GradeBand,
    GradeScale,
    Kpi,
    PreReviewMeeting,
    Program,
    ProgressReport,
    Recommendation,
    RecommendationTopic,
    ResolutionCategory,
    RoundWeight,
    ScoreComponent,
    SubsidyCase,
    SupervisionMeeting,
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
    list_display = ("code", "name_zh", "name_en", "default_weight", "sort_order")


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


# The other tracked items are entered here by the commission's administrators; their
# release from control, spending, replies and decisions go through the services on the
# staff pages, so those fields are read-only here.
CONTROL_FIELDS = ("control_status", "released_on", "release_reason")


@admin.register(SubsidyCase)
class SubsidyCaseAdmin(AuditedAdmin):
    list_display = ("year", "code", "title", "agency", "budget", "executed", "control_status")
    list_filter = ("year", "control_status")
    search_fields = ("code", "title")
    readonly_fields = ("executed", "closed_on", *CONTROL_FIELDS)


@admin.register(SupervisionMeeting)
class SupervisionMeetingAdmin(AuditedAdmin):
    list_display = ("held_on", "title", "year")
    filter_horizontal = ("cases",)


@admin.register(Recommendation)
class RecommendationAdmin(AuditedAdmin):
    list_display = ("year", "topic", "agency", "item", "adopted_on", "control_status")
    list_filter = ("year", "topic", "control_status")
    readonly_fields = ("response", "responded_on", "adopted_on", *CONTROL_FIELDS)


@admin.register(CouncilResolution)
class CouncilResolutionAdmin(AuditedAdmin):
    list_display = ("session", "number", "category", "agency", "control_status")
    list_filter = ("session", "category", "control_status")
    search_fields = ("subject", "proposer")
    readonly_fields = ("reply", "replied_on", *CONTROL_FIELDS)


@admin.register(EnterpriseEvaluation)
class EnterpriseEvaluationAdmin(AuditedAdmin):
    list_display = ("enterprise", "year", "status", "final_score", "grade")
    readonly_fields = ("status", "reviewed_on", "final_score", "grade", "comment")


@admin.register(EnterpriseIndicator)
class EnterpriseIndicatorAdmin(AuditedAdmin):
    list_display = ("evaluation", "name_zh", "weight", "target", "score")
    readonly_fields = ("score",)


@admin.register(BudgetPreReview)
class BudgetPreReviewAdmin(AuditedAdmin):
    list_display = ("budget_year", "title")


@admin.register(BudgetRequest)
class BudgetRequestAdmin(AuditedAdmin):
    list_display = ("review", "agency", "title", "requested", "approved_public",
                    "approved_fund")
    list_filter = ("review",)


@admin.register(PreReviewMeeting)
class PreReviewMeetingAdmin(AuditedAdmin):
    list_display = ("review", "kind", "held_on", "subject")
    list_filter = ("review", "kind")
