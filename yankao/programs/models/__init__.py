from yankao.programs.models.evaluation import (
    EvaluationRound,
    EvaluationScore,
    RoundWeight,
    YearEndEvaluation,
)
from yankao.programs.models.kpis import Kpi, KpiTarget
from yankao.programs.models.policy import ControlPolicy, GradeBand, GradeScale, ScoreComponent
from yankao.programs.models.programs import (
    Checkpoint,
    ControlLevel,
    PlanMonth,
    Program,
    ProgressReport,
    WorkPlan,
)
from yankao.programs.models.tracked import (
    BudgetPreReview,
    BudgetRequest,
    ControlStatus,
    CouncilResolution,
    DocumentCategory,
    DocumentStat,
    DocumentUrgency,
    EnterpriseEvaluation,
    EnterpriseIndicator,
    PreReviewMeeting,
    Recommendation,
    RecommendationTopic,
    ResolutionCategory,
    SubsidyCase,
    SupervisionMeeting,
)

__all__ = [
    "BudgetPreReview", "BudgetRequest", "Checkpoint", "ControlLevel", "ControlPolicy",
    "ControlStatus", "CouncilResolution", "DocumentCategory", "DocumentStat", "DocumentUrgency",
    "EnterpriseEvaluation", "EnterpriseIndicator", "EvaluationRound", "EvaluationScore",
    "GradeBand", "GradeScale", "Kpi", "KpiTarget", "PlanMonth", "PreReviewMeeting", "Program",
    "ProgressReport", "Recommendation", "RecommendationTopic", "ResolutionCategory",
    "RoundWeight", "ScoreComponent", "SubsidyCase", "SupervisionMeeting", "WorkPlan",
    "YearEndEvaluation",
]
