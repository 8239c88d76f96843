"""Data requests and comments: moderated, answered by the agency within its working-day
deadline, the sender's address kept in the vault."""

import datetime as dt

import pytest
from django.core import mail

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import ClosureDay, PersonalContact
from yankao.opendata.models import DataRequest, DatasetComment
from yankao.opendata.selectors.feedback import public_comments, public_requests
from yankao.opendata.selectors.figures import feedback_figures
from yankao.opendata.services.feedback import (
    answer_reminders_send,
    data_request_submit,
    dataset_comment_submit,
    feedback_answer,
    feedback_moderate,
)

pytestmark = pytest.mark.django_db

# Friday 2018-09-21; the deadline is 10 working days later, skipping the weekend, the
# Mid-Autumn Festival (Monday 24 September) and a typhoon day the city closed.
FRIDAY = dt.datetime(2018, 9, 21, 10, 0, tzinfo=TAIPEI)


def test_a_request_is_moderated_answered_on_time_and_its_sender_told(
        evaluator, officer, city, publishers, django_capture_on_commit_callbacks):
    ClosureDay.objects.create(date=dt.date(2018, 10, 1), reason="颱風停止上班")
    item = data_request_submit(actor=None, title="路燈故障即時資料", body="請提供 API。",
                               email="citizen@example.invalid", submitted_at=FRIDAY)
    assert item.status == DataRequest.Status.SUBMITTED and item.contact is not None
    assert not public_requests().exists()
    item = feedback_moderate(actor=evaluator, item=item, publish=True,
                             agency=city["pwb-maintenance"], moderated_at=FRIDAY)
    assert item.due_at == dt.datetime(2018, 10, 9, 23, 59, 59, tzinfo=TAIPEI)
    assert list(public_requests()) == [item]
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_answer(actor=officer, item=item, answer="已於十月開放。",
                               answered_at=FRIDAY + dt.timedelta(days=5))
    assert item.answered_on_time is True
    assert [m.to for m in mail.outbox][-1] == ["citizen@example.invalid"]
    figures = feedback_figures(actor=evaluator, year=2018)
    assert (figures.received, figures.answered, figures.answered_on_time) == (1, 1, 1)


def test_refusals_need_a_reason_and_only_the_agency_answers(evaluator, epb_officer, officer,
                                                            city, publishers):
    item = data_request_submit(actor=None, title="廣告", body="買房請洽")
    with pytest.raises(DomainError) as error:
        feedback_moderate(actor=officer, item=item, publish=True,
                          agency=city["pwb-maintenance"])
    assert error.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as error:
        feedback_moderate(actor=evaluator, item=item, publish=False)
    assert error.value.field == "reason"
    feedback_moderate(actor=evaluator, item=item, publish=False, reason="與資料無關")
    other = data_request_submit(actor=None, title="路燈資料", body="請提供")
    other = feedback_moderate(actor=evaluator, item=other, publish=True,
                              agency=city["pwb-maintenance"])
    with pytest.raises(DomainError) as error:
        feedback_answer(actor=epb_officer, item=other, answer="不是我們的")
    assert error.value.code == ErrorCode.FORBIDDEN
    assert DataRequest.objects.get(pk=other.pk).status == DataRequest.Status.OPEN


def test_comments_go_to_the_datasets_agency_which_may_moderate_them(dataset, officer):
    item = dataset_comment_submit(actor=None, dataset=dataset, body="單位不清楚",
                                  display_name="市民")
    item = feedback_moderate(actor=officer, item=item, publish=True)
    assert item.agency == dataset.agency
    assert list(public_comments(dataset=dataset)) == [item]
    feedback_answer(actor=officer, item=item, answer="已補充單位。")
    assert DatasetComment.objects.get(pk=item.pk).status == DatasetComment.Status.ANSWERED


def test_empty_or_overlong_text_is_refused_and_nothing_saved(dataset):
    with pytest.raises(DomainError) as error:
        dataset_comment_submit(actor=None, dataset=dataset, body="  ")
    assert error.value.field == "body"
    with pytest.raises(DomainError) as error:
        data_request_submit(actor=None, title="x", body="y", email="not-an-address")
    assert error.value.field == "email"
    assert not DataRequest.objects.exists() and not PersonalContact.objects.exists()


def test_reminders_go_out_once_a_day_for_what_is_due(evaluator, officer, city, publishers):
    officer.email = "officer@example.invalid"
    officer.save()
    item = data_request_submit(actor=None, title="路燈資料", body="請提供")
    feedback_moderate(actor=evaluator, item=item, publish=True,
                      agency=city["pwb-maintenance"],
                      moderated_at=dt.datetime.now(tz=TAIPEI) - dt.timedelta(days=20))
    assert answer_reminders_send() == 1
    assert answer_reminders_send() == 1  # counted again, but sent once (same day)
