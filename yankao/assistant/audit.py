"""Audit actions of the FAQ assistant."""

from yankao.core.audit import AuditAction


class AssistantAction(AuditAction):
    FAQ_CREATE = "assistant.faq_create"
    FAQ_UPDATE = "assistant.faq_update"
    FAQ_RETIRE = "assistant.faq_retire"
    SYNONYMS_SAVE = "assistant.synonyms_save"
    POLICY_SAVE = "assistant.policy_save"
    QUESTION_REFUSED = "assistant.question_refused"
    HANDOVER = "assistant.handover"
    HANDOVER_REFUSED = "assistant.handover_refused"
    MISS_RESOLVE = "assistant.miss_resolve"
