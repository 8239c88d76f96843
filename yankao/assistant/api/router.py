"""/api/v1/assistant: the FAQ assistant as JSON.

Asking, answering a suggestion and handing over are public (no token: a citizen's app or
a chat channel calls them), rate-limited per address; the conversation's id is the only
handle on it. The FAQ and the misses need a staff token.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from yankao.assistant import selectors, services
from yankao.assistant.models import Conversation
from yankao.core.api.params import INT_MAX
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.ratelimit import rate_limit

router = Router(tags=["assistant"])


class QuestionIn(Schema):
    question: str = Field(..., description="The question, at most 500 characters.")
    conversation: uuid.UUID | None = Field(
        None, description="The id from an earlier answer, to keep one conversation.")
    language: str = Field("zh-hant", pattern="^(zh-hant|en)$",
                          description="The language answers are shown in.")


class EntryOut(Schema):
    id: int
    key: str
    topic: str
    question: str
    answer: str


class AnswerOut(Schema):
    conversation: uuid.UUID
    exchange: int
    outcome: str = Field(..., description="answered (one entry), suggested (up to three, "
                                          "ask which fits) or no_match (offer a person)")
    confidence: int = Field(..., description="Per mille.")
    entries: list[EntryOut]


class FeedbackIn(Schema):
    entry: int | None = Field(None, ge=1, le=INT_MAX,
                              description="The id of the entry that fitted; null for "
                                                "none of these.")


class FeedbackOut(Schema):
    exchange: int
    chosen: int | None
    declined: bool


class HandoverIn(Schema):
    name: str = Field(..., max_length=100)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    district: str = Field(..., max_length=5, description="Postal code of the district.")
    details: str = Field("", max_length=500)


class HandoverOut(Schema):
    case_number: str
    password: str = Field(..., description="For tracking the case; empty on a repeat call.")


class MissOut(Schema):
    key: str
    example: str
    count: int
    last_asked: dt.datetime


def _entry_out(entry, language: str) -> EntryOut:
    en = language == "en"
    return EntryOut(id=entry.pk, key=entry.key, topic=entry.topic.code,
                    question=(entry.question_en if en and entry.question_en
                              else entry.question_zh),
                    answer=entry.answer_en if en and entry.answer_en else entry.answer_zh)


@router.post("/assistant/questions", auth=None, response=AnswerOut)
def ask(request: HttpRequest, payload: QuestionIn):
    """Ask a question; the answer says which of the three outcomes it is."""
    rate_limit(request, group="assistant-ask", rate="30/m")
    conversation = (selectors.conversation_get(public_id=payload.conversation)
                    if payload.conversation else None)
    answer = services.question_ask(question=payload.question, conversation=conversation,
                                   language=payload.language, channel=Conversation.Channel.API)
    return AnswerOut(conversation=answer.conversation.public_id, exchange=answer.exchange.pk,
                     outcome=answer.exchange.outcome, confidence=answer.exchange.confidence,
                     entries=[_entry_out(e, payload.language) for e in answer.entries])


@router.post("/assistant/conversations/{conversation}/exchanges/{exchange}/feedback",
             auth=None, response=FeedbackOut)
def feedback(request: HttpRequest, conversation: uuid.UUID, payload: FeedbackIn,
             exchange: int = Path(..., ge=1, le=INT_MAX)):
    """Say which suggestion fitted, or that none did (the question is then a miss)."""
    rate_limit(request, group="assistant-ask", rate="30/m")
    found = selectors.conversation_get(public_id=conversation)
    result = services.exchange_feedback(conversation=found, exchange_id=exchange,
                                        entry_id=payload.entry)
    return FeedbackOut(exchange=result.pk, chosen=result.chosen_id, declined=result.declined)


@router.post("/assistant/conversations/{conversation}/handover", auth=None,
             response={201: HandoverOut})
def handover(request: HttpRequest, conversation: uuid.UUID, payload: HandoverIn):
    """Hand the conversation to a person: a consultation case opens in the service desk."""
    rate_limit(request, group="assistant-handover", rate="10/h")
    found = selectors.conversation_get(public_id=conversation)
    number, password = services.handover_open(
        conversation=found, name=payload.name, phone=payload.phone, email=payload.email,
        district_code=payload.district, details=payload.details)
    return Status(201, HandoverOut(case_number=number, password=password))


@router.get("/assistant/faq", response=list[EntryOut])
def faq(request: HttpRequest, topic: str = Query("", max_length=32),
        language: str = Query("zh-hant", pattern="^(zh-hant|en)$")):
    """The FAQ entries in use (staff token)."""
    entries = selectors.faq_list(actor=request.user, topic=topic, active=True)
    return [_entry_out(entry, language) for entry in entries]


@router.get("/assistant/misses", response=list[MissOut])
def misses(request: HttpRequest, week: str = Query("", pattern=r"^(\d{4}-W\d{2})?$",
                                                    description="ISO week, e.g. 2018-W46")):
    """The week's most-asked questions that found no answer (staff token)."""
    if week:
        year, number = week.split("-W")
        try:
            start = selectors.iso_week_start(int(year), int(number))
        except ValueError:
            raise DomainError(ErrorCode.INVALID, "No such week.", field="week") from None
    else:
        today = timezone.localdate()
        start = today - dt.timedelta(days=today.weekday())
    return [MissOut(key=m.key, example=m.example, count=m.count, last_asked=m.last_asked)
            for m in selectors.weekly_misses(actor=request.user, week_start=start)]
