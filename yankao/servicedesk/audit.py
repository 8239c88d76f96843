"""The service desk's audit actions (see yankao.core.audit)."""

from yankao.core.audit import AuditAction


class ServicedeskAction(AuditAction):
    CASE_REGISTER = "case.register"
    CASE_ASSIGN = "case.assign"
    CASE_ACCEPT = "case.accept"
    CASE_ANSWER = "case.answer"
    ASSIGNMENT_ACCEPT = "assignment.accept"
    ASSIGNMENT_REPLY = "assignment.reply"
    CASE_SUPPLEMENT_REQUEST = "case.supplement_request"
    CASE_SUPPLEMENT_PROVIDE = "case.supplement_provide"
    EXTENSION_REQUEST = "extension.request"
    EXTENSION_DECIDE = "extension.decide"
    CASE_TRANSFER = "case.transfer"
    CASE_MERGE = "case.merge"
    CASE_DOWNGRADE = "case.downgrade"
    CASE_CLOSE = "case.close"
    CASE_FILE = "case.file"
    SURVEY_ANSWER = "survey.answer"
    CALL_LOG = "call.log"
    OPEN311_CLIENT_CREATE = "open311_client.create"
    OPEN311_CLIENT_REVOKE = "open311_client.revoke"
    CATEGORY_SEED = "category.seed"
    CASE_IMPORT = "case.import"
    CASE_IMPORT_FINISH = "case.import.finish"
