"""Back office of the FAQ assistant: topics and the thresholds (saved through the
services, so every server's index is told), and read-only conversations. Staff edit the
FAQ and synonyms on their own pages (/staff/assistant/)."""

from __future__ import annotations

from django.contrib import admin

from yankao.assistant import services
from yankao.assistant.models import AssistantPolicy, Conversation, Exchange, Topic
from yankao.core.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ("code", "name_zh", "name_en", "handover_category", "active")

    def save_model(self, request, obj, form, change) -> None:
        services.topic_save(actor=request.user, code=obj.code, name_zh=obj.name_zh,
                            name_en=obj.name_en, handover_category=obj.handover_category,
                            sort_order=obj.sort_order)


@admin.register(AssistantPolicy)
class AssistantPolicyAdmin(AuditedAdmin):
    list_display = ("answer_confidence", "answer_margin", "suggest_confidence", "updated_at")

    def save_model(self, request, obj, form, change) -> None:
        services.policy_save(actor=request.user, answer_confidence=obj.answer_confidence,
                             answer_margin=obj.answer_margin,
                             suggest_confidence=obj.suggest_confidence,
                             default_topic=obj.default_topic)


class ExchangeInline(admin.TabularInline):
    model = Exchange
    extra = 0
    can_delete = False
    fields = ("asked_at", "text", "outcome", "confidence", "shown", "chosen", "declined")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "channel", "language", "case_number")
    list_filter = ("channel",)
    inlines = [ExchangeInline]
