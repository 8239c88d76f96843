from yankao.servicedesk.models.cases import (
    ACTIVE_ASSIGNMENT,
    DESCRIPTION_MAX,
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Call,
    CallOutcome,
    Case,
    CaseStatus,
    Channel,
    CloseReason,
    Extension,
    ExtensionStatus,
    FilingGround,
    Open311Client,
    PetitionKind,
    Survey,
)
from yankao.servicedesk.models.policy import (
    CaseKind,
    Category,
    DeadlineRule,
    DeadlineUnit,
    ImportMapping,
    RoutingRule,
)

__all__ = [
    "ACTIVE_ASSIGNMENT", "DESCRIPTION_MAX", "OPEN_STATUSES", "Assignment", "AssignmentStatus",
    "Call", "CallOutcome", "Case", "CaseKind", "CaseStatus", "Category", "Channel",
    "CloseReason", "DeadlineRule", "DeadlineUnit", "Extension", "ExtensionStatus",
    "FilingGround", "ImportMapping", "Open311Client", "PetitionKind", "RoutingRule", "Survey",
]
