"""The public chat and the staff pages through HTTP, with and without htmx."""

import pytest
from django.urls import reverse

from yankao.assistant.models import Exchange, FaqEntry
from yankao.servicedesk.models import Case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_chat_without_javascript_answers_on_the_page(client, faq):
    response = client.post(reverse("assistant:ask"), {"question": "垃圾車今天沒有來收"})
    assert response.status_code == 302 and "#exchange-" in response["Location"]
    page = client.get(reverse("assistant:chat"))
    assert "垃圾車沒有來收" in page.content.decode() or "垃圾車沒有來" in page.content.decode()


def test_chat_with_htmx_returns_only_the_new_exchange(client, faq):
    response = client.post(reverse("assistant:ask"), {"question": "停車的費用"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.count('name="entry"') >= 3  # the suggestions and "none of these"
    exchange = Exchange.objects.get()
    response = client.post(reverse("assistant:feedback", args=[exchange.pk]),
                           {"entry": "none"}, **HTMX)
    assert reverse("assistant:handover") in response.content.decode()
    exchange.refresh_from_db()
    assert exchange.declined and exchange.miss


def test_an_overlong_question_gets_a_clear_message_and_changes_nothing(client, faq):
    response = client.post(reverse("assistant:ask"), {"question": "字" * 2000})
    assert response.status_code == 422
    assert "500" in response.content.decode() and Exchange.objects.count() == 0
    response = client.post(reverse("assistant:ask"), {"question": ""}, **HTMX)
    assert response["HX-Retarget"] == "#ask-error" and Exchange.objects.count() == 0


def test_feedback_on_another_visitors_exchange_is_not_found(client, faq):
    from django.test import Client

    other = Client()
    other.post(reverse("assistant:ask"), {"question": "停車的費用"})
    exchange = Exchange.objects.get()
    client.post(reverse("assistant:ask"), {"question": "路燈壞了"})
    response = client.post(reverse("assistant:feedback", args=[exchange.pk]), {"entry": "none"})
    assert response.status_code == 404
    exchange.refresh_from_db()
    assert not exchange.declined


def test_handover_page_opens_a_case_once(client, faq):
    client.post(reverse("assistant:ask"), {"question": "鯨魚擱淺怎麼通報"})
    data = {"name": "陳小姐", "phone": "", "email": "chen@example.org", "district": "802",
            "details": "想知道通報電話"}
    response = client.post(reverse("assistant:handover"), data)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.number in response.content.decode()
    assert "鯨魚擱淺" in case.description and "想知道通報電話" in case.description
    again = client.post(reverse("assistant:handover"), data)
    assert case.number in again.content.decode() and Case.objects.count() == 1


def test_handover_without_contact_shows_the_error_on_the_form(client, faq):
    client.post(reverse("assistant:ask"), {"question": "鯨魚擱淺怎麼通報"})
    response = client.post(reverse("assistant:handover"),
                           {"name": "陳", "phone": "", "email": "", "district": "802"})
    assert response.status_code == 422 and Case.objects.count() == 0
    assert 'id="id_phone_error"' in response.content.decode()


def test_staff_pages_need_the_role(client, faq, officer, editor):
    client.force_login(officer)
    assert client.get(reverse("assistant:staff-home")).status_code == 403
    client.force_login(editor)
    for name in ("assistant:staff-home", "assistant:faq-list", "assistant:synonyms",
                 "assistant:faq-new"):
        assert client.get(reverse(name)).status_code == 200, name


def test_editor_adds_an_entry_from_a_miss(client, faq, editor):
    client.post(reverse("assistant:ask"), {"question": "鯨魚擱淺怎麼通報"})
    client.force_login(editor)
    page = client.get(reverse("assistant:staff-home")).content.decode()
    assert "鯨魚擱淺怎麼通報" in page
    miss = Exchange.objects.get()
    topic = FaqEntry.objects.get(key="env-001").topic
    response = client.post(
        reverse("assistant:faq-new") + f"?miss={miss.key}",
        {"key": "env-901", "topic": topic.pk, "question_zh": "鯨魚擱淺要通報誰？",
         "answer_zh": "請撥118。", "active": "on"})
    assert response.status_code == 302
    miss.refresh_from_db()
    assert miss.resolved_by.key == "env-901"
    assert "鯨魚擱淺怎麼通報" not in client.get(reverse("assistant:staff-home")).content.decode()
    duplicate = client.post(reverse("assistant:faq-new"),
                            {"key": "env-901", "topic": topic.pk, "question_zh": "重複",
                             "answer_zh": "重複"})
    assert duplicate.status_code == 422 and FaqEntry.objects.filter(key="env-901").count() == 1


def test_faq_list_filters_with_htmx(client, faq, editor):
    client.force_login(editor)
    response = client.get(reverse("assistant:faq-list"), {"q": "拖吊"}, **HTMX)
    body = response.content.decode()
    assert "tr-001" in body and "env-001" not in body and "<html" not in body
