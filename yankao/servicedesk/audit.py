"""What the service desk records in the audit log (core AuditEvent), one member per action."""

from __future__ import annotations

from yankao.core.audit import AuditAction


class ServiceDeskAction(AuditAction):
    CASE_REGISTER = "case.register"
    CASE_IMPORT = "case.import"
    CASE_ASSIGN = "case.assign"
    CASE_ACCEPT = "case.accept"
    ASSIGNMENT_ACCEPT = "assignment.accept"
    ASSIGNMENT_REPLY = "assignment.reply"
    CASE_ANSWER = "case.answer"
    CASE_SUPPLEMENT_REQUEST = "case.supplement_request"
    CASE_SUPPLEMENT_PROVIDE = "case.supplement_provide"
    EXTENSION_REQUEST = "extension.request"
    EXTENSION_DECIDE = "extension.decide"
    CASE_TRANSFER = "case.transfer"
    CASE_MERGE = "case.merge"
    CASE_DOWNGRADE = "case.downgrade"
    CASE_CLOSE = "case.close"
    CASE_FILE = "case.file"
    CASE_NOTE = "case.note"
    CASE_MODERATE = "case.moderate"
    CASE_FOLLOW = "case.follow"
    SUBSCRIPTION_CONFIRM = "subscription.confirm"
    SUBSCRIPTION_STOP = "subscription.stop"
    SUBSCRIPTION_BOUNCE = "subscription.bounce"
    SURVEY_ANSWER = "survey.answer"
    CALL_LOG = "call.log"
    CATEGORY_SEED = "category.seed"
    TOPIC_SEED = "topic.seed"
    OPEN311_CLIENT_CREATE = "open311_client.create"
    OPEN311_CLIENT_REVOKE = "open311_client.revoke"
