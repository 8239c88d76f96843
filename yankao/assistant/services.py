"""Every write of the FAQ assistant: the FAQ and its synonyms (staff), questions and
hand-overs (citizens), and the weekly list of misses.

A citizen's question is written as one :class:`Exchange`; it is not an audit event (there
are thousands a day), but a refused question and every hand-over are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.assistant import selectors
from yankao.assistant.access import EDITOR_ROLES, require_editor
from yankao.assistant.audit import AssistantAction
from yankao.assistant.models import (
    QUESTION_MAX,
    AssistantPolicy,
    Conversation,
    Exchange,
    FaqEntry,
    Outcome,
    SynonymGroup,
    Topic,
)
from yankao.assistant.text import mask_personal, question_key
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Membership
from yankao.core.services.audit import audit_record
from yankao.core.services.notifications import notification_queue
from yankao.core.validation import full_clean

CITIZEN = "citizen"
FAQ_FIELDS = ("topic", "question_zh", "question_en", "alternatives_zh", "alternatives_en",
              "answer_zh", "answer_en", "active")


def _validated(obj) -> None:
    try:
        full_clean(obj)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(ErrorCode.INVALID, " ".join(messages),
                          field=None if field == "__all__" else field) from None


def _bump_revision() -> None:
    """Tell every server's index that the FAQ changed (read before each search)."""
    updated = AssistantPolicy.objects.filter(pk=selectors.POLICY_ID).update(
        revision=F("revision") + 1, updated_at=timezone.now())
    if not updated:
        AssistantPolicy.objects.create(pk=selectors.POLICY_ID, revision=1)


# --- staff: the FAQ -------------------------------------------------------------------------


def policy_save(*, actor, answer_confidence: int, answer_margin: int,
                suggest_confidence: int, default_topic: Topic | None = None) -> AssistantPolicy:
    require_editor(actor)
    if suggest_confidence > answer_confidence:
        raise DomainError(ErrorCode.INVALID, _("The confidence to suggest cannot be above the "
                                               "confidence to answer."),
                          field="suggest_confidence")
    with transaction.atomic(durable=True):
        policy, _created = AssistantPolicy.objects.select_for_update().get_or_create(
            pk=selectors.POLICY_ID)
        before = f"{policy.answer_confidence}/{policy.answer_margin}/{policy.suggest_confidence}"
        policy.answer_confidence, policy.answer_margin = answer_confidence, answer_margin
        policy.suggest_confidence, policy.default_topic = suggest_confidence, default_topic
        policy.revision += 1
        _validated(policy)
        policy.save()
        audit_record(actor=actor, action=AssistantAction.POLICY_SAVE, obj=policy,
                     from_state=before,
                     to_state=f"{answer_confidence}/{answer_margin}/{suggest_confidence}")
    return policy


def topic_save(*, actor, code: str, name_zh: str, name_en: str, handover_category: str,
               sort_order: int = 0) -> Topic:
    require_editor(actor)
    with transaction.atomic():
        topic = Topic.objects.filter(code=code).first() or Topic(code=code)
        topic.name_zh, topic.name_en = name_zh, name_en
        topic.handover_category, topic.sort_order = handover_category, sort_order
        _validated(topic)
        topic.save()
        _bump_revision()
    return topic


def faq_entry_save(*, actor, entry: FaqEntry | None = None, key: str = "", **fields
                   ) -> FaqEntry:
    """Create an entry (``entry=None``, with a ``key``) or change one. The index of every
    server picks the change up with its next question."""
    require_editor(actor)
    unknown = set(fields) - set(FAQ_FIELDS)
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"Unknown fields: {sorted(unknown)}")
    created = entry is None
    with transaction.atomic():
        if created:
            if FaqEntry.objects.filter(key=key).exists():
                raise DomainError(ErrorCode.CONFLICT, _("An entry with this key exists."),
                                  field="key")
            entry = FaqEntry(key=key)
        else:
            entry = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        changed = [] if created else [name for name, value in fields.items()
                                      if getattr(entry, name) != value]
        for name, value in fields.items():
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
        if not (entry.question_zh.strip() and entry.answer_zh.strip()):
            raise DomainError(ErrorCode.INVALID, _("An entry needs a question and an answer "
                                                   "in Chinese."), field="question_zh")
        entry.updated_by = actor if actor is not None and actor.is_authenticated else None
        _validated(entry)
        entry.save()
        _bump_revision()
        audit_record(actor=actor, action=AssistantAction.FAQ_CREATE if created
                     else AssistantAction.FAQ_UPDATE, obj=entry,
                     data={"changed": changed} if not created else {})
    return entry


def faq_entry_retire(*, actor, entry: FaqEntry, reason: str = "") -> FaqEntry:
    """Take an entry out of the answers; it is kept, so past conversations still name it."""
    require_editor(actor)
    with transaction.atomic():
        entry = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.active:
            return entry
        entry.active = False
        entry.save(update_fields=["active", "updated_at"])
        _bump_revision()
        audit_record(actor=actor, action=AssistantAction.FAQ_RETIRE, obj=entry,
                     from_state="active", to_state="retired", reason=reason)
    return entry


def parse_synonyms(text: str) -> list[list[str]]:
    """One group a line, terms separated by commas (half or full width)."""
    groups = []
    for number, line in enumerate(text.splitlines(), start=1):
        terms = [t.strip() for t in line.replace("，", ",").replace("、", ",").split(",")]
        terms = list(dict.fromkeys(t for t in terms if t))
        if not terms:
            continue
        if len(terms) < 2:
            raise DomainError(ErrorCode.INVALID, _("Line %(line)s has only one word; a group "
                                                   "needs two or more.") % {"line": number},
                              field="terms")
        if any(len(term) > 40 for term in terms):
            raise DomainError(ErrorCode.INVALID, _("Line %(line)s has a word longer than 40 "
                                                   "characters.") % {"line": number},
                              field="terms")
        groups.append(terms)
    return groups


def synonyms_replace(*, actor, language: str, text: str) -> int:
    """Replace one language's synonym list with the groups in ``text``."""
    require_editor(actor)
    if language not in SynonymGroup.Language.values:
        raise DomainError(ErrorCode.INVALID, field="language")
    groups = parse_synonyms(text)
    with transaction.atomic():
        before = SynonymGroup.objects.filter(language=language).count()
        SynonymGroup.objects.filter(language=language).delete()
        SynonymGroup.objects.bulk_create(
            SynonymGroup(language=language, terms=",".join(terms)[:300]) for terms in groups)
        _bump_revision()
        audit_record(actor=actor, action=AssistantAction.SYNONYMS_SAVE,
                     from_state=str(before), to_state=str(len(groups)),
                     data={"language": language})
    return len(groups)


def faq_load(*, actor, topics: Iterable[tuple[str, str, str, str]], rows: Iterable,
             synonyms: Iterable[tuple[str, str]] = ()) -> int:
    """Load topics, entries and synonyms (the demo city, a city's first FAQ); entries whose
    key exists are left as they are. Returns the number of new entries."""
    require_editor(actor)
    with transaction.atomic():
        by_code = {}
        for order, (code, zh, en, category) in enumerate(topics):
            by_code[code] = topic_save(actor=actor, code=code, name_zh=zh, name_en=en,
                                       handover_category=category, sort_order=order * 10)
        existing = set(FaqEntry.objects.values_list("key", flat=True))
        new = [FaqEntry(key=row.key, topic=by_code[row.topic], question_zh=row.question_zh,
                        alternatives_zh=row.alternatives_zh, answer_zh=row.answer_zh,
                        question_en=row.question_en, answer_en=row.answer_en)
               for row in rows if row.key not in existing]
        FaqEntry.objects.bulk_create(new)
        groups = list(synonyms)
        if groups and not SynonymGroup.objects.exists():
            SynonymGroup.objects.bulk_create(SynonymGroup(language=lang, terms=terms)
                                             for lang, terms in groups)
        policy, _created = AssistantPolicy.objects.get_or_create(pk=selectors.POLICY_ID)
        if policy.default_topic_id is None and by_code:
            policy.default_topic = by_code.get("service1999") or next(iter(by_code.values()))
            policy.save(update_fields=["default_topic"])
        _bump_revision()
        audit_record(actor=actor, action=AssistantAction.FAQ_CREATE,
                     to_state=str(len(new)), data={"loaded": len(new)})
    return len(new)


# --- citizens: questions and hand-over -----------------------------------------------------


def conversation_start(*, language: str = "zh-hant",
                       channel: str = Conversation.Channel.WEB) -> Conversation:
    return Conversation.objects.create(channel=channel, language=language[:10],
                                       started_at=timezone.now())


@dataclass(frozen=True)
class Answer:
    conversation: Conversation
    exchange: Exchange
    entries: list[FaqEntry]  # best first: one (answered), up to three (suggested) or none


def _refuse(message: str, *, reason: str, length: int) -> DomainError:
    with transaction.atomic():
        audit_record(actor=None, actor_label=CITIZEN, action=AssistantAction.QUESTION_REFUSED,
                     reason=reason, data={"length": length})
    return DomainError(ErrorCode.INVALID, message, field="question")


def question_check(question: str) -> str:
    """The question stripped, or INVALID (audited) when empty or too long."""
    text = (question or "").strip()
    if not text:
        raise _refuse(_("Type a question."), reason="empty", length=0)
    if len(text) > QUESTION_MAX:
        raise _refuse(_("A question can be at most %(max)s characters long. Ask about one "
                        "thing at a time.") % {"max": QUESTION_MAX},
                      reason="too long", length=len(text))
    return text


def question_ask(*, question: str, conversation: Conversation | None = None,
                 language: str = "zh-hant", channel: str = Conversation.Channel.WEB,
                 now: dt.datetime | None = None) -> Answer:
    """Answer a citizen's question from the FAQ: one answer, the top three, or nothing (a
    person is offered). The question is kept, masked, for the list of misses."""
    text = question_check(question)
    policy = selectors.policy_get()
    index = selectors.search_index()
    result = index.search(text)
    outcome = result.decide(selectors.thresholds(policy))
    hits = [] if outcome == Outcome.NO_MATCH else list(result.hits)
    if outcome == Outcome.ANSWERED:
        hits = hits[:1]
    now = now or timezone.now()
    with transaction.atomic():
        if conversation is None or conversation.pk is None:
            conversation = Conversation.objects.create(channel=channel, language=language[:10],
                                                       started_at=now)
        exchange = Exchange.objects.create(
            conversation=conversation, asked_at=now, text=mask_personal(text),
            key=question_key(text) or "-", language=result.language, outcome=outcome,
            confidence=result.confidence, shown=[hit.entry_id for hit in hits],
            miss=outcome == Outcome.NO_MATCH,
        )
    found = selectors.entries_by_id([hit.entry_id for hit in hits])
    return Answer(conversation, exchange, [found[hit.entry_id] for hit in hits
                                           if hit.entry_id in found])


def exchange_feedback(*, conversation: Conversation, exchange_id: int,
                      entry_id: int | None = None) -> Exchange:
    """The asker picked one of the suggestions (``entry_id``) or none of them (None)."""
    with transaction.atomic():
        exchange = Exchange.objects.select_for_update().filter(
            pk=exchange_id, conversation=conversation).first()
        if exchange is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        if entry_id is not None and entry_id not in exchange.shown:
            raise DomainError(ErrorCode.INVALID, _("Choose one of the answers shown."),
                              field="entry")
        if exchange.chosen_id or exchange.declined:
            return exchange
        if entry_id is None:
            exchange.declined, exchange.miss = True, True
        else:
            exchange.chosen_id = entry_id
        exchange.save(update_fields=["chosen", "declined", "miss"])
    return exchange


def _handover_topic(conversation: Conversation, policy: AssistantPolicy) -> Topic | None:
    """The topic of the entry last shown in the conversation, else the policy's default."""
    last = (conversation.exchanges.exclude(shown=[]).order_by("-asked_at", "-id").first())
    if last is not None:
        entries = selectors.entries_by_id(last.shown[:1])
        if entries:
            return next(iter(entries.values())).topic
    return policy.default_topic or Topic.objects.filter(active=True).first()


def handover_open(*, conversation: Conversation, name: str, phone: str = "",
                  email: str = "", district_code: str, details: str = "") -> tuple[str, str]:
    """轉真人: open a consultation case in the service desk with the conversation attached,
    for a person to answer. Returns (case number, password for tracking); a second call
    returns the same case without a new password."""
    from yankao.core import selectors as core_selectors
    from yankao.servicedesk import selectors as desk_selectors
    from yankao.servicedesk import services as desk_services

    def refuse(message: str, field: str) -> DomainError:
        with transaction.atomic():
            audit_record(actor=None, actor_label=CITIZEN,
                         action=AssistantAction.HANDOVER_REFUSED, obj=conversation,
                         reason=f"{field}: {message}"[:200])
        return DomainError(ErrorCode.INVALID, message, field=field)

    name, phone, email = name.strip(), phone.strip(), email.strip()
    details = details.strip()
    if not name:
        raise refuse(_("Give a name a person can address you by."), "name")
    if not (phone or email):
        raise refuse(_("Give a phone number or an e-mail address so that a person can "
                       "answer you."), "phone")
    if len(details) > QUESTION_MAX:
        raise refuse(_("The details can be at most %(max)s characters long.")
                     % {"max": QUESTION_MAX}, "details")
    district = core_selectors.district_list().filter(code=district_code).first()
    if district is None:
        raise refuse(_("Choose your district."), "district")
    if not conversation.exchanges.exists() and not details:
        raise refuse(_("Ask your question first, or write it in the details."), "details")
    policy = selectors.policy_get()
    topic = _handover_topic(conversation, policy)
    category = desk_selectors.category_choices().filter(
        code=topic.handover_category if topic else "").first()
    if category is None:
        raise refuse(_("Hand-over is not set up: no service-desk category for this topic."),
                     "topic")
    lines = ["由智能客服轉交專人回覆的問題。"]
    if details:
        lines += ["", details]
    lines += ["", transcript_text(conversation)]
    description = "\n".join(lines)[:4000]
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        case, password = desk_services.case_register(
            actor=None, actor_label="assistant", category=category,
            description=description, channel="web", kind="consultation",
            district=district, address=district.name_zh, reporter_name=name[:100],
            reporter_phone=phone[:30], reporter_email=email[:254], with_password=True,
            submission_key=f"assistant:{conversation.public_id}",
        )
        if not conversation.case_number:
            conversation.case_number = case.number
            conversation.handed_over_at = timezone.now()
            conversation.save(update_fields=["case_number", "handed_over_at"])
            audit_record(actor=None, actor_label=CITIZEN, action=AssistantAction.HANDOVER,
                         obj=conversation, to_state=case.number,
                         data={"category": category.code})
    return case.number, password


def transcript_text(conversation: Conversation) -> str:
    return selectors.transcript(conversation=conversation)


def miss_resolve(*, actor, key: str, entry: FaqEntry) -> int:
    """Mark the misses with this key as answered since by ``entry``; returns how many."""
    require_editor(actor)
    with transaction.atomic():
        count = Exchange.objects.filter(miss=True, key=key, resolved_by__isnull=True).update(
            resolved_by=entry)
        audit_record(actor=actor, action=AssistantAction.MISS_RESOLVE, obj=entry,
                     to_state=str(count), data={"key": key[:200]})
    return count


def misses_digest_send(*, week_start: dt.date) -> int:
    """E-mail the FAQ's editors the week's most-asked misses (once per week)."""
    misses = selectors.weekly_misses(actor=None, week_start=week_start, limit=20)
    if not misses:
        return 0
    recipients = list(Membership.objects.filter(
        role__in=EDITOR_ROLES, active=True, user__is_active=True).exclude(
        user__email="").values_list("user__email", flat=True).distinct())
    year, week, _day = week_start.isocalendar()
    body = "\n".join(f"{miss.count:>4}  {miss.example}" for miss in misses)
    notification_queue(
        kind="assistant.misses", recipients=recipients,
        subject=f"智能客服 {year}-W{week:02d} 未能回答的問題 / Unanswered questions",
        body=body, dedupe_key=f"assistant-misses:{year}-W{week:02d}",
    )
    return len(misses)
