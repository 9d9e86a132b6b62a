"""Reminders go out by themselves: to whoever has not answered, four days after the request and
four days after the first reminder, never more than twice, and never for a closed round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.feedback import services, tasks
from tests.feedback_support import answer, link_of, mails_to, path_in, start


@pytest.fixture
def moment(time_machine):
    """moment(days, hours=0): travel to that long after the round was started."""
    begin = timezone.now()

    def _travel(days: float, hours: float = 0) -> dt.datetime:
        when = begin + dt.timedelta(days=days, hours=hours)
        time_machine.move_to(when, tick=False)
        return when

    _travel(0)
    return _travel


def test_it_reminds_twice_four_days_apart_and_then_stops(world, traineeship, moment, emails):
    with emails():
        feedback_round = start(world, traineeship, n=2, days_valid=30)
    first, _second = feedback_round.requests.order_by("name")
    schedule = [
        (3, 23, 0),
        (4, 1, 2),  # four days after the request: both are reminded
        (4, 2, 0),
        (7, 23, 0),
        (8, 1, 2),  # four days after the first reminder
        (12, 1, 0),  # never a third time
        (20, 0, 0),
    ]
    for days, hours, expected in schedule:
        moment(days, hours)
        with emails() as sent:
            assert services.send_request_reminders() == expected, (days, hours)
        assert len(sent) == expected
    first.refresh_from_db()
    assert first.reminders_sent == 2
    reminders = mails_to(first.email)
    assert len(reminders) == 3  # the request and two reminders
    # A reminder carries a working link to the same request.
    assert services.request_for_token(path_in(reminders[-1])[3:-1]) == first


def test_it_does_not_remind_who_has_answered(world, traineeship, moment, emails):
    with emails():
        feedback_round = start(world, traineeship, n=2)
    first, second = feedback_round.requests.order_by("name")
    moment(1)
    answer(first)
    moment(4, 1)
    with emails() as sent:
        assert services.send_request_reminders() == 1
    assert [m.to for m in sent] == [[second.email]]


def test_it_does_not_remind_for_a_closed_round(world, traineeship, moment, emails):
    with emails():
        start(world, traineeship, n=2, days_valid=3)
    moment(4, 1)
    with emails() as sent:
        assert services.send_request_reminders() == 0
    assert sent == []


def test_the_reminder_task_runs_the_same_rules(world, traineeship, moment, emails):
    with emails():
        start(world, traineeship, n=3)
    moment(4, 1)
    with emails() as sent:
        result = tasks.send_request_reminders.enqueue()
    assert result.return_value == 3
    assert len(sent) == 3


def test_running_the_reminders_twice_at_once_sends_once(world, traineeship, moment, emails):
    with emails():
        start(world, traineeship, n=2)
    moment(4, 1)
    with emails() as sent:
        services.send_request_reminders()
        services.send_request_reminders()
    assert len(sent) == 2


def test_a_reminded_link_can_still_be_answered_once(world, traineeship, moment, emails, client):
    with emails():
        feedback_round = start(world, traineeship, n=1)
    request = feedback_round.requests.get()
    moment(4, 1)
    with emails() as sent:
        services.send_request_reminders()
    link = path_in(sent[0])
    assert client.get(link).status_code == 200
    assert client.get(link_of(request)).status_code == 200
    answer(request)
    assert client.get(link).status_code == 410


def test_the_round_page_shows_how_often_someone_was_reminded(
    world, traineeship, moment, emails, client_for
):
    with emails():
        feedback_round = start(world, traineeship, n=1)
    moment(4, 1)
    with emails():
        services.send_request_reminders()
    response = client_for(world.trainee_a).get(
        f"/feedback/{traineeship.pk}/rounds/{feedback_round.pk}/"
    )
    assert "1 reminder sent" in response.content.decode()
