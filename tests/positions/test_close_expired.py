"""Every day the worker closes the open positions whose application deadline has passed:
selection begins, recorded as the system's action."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.positions.models import Position, PositionStatus
from qme.positions.services import close_expired_positions

from .factories import open_position, position_in


def _travel_to(time_machine, day: dt.date, hour: int = 6) -> None:
    time_machine.move_to(
        dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def test_it_moves_an_open_position_past_its_deadline_to_selection(world, time_machine, emails):
    position = open_position(world)
    _travel_to(time_machine, position.application_deadline + dt.timedelta(days=1))
    with emails() as sent:
        assert close_expired_positions() == 1
    position.refresh_from_db()
    assert position.status == PositionStatus.SELECTION
    assert position.status_reason == "The application deadline passed."
    event = AuditEvent.objects.get(action="position.closed")
    assert event.actor is None
    assert event.reason == "The application deadline passed."
    assert [m.to for m in sent] == [["cora@example.org"]]


def test_it_leaves_a_position_open_on_its_deadline_day(world, time_machine):
    position = open_position(world)
    _travel_to(time_machine, position.application_deadline, hour=23)
    assert close_expired_positions() == 0
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN


def test_it_leaves_every_other_state_alone(world, time_machine):
    positions = {
        status: position_in(world, status)
        for status in ("draft", "selection", "filled", "cancelled")
    }
    latest = max(p.application_deadline for p in positions.values())
    _travel_to(time_machine, latest + dt.timedelta(days=30))
    events = AuditEvent.objects.count()
    assert close_expired_positions() == 0
    assert AuditEvent.objects.count() == events
    for status, position in positions.items():
        position.refresh_from_db()
        assert position.status == status


def test_it_closes_each_expired_position_once(world, time_machine):
    first, second = open_position(world), open_position(world)
    _travel_to(
        time_machine,
        max(first.application_deadline, second.application_deadline) + dt.timedelta(days=1),
    )
    assert close_expired_positions() == 2
    assert close_expired_positions() == 0
    assert set(Position.objects.values_list("status", flat=True)) == {PositionStatus.SELECTION}
    assert AuditEvent.objects.filter(action="position.closed").count() == 2
