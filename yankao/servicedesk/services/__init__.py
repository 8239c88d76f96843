"""Every write of the service desk. Import from here: ``from yankao.servicedesk import
services``."""

from yankao.servicedesk.services.cases import (
    assignment_accept,
    assignment_bulk_accept,
    assignment_reply,
    case_assign,
    case_bulk_assign,
    case_close,
    case_downgrade,
    case_file_without_handling,
    case_merge,
    case_password_check,
    case_register,
    case_transfer,
    extension_decide,
    extension_request,
    reporter_contact_reveal,
    supplement_provide,
    supplement_request,
    survey_answer,
)
from yankao.servicedesk.services.mappings import import_mapping_save
from yankao.servicedesk.services.other import (
    call_log,
    open311_client_create,
    open311_client_for_key,
    open311_client_revoke,
)
from yankao.servicedesk.services.policy import (
    deadline_rule_for,
    due_time,
    nearest_district,
    route_for,
)
from yankao.servicedesk.services.rollups import rollups_rebuild

__all__ = [
    "assignment_accept", "assignment_bulk_accept", "assignment_reply", "call_log",
    "case_assign", "case_bulk_assign", "case_close", "case_downgrade",
    "case_file_without_handling", "case_merge", "case_password_check", "case_register",
    "case_transfer", "deadline_rule_for", "due_time", "extension_decide", "extension_request",
    "import_mapping_save",
    "nearest_district", "open311_client_create", "open311_client_for_key",
    "open311_client_revoke",
    "reporter_contact_reveal", "rollups_rebuild", "route_for", "supplement_provide",
    "supplement_request",
    "survey_answer",
]
