"""Every read of the service desk that users see. Figures are in ``statistics``."""

from yankao.servicedesk.selectors import citizen, statistics
from yankao.servicedesk.selectors.cases import (
    InboxFilters,
    case_assignments,
    case_attachments,
    case_get,
    case_history,
    case_visible,
    category_choices,
    due_flags,
    duplicate_candidates,
    inbox,
    inbox_count,
    pending_extensions,
    routing_queue,
)
from yankao.servicedesk.selectors.public import (
    citizen_case_get,
    open311_cases,
    open311_client_list,
    open311_services,
    public_timeline,
)

__all__ = [
    "InboxFilters",
    "case_assignments",
    "case_attachments",
    "case_get",
    "case_history",
    "case_visible",
    "category_choices",
    "citizen",
    "citizen_case_get",
    "due_flags",
    "duplicate_candidates",
    "inbox",
    "inbox_count",
    "open311_cases",
    "open311_client_list",
    "open311_services",
    "pending_extensions",
    "public_timeline",
    "routing_queue",
    "statistics",
]
