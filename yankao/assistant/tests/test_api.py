"""/api/v1/assistant through HTTP: public asking and hand-over, staff reads."""

import pytest

from yankao.assistant.models import Exchange
from yankao.servicedesk.models import Case

pytestmark = pytest.mark.django_db
URL = "/api/v1/assistant"


def post(client, path, data):
    return client.post(f"{URL}{path}", data, content_type="application/json")


def test_ask_then_hand_over_without_a_token(client, faq):
    answer = post(client, "/questions", {"question": "垃圾车今天没来", "language": "en"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["outcome"] == "answered" and body["entries"][0]["key"] == "env-033"
    assert body["entries"][0]["answer"].startswith("Call 1999")
    second = post(client, "/questions", {"question": "鯨魚擱淺怎麼通報",
                                         "conversation": body["conversation"]})
    assert second.json()["outcome"] == "no_match"
    assert second.json()["conversation"] == body["conversation"]
    handed = post(client, f"/conversations/{body['conversation']}/handover",
                  {"name": "林先生", "phone": "0911222333", "district": "800"})
    assert handed.status_code == 201 and handed.json()["password"]
    assert "鯨魚擱淺" in Case.objects.get(number=handed.json()["case_number"]).description


@pytest.mark.parametrize("question", ["", "問" * 2000])
def test_bad_questions_are_problem_json(client, faq, question):
    response = post(client, "/questions", {"question": question})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "question"
    assert Exchange.objects.count() == 0


def test_unknown_conversation_is_not_found(client, faq):
    response = post(client, "/conversations/00000000-0000-4000-8000-000000000000/handover",
                    {"name": "林", "phone": "0911", "district": "800"})
    assert response.status_code == 404 and Case.objects.count() == 0


def test_faq_and_misses_need_a_staff_token(client, faq, editor):
    assert client.get(f"{URL}/faq").status_code == 401
    post(client, "/questions", {"question": "鯨魚擱淺怎麼通報"})
    client.force_login(editor)
    assert len(client.get(f"{URL}/faq").json()) == 300
    misses = client.get(f"{URL}/misses").json()
    assert misses[0]["example"] == "鯨魚擱淺怎麼通報" and misses[0]["count"] == 1
    assert client.get(f"{URL}/misses", {"week": "2018-W99"}).status_code == 422
