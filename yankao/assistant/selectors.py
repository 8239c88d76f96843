"""Every read of the FAQ assistant: the search index, the FAQ, conversations, misses and
the figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from yankao.assistant import engine
from yankao.assistant.access import require_reader
from yankao.assistant.models import (
    AssistantPolicy,
    Conversation,
    Exchange,
    FaqEntry,
    Outcome,
    SynonymGroup,
    Topic,
)
from yankao.core.errors import DomainError, ErrorCode

POLICY_ID = 1


def policy_get() -> AssistantPolicy:
    """The policy in force (defaults when none was saved yet)."""
    policy = AssistantPolicy.objects.select_related("default_topic").filter(pk=POLICY_ID).first()
    return policy or AssistantPolicy(pk=POLICY_ID, revision=0)


def thresholds(policy: AssistantPolicy) -> engine.Thresholds:
    return engine.Thresholds(answer_confidence=policy.answer_confidence,
                             answer_margin=policy.answer_margin,
                             suggest_confidence=policy.suggest_confidence)


def _index_contents() -> tuple[tuple, list[engine.EntryText], dict[str, str]]:
    revision = _revision()
    entries = [
        engine.EntryText(id=row["id"], question_zh=row["question_zh"],
                         alternatives_zh=row["alternatives_zh"], answer_zh=row["answer_zh"],
                         question_en=row["question_en"], alternatives_en=row["alternatives_en"],
                         answer_en=row["answer_en"])
        for row in FaqEntry.objects.filter(active=True, topic__active=True).values(
            "id", "question_zh", "alternatives_zh", "answer_zh", "question_en",
            "alternatives_en", "answer_en")
    ]
    groups = [(group.language, group.term_list) for group in SynonymGroup.objects.all()]
    return revision, entries, engine.synonym_map(groups)


def _revision() -> tuple:
    """The FAQ's revision and when it was made: a restored or another database never
    looks like the one an index was built from."""
    return AssistantPolicy.objects.filter(pk=POLICY_ID).values_list(
        "revision", "updated_at").first() or (0, None)


def search_index() -> engine.SearchIndex:
    """This process's index, rebuilt first if the FAQ changed since it was built."""
    return engine.CACHE.get(current_revision=_revision(), load=_index_contents)


def entries_by_id(ids: Sequence[int]) -> dict[int, FaqEntry]:
    return FaqEntry.objects.select_related("topic").in_bulk(list(ids))


def topic_list(*, active_only: bool = True) -> QuerySet[Topic]:
    queryset = Topic.objects.all()
    return queryset.filter(active=True) if active_only else queryset


def topic_get(*, code: str) -> Topic:
    topic = Topic.objects.filter(code=code).first()
    if topic is None:
        raise DomainError(ErrorCode.NOT_FOUND, field="topic")
    return topic


def faq_list(*, actor, query: str = "", topic: str = "", active: bool | None = None
             ) -> QuerySet[FaqEntry]:
    """The FAQ as staff see it, filtered by words in its questions or answers."""
    require_reader(actor)
    queryset = FaqEntry.objects.select_related("topic")
    if topic:
        queryset = queryset.filter(topic__code=topic)
    if active is not None:
        queryset = queryset.filter(active=active)
    for word in query.split()[:5]:
        queryset = queryset.filter(
            Q(key__icontains=word) | Q(question_zh__icontains=word)
            | Q(question_en__icontains=word) | Q(alternatives_zh__icontains=word)
            | Q(answer_zh__icontains=word) | Q(answer_en__icontains=word))
    return queryset.order_by("topic__sort_order", "key")


def faq_get(*, actor, entry_id: int) -> FaqEntry:
    require_reader(actor)
    entry = FaqEntry.objects.select_related("topic").filter(pk=entry_id).first()
    if entry is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return entry


def faq_by_key(*, actor, key: str) -> FaqEntry | None:
    require_reader(actor)
    return FaqEntry.objects.select_related("topic").filter(key=key).first()


def faq_public(*, topic: str = "") -> QuerySet[FaqEntry]:
    """Active entries, for the public FAQ list."""
    queryset = FaqEntry.objects.filter(active=True, topic__active=True).select_related("topic")
    if topic:
        queryset = queryset.filter(topic__code=topic)
    return queryset.order_by("topic__sort_order", "key")


def synonym_groups(*, language: str) -> QuerySet[SynonymGroup]:
    return SynonymGroup.objects.filter(language=language).order_by("id")


def conversation_get(*, public_id) -> Conversation:
    """A conversation by its public id, the visitor's only handle on it."""
    conversation = Conversation.objects.filter(public_id=public_id).first()
    if conversation is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return conversation


def conversation_exchanges(*, conversation: Conversation) -> list[Exchange]:
    return list(conversation.exchanges.select_related("chosen").order_by("asked_at", "id"))


def transcript(*, conversation: Conversation) -> str:
    """The conversation as plain text, for the hand-over case."""
    exchanges = conversation_exchanges(conversation=conversation)
    shown = entries_by_id([entry_id for exchange in exchanges for entry_id in exchange.shown])
    lines = []
    for exchange in exchanges:
        stamp = timezone.localtime(exchange.asked_at).strftime("%H:%M")
        lines.append(f"[{stamp}] 民眾：{exchange.text}")
        titles = [shown[i].question_zh for i in exchange.shown if i in shown]
        if exchange.outcome == Outcome.ANSWERED and titles:
            lines.append(f"        客服：回答「{titles[0]}」")
        elif exchange.outcome == Outcome.SUGGESTED and titles:
            lines.append("        客服：建議 " + "；".join(f"「{t}」" for t in titles))
        else:
            lines.append("        客服：查無相符的問答")
        if exchange.chosen_id:
            lines.append(f"        民眾選了「{exchange.chosen.question_zh}」")
        if exchange.declined:
            lines.append("        民眾表示以上皆非")
    return "\n".join(lines)


def iso_week_start(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 1)


@dataclass(frozen=True)
class Miss:
    key: str
    example: str
    count: int
    first_asked: dt.datetime
    last_asked: dt.datetime


def weekly_misses(*, actor, week_start: dt.date, limit: int = 20) -> list[Miss]:
    """The most-asked questions of one week (Monday to Sunday) that nothing answered, or
    whose suggestions the asker turned down, not yet answered by a new entry."""
    require_reader(actor)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=tz)
    rows = (Exchange.objects.filter(miss=True, resolved_by__isnull=True, asked_at__gte=start,
                                    asked_at__lt=start + dt.timedelta(days=7))
            .values("key").annotate(count=Count("id"), example=Max("text"),
                                    first=Min("asked_at"), last=Max("asked_at"))
            .order_by("-count", "-last", "key")[:limit])
    return [Miss(key=row["key"], example=row["example"], count=row["count"],
                 first_asked=row["first"], last_asked=row["last"]) for row in rows]


@dataclass(frozen=True)
class Summary:
    questions: int
    answered: int
    suggested: int
    no_match: int
    declined: int
    misses: int
    conversations: int
    handovers: int


def summary(*, actor, start: dt.datetime, end: dt.datetime) -> Summary:
    """Counts of one period: questions by outcome, misses, conversations, hand-overs."""
    require_reader(actor)
    exchanges = Exchange.objects.filter(asked_at__gte=start, asked_at__lt=end).aggregate(
        questions=Count("id"),
        answered=Count("id", filter=Q(outcome=Outcome.ANSWERED)),
        suggested=Count("id", filter=Q(outcome=Outcome.SUGGESTED)),
        no_match=Count("id", filter=Q(outcome=Outcome.NO_MATCH)),
        declined=Count("id", filter=Q(declined=True)),
        misses=Count("id", filter=Q(miss=True)),
    )
    conversations = Conversation.objects.filter(started_at__gte=start, started_at__lt=end)
    counts = conversations.aggregate(
        conversations=Count("id"), handovers=Count("id", filter=~Q(case_number="")))
    return Summary(**exchanges, **counts)


def conversations_by_month(*, actor, year: int) -> dict[int, int]:
    """智能客服服務件數: conversations started in each month of a year."""
    require_reader(actor)
    rows = (Conversation.objects.filter(started_at__year=year)
            .annotate(month=ExtractMonth("started_at")).values("month")
            .annotate(count=Count("id")).order_by("month"))
    return {row["month"]: row["count"] for row in rows}
