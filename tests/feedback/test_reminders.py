"""Reminders about missing feedback, run by the worker twice a day: a side over its interval
reminds its supervisor once per gap; after a second interval the programme office is told too;
new feedback starts a new gap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.feedback import services, tasks
from qme.feedback.models import CadenceReminder, ProgrammeSettings, Side
from qme.training.models import TraineeshipStatus
from tests.factories import UserFactory

from .helpers import give, local, traineeship_for

#: A Monday after today: the personas' roles (the programme office's too) hold from today on.
START = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())


def _travel(time_machine, day: dt.date, hour: int = 7) -> None:
    time_machine.move_to(local(day, hour), tick=False)


def _day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


@pytest.fixture
def started(world, time_machine):
    """Tim's traineeship started on START with feedback from both sides that morning."""
    _travel(time_machine, START, hour=9)
    traineeship = traineeship_for(world, world.trainee_a, days_ago=0)
    give(world.university_supervisor, traineeship)
    give(world.supervisor_a, traineeship)
    return traineeship


def _run(emails) -> list:
    with emails() as sent:
        services.send_cadence_reminders()
    return sent


def _to(sent) -> list[str]:
    return sorted(address for message in sent for address in message.to)


def test_it_reminds_no_one_within_the_interval(world, started, time_machine, emails):
    _travel(time_machine, _day(28), hour=23)
    assert _run(emails) == []
    assert not CadenceReminder.objects.exists()


def test_it_reminds_each_supervisor_once_per_gap(world, started, time_machine, emails):
    _travel(time_machine, _day(29))
    sent = _run(emails)
    assert _to(sent) == sorted([world.university_supervisor.email, world.supervisor_a.email])
    to_sara = next(m for m in sent if m.to == [world.supervisor_a.email])
    assert "Tim Trainee" in to_sara.subject
    assert "29" in to_sara.subject
    assert f"/feedback/{started.pk}/give/" in to_sara.body
    # Not twice: later that day, the next day, a week later.
    for day, hour in ((29, 19), (30, 7), (36, 7)):
        _travel(time_machine, _day(day), hour)
        assert _run(emails) == [], (day, hour)
    assert CadenceReminder.objects.filter(escalated=False).count() == 2


def test_it_tells_the_programme_office_after_a_second_interval(
    world, started, time_machine, emails
):
    _travel(time_machine, _day(29))
    _run(emails)
    _travel(time_machine, _day(56), hour=20)
    assert _run(emails) == []
    _travel(time_machine, _day(57))
    sent = _run(emails)
    # One message per side, to the office only; the supervisors were reminded already.
    assert _to(sent) == [world.office.email, world.office.email]
    assert all("more than twice" in m.body for m in sent)
    _travel(time_machine, _day(58))
    assert _run(emails) == []
    _travel(time_machine, _day(120))
    assert _run(emails) == []
    assert CadenceReminder.objects.filter(escalated=True).count() == 2


def test_it_reminds_both_at_once_when_the_worker_was_away(world, started, time_machine, emails):
    _travel(time_machine, _day(60))
    sent = _run(emails)
    assert _to(sent) == sorted(
        [world.university_supervisor.email, world.supervisor_a.email] + [world.office.email] * 2
    )


def test_new_feedback_starts_a_new_gap(world, started, time_machine, emails):
    _travel(time_machine, _day(29))
    assert len(_run(emails)) == 2
    # Sara gives feedback on day 30: the hospital side starts afresh, the university's gap goes on.
    _travel(time_machine, _day(30), hour=11)
    give(world.supervisor_a, started)
    _travel(time_machine, _day(57))
    assert _to(_run(emails)) == [world.office.email]  # the university's side only
    _travel(time_machine, _day(58))
    assert _run(emails) == []
    _travel(time_machine, _day(59))
    assert _to(_run(emails)) == [world.supervisor_a.email]  # 29 days since day 30: a new gap
    _travel(time_machine, _day(59), hour=19)
    assert _run(emails) == []
    _travel(time_machine, _day(30 + 57))
    assert _to(_run(emails)) == [world.office.email]  # the hospital's second interval
    assert CadenceReminder.objects.count() == 5


def test_the_doctors_feedback_resets_the_hospital_side(world, started, time_machine, emails):
    _travel(time_machine, _day(20))
    give(world.doctor_a, started)
    _travel(time_machine, _day(40))
    assert _to(_run(emails)) == [world.university_supervisor.email]


def test_it_counts_from_the_start_when_there_is_no_feedback_yet(world, time_machine, emails):
    _travel(time_machine, START)
    traineeship_for(world, world.trainee_a, days_ago=0)
    _travel(time_machine, _day(28))
    assert _run(emails) == []
    _travel(time_machine, _day(29))
    assert _to(_run(emails)) == sorted(
        [world.university_supervisor.email, world.supervisor_a.email]
    )
    _travel(time_machine, _day(30))
    assert _run(emails) == []
    assert CadenceReminder.objects.filter(last_feedback_at__isnull=True).count() == 2


def test_it_follows_the_intervals_the_office_sets(world, started, time_machine, emails):
    services.update_settings(
        actor=world.office, university_interval_days=60, hospital_interval_days=14
    )
    _travel(time_machine, _day(15))
    assert _to(_run(emails)) == [world.supervisor_a.email]
    _travel(time_machine, _day(29))
    assert _to(_run(emails)) == [world.office.email]
    assert ProgrammeSettings.current().university_interval_days == 60


@pytest.mark.parametrize(
    "status",
    [TraineeshipStatus.ON_LEAVE, TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED],
)
def test_it_leaves_trainees_on_leave_or_gone_alone(world, started, time_machine, emails, status):
    started.status = status
    started.save()
    _travel(time_machine, _day(60))
    assert _run(emails) == []


def test_it_does_not_write_to_inactive_people(world, started, time_machine, emails):
    world.supervisor_a.is_active = False
    world.supervisor_a.save()
    _travel(time_machine, _day(29))
    assert _to(_run(emails)) == [world.university_supervisor.email]


def test_it_reminds_the_supervisors_of_each_trainee(world, time_machine, emails):
    _travel(time_machine, START)
    other_supervisor = UserFactory(full_name="Hans Hospital")
    mine = traineeship_for(world, world.trainee_a, days_ago=0)
    theirs = traineeship_for(world, UserFactory(), days_ago=0, hospital_supervisor=other_supervisor)
    _travel(time_machine, _day(10))
    give(world.supervisor_a, mine)
    give(world.university_supervisor, mine)
    give(world.university_supervisor, theirs)
    _travel(time_machine, _day(29))
    assert _to(_run(emails)) == [other_supervisor.email]
    assert CadenceReminder.objects.get().traineeship == theirs
    assert CadenceReminder.objects.get().side == Side.HOSPITAL


def test_the_worker_task_sends_them(world, started, time_machine, emails):
    _travel(time_machine, _day(29))
    with emails() as sent:
        tasks.send_cadence_reminders.enqueue()
    assert len(sent) == 2
    assert timezone.localdate() == _day(29)
