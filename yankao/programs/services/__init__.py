"""Every write of program control. Import from here: ``from yankao.programs import services``."""

from yankao.programs.services.documents import document_stat_record
from yankao.programs.services.evaluation import (
    evaluation_approve,
    evaluation_first_review,
    evaluation_return,
    evaluation_round_open,
    evaluation_second_review,
    evaluation_self_submit,
    weighted_score,
)
from yankao.programs.services.kpis import kpi_actual_record, kpi_create, kpi_target_set
from yankao.programs.services.programs import (
    MonthPlan,
    checkpoint_add,
    checkpoint_complete,
    program_create,
    program_update,
    work_plan_approve,
    work_plan_create,
    work_plan_return,
    work_plan_revise,
    work_plan_submit,
    work_plan_update,
)
from yankao.programs.services.progress import (
    progress_report_commission_review,
    progress_report_submit,
    progress_report_unit_review,
)
from yankao.programs.services.reference import reference_data_ensure
from yankao.programs.services.tracked import (
    IndicatorIn,
    budget_pre_review_create,
    budget_request_decide,
    budget_request_submit,
    controlled_item_release,
    controlled_item_resume,
    council_resolution_create,
    council_resolution_reply,
    enterprise_evaluation_approve,
    enterprise_evaluation_create,
    pre_review_meeting_record,
    recommendation_adopt,
    recommendation_create,
    recommendation_respond,
    subsidy_case_close,
    subsidy_case_create,
    subsidy_case_record_execution,
    supervision_meeting_record,
)

__all__ = [
    "IndicatorIn", "MonthPlan", "budget_pre_review_create", "budget_request_decide",
    "budget_request_submit", "checkpoint_add", "checkpoint_complete", "controlled_item_release",
    "controlled_item_resume", "council_resolution_create", "council_resolution_reply",
    "document_stat_record", "enterprise_evaluation_approve", "enterprise_evaluation_create",
    "evaluation_approve", "evaluation_first_review", "evaluation_return",
    "evaluation_round_open", "evaluation_second_review", "evaluation_self_submit",
    "kpi_actual_record", "kpi_create", "kpi_target_set", "pre_review_meeting_record",
    "program_create", "program_update", "progress_report_commission_review",
    "progress_report_submit", "progress_report_unit_review", "recommendation_adopt",
    "recommendation_create", "recommendation_respond", "reference_data_ensure",
    "subsidy_case_close",
    "subsidy_case_create", "subsidy_case_record_execution", "supervision_meeting_record",
    "weighted_score", "work_plan_approve", "work_plan_create", "work_plan_return",
    "work_plan_revise", "work_plan_submit", "work_plan_update",
]
