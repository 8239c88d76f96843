"""Questions, feedback, hand-over into the service desk, staff edits, misses."""

import datetime as dt

import pytest
from django.utils import timezone

from yankao.assistant import selectors, services
from yankao.assistant.models import Conversation, Exchange, FaqEntry, Outcome
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import AuditEvent, PersonalContact
from yankao.core.permissions import CITY_WIDE
from yankao.servicedesk.models import Case

pytestmark = pytest.mark.django_db


def test_a_clear_question_gets_one_answer(faq):
    answer = services.question_ask(question="路燈壞了")
    assert answer.exchange.outcome == Outcome.ANSWERED
    assert [e.key for e in answer.entries] == ["road-001"]
    assert not answer.exchange.miss


def test_a_vague_question_gets_three_suggestions_and_none_of_these_is_a_miss(faq):
    answer = services.question_ask(question="停車的費用")
    assert answer.exchange.outcome == Outcome.SUGGESTED
    assert 1 < len(answer.entries) <= 3
    exchange = services.exchange_feedback(conversation=answer.conversation,
                                          exchange_id=answer.exchange.pk, entry_id=None)
    assert exchange.declined and exchange.miss


def test_choosing_a_suggestion_that_was_not_shown_is_refused(faq):
    answer = services.question_ask(question="停車的費用")
    other = FaqEntry.objects.exclude(pk__in=answer.exchange.shown).first()
    with pytest.raises(DomainError) as error:
        services.exchange_feedback(conversation=answer.conversation,
                                   exchange_id=answer.exchange.pk, entry_id=other.pk)
    assert error.value.code == ErrorCode.INVALID
    answer.exchange.refresh_from_db()
    assert answer.exchange.chosen_id is None


def test_no_match_is_logged_as_a_miss_with_personal_data_masked(faq):
    answer = services.question_ask(question="明天的天氣如何？我的電話0912345678")
    assert answer.exchange.outcome == Outcome.NO_MATCH and answer.entries == []
    assert answer.exchange.miss and "0912345678" not in answer.exchange.text


@pytest.mark.parametrize("question", ["", "   ", "問" * 501, "x" * 2000])
def test_empty_or_too_long_questions_are_refused_and_audited(faq, question):
    before = Exchange.objects.count()
    with pytest.raises(DomainError) as error:
        services.question_ask(question=question)
    assert error.value.code == ErrorCode.INVALID and error.value.field == "question"
    assert Exchange.objects.count() == before
    event = AuditEvent.objects.filter(action="assistant.question_refused").latest("id")
    assert event.reason in {"empty", "too long"}


def test_handover_opens_a_consultation_case_with_the_conversation(faq):
    first = services.question_ask(question="明天會不會下雨")
    services.question_ask(question="垃圾車今天沒有來收", conversation=first.conversation)
    number, password = services.handover_open(
        conversation=first.conversation, name="王小明", phone="0912-000-111",
        district_code="802")
    case = Case.objects.get(number=number)
    assert password and case.kind == "consultation" and case.channel == "web"
    assert "明天會不會下雨" in case.description and "垃圾車今天沒有來收" in case.description
    assert case.category.code == "P-ENV"  # the topic of the entry last shown
    assert case.contact_id and "0912-000-111" not in case.description
    assert PersonalContact.objects.filter(pk=case.contact_id).exists()
    conversation = Conversation.objects.get(pk=first.conversation.pk)
    assert conversation.case_number == number
    # A second call returns the same case, without a new password.
    again = services.handover_open(conversation=conversation, name="王小明",
                                   phone="0912-000-111", district_code="802")
    assert again == (number, "")
    assert Case.objects.filter(number=number).count() == 1
    assert AuditEvent.objects.filter(action="assistant.handover").count() == 1


@pytest.mark.parametrize("fields, field", [
    ({"name": "", "phone": "0912"}, "name"),
    ({"name": "王", "phone": "", "email": ""}, "phone"),
    ({"name": "王", "phone": "0912", "district_code": "000"}, "district"),
])
def test_handover_without_a_contact_or_district_changes_nothing(faq, fields, field):
    conversation = services.question_ask(question="明天會不會下雨").conversation
    arguments = {"district_code": "802", **fields}
    cases = Case.objects.count()
    with pytest.raises(DomainError) as error:
        services.handover_open(conversation=conversation, **arguments)
    assert error.value.field == field and Case.objects.count() == cases
    assert AuditEvent.objects.filter(action="assistant.handover_refused").exists()


def test_an_edit_reaches_the_next_question(faq, editor):
    assert services.question_ask(question="鯨魚擱淺怎麼通報").exchange.outcome == "no_match"
    topic = selectors.topic_get(code="environment")
    services.faq_entry_save(actor=editor, key="env-900", topic=topic,
                            question_zh="海邊有鯨魚擱淺要通報誰？", answer_zh="請撥118海巡專線。",
                            alternatives_zh="", question_en="", alternatives_en="",
                            answer_en="", active=True)
    answer = services.question_ask(question="鯨魚擱淺怎麼通報")
    assert [e.key for e in answer.entries][:1] == ["env-900"]
    services.faq_entry_retire(actor=editor, entry=FaqEntry.objects.get(key="env-900"))
    assert services.question_ask(question="鯨魚擱淺怎麼通報").exchange.outcome == "no_match"


def test_staff_without_the_role_cannot_edit(faq, officer):
    with pytest.raises(DomainError) as error:
        services.synonyms_replace(actor=officer, language="zh", text="機車,摩托車")
    assert error.value.code == ErrorCode.FORBIDDEN


def test_a_synonym_line_with_one_word_is_refused_and_nothing_changes(faq, editor):
    before = list(selectors.synonym_groups(language="zh").values_list("terms", flat=True))
    with pytest.raises(DomainError):
        services.synonyms_replace(actor=editor, language="zh", text="機車,摩托車\n孤單")
    after = list(selectors.synonym_groups(language="zh").values_list("terms", flat=True))
    assert before == after


def test_weekly_misses_count_repeats_and_forget_resolved_ones(faq, editor):
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for question in ["鯨魚擱淺怎麼通報", "鯨魚擱淺怎麼通報？", "鯨魚擱淺 怎麼通報",
                     "火星移民要辦什麼"]:
        services.question_ask(question=question)
    misses = selectors.weekly_misses(actor=editor, week_start=monday)
    assert (misses[0].count, misses[0].example.startswith("鯨魚")) == (3, True)
    entry = FaqEntry.objects.get(key="svc-001")
    assert services.miss_resolve(actor=editor, key=misses[0].key, entry=entry) == 3
    assert [m.count for m in selectors.weekly_misses(actor=editor, week_start=monday)] == [1]
    assert selectors.summary(actor=CITY_WIDE, start=timezone.now() - dt.timedelta(days=1),
                             end=timezone.now() + dt.timedelta(days=1)).questions == 4


def test_weekly_digest_mails_the_editors_once(faq, editor):
    from yankao.core.models import Notification

    editor.email = "editor@example.org"
    editor.save()
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    services.question_ask(question="火星移民要辦什麼")
    assert services.misses_digest_send(week_start=monday) == 1
    services.misses_digest_send(week_start=monday)
    sent = Notification.objects.filter(kind="assistant.misses")
    assert sent.count() == 1 and "火星移民要辦什麼" in sent.get().body
