"""Submitting feedback writes the entry, its competencies and its audit event together: on
PostgreSQL as one statement (`qme.core.inserts`), elsewhere in one transaction. Either way the
three are there together or not at all, and whatever is kept from feedback is renewed."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from qme.audit.models import AuditEvent
from qme.audit.services import new_event
from qme.core import inserts
from qme.feedback.models import Feedback
from qme.reports import cache as versioned

from .helpers import competencies, give

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement is PostgreSQL's (qme.core.inserts)"
)


def test_the_entry_its_competencies_and_its_event_are_written_together(world, traineeship):
    chosen = competencies(3)
    feedback = give(world.supervisor_a, traineeship, competencies=chosen, rating=2)
    stored = Feedback.objects.get(pk=feedback.pk)
    assert (stored.rating, stored.side, stored.notice_pending) == (2, "hospital", True)
    assert set(stored.competencies.all()) == set(chosen)
    event = AuditEvent.objects.get(action="feedback.given")
    assert event.data == {"side": "hospital", "rating": 2, "feedback": feedback.pk}
    assert (event.actor, event.target_id) == (world.supervisor_a, str(traineeship.pk))
    assert event.actor_label == str(world.supervisor_a)


@on_postgresql
def test_on_postgresql_it_is_one_statement(world, traineeship):
    competencies()  # the framework, read once
    with CaptureQueriesContext(connection) as queries:
        feedback = give(world.supervisor_a, traineeship)
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1, writes
    assert writes[0].startswith('WITH new_row AS (INSERT INTO "feedback_feedback"')
    assert feedback.pk
    assert not feedback._state.adding


@on_postgresql
def test_a_row_that_cannot_be_written_leaves_none_of_them(world, traineeship):
    before = (Feedback.objects.count(), AuditEvent.objects.count())
    entry = Feedback(
        traineeship=traineeship,
        author=world.supervisor_a,
        side="hospital",
        rating=3,
        went_well="x",
        to_improve="y",
        next_step="z",
    )
    tagged = Feedback.competencies.through
    # An action longer than its column: the last part fails, and with it the whole statement.
    event = new_event(actor=world.supervisor_a, action="x" * 81, target=traineeship)
    with pytest.raises(DataError), transaction.atomic():
        inserts.insert_together(
            entry,
            [[tagged(feedback_id=inserts.NEW_ID, competency=c) for c in competencies()], [event]],
        )
    assert (Feedback.objects.count(), AuditEvent.objects.count()) == before
    assert not Feedback.competencies.through.objects.exists()


def test_every_table_a_with_statement_writes_is_seen_as_written(monkeypatch):
    watched = [Feedback, Feedback.competencies.through, AuditEvent]
    monkeypatch.setattr(versioned, "_TABLES", {m._meta.db_table: m for m in watched})
    statement = (
        'WITH new_row AS (INSERT INTO "feedback_feedback" ("rating") VALUES (%s) RETURNING id), '
        'dependent_0 AS (INSERT INTO "feedback_feedback_competencies" ("feedback_id") '
        "VALUES ((SELECT id FROM new_row))), "
        'dependent_1 AS (INSERT INTO "audit_auditevent" ("data") VALUES (%s)) '
        "SELECT id FROM new_row"
    )
    assert versioned.written_models(statement) == [
        Feedback,
        Feedback.competencies.through,
        AuditEvent,
    ]
    assert versioned.written_models('SELECT "x" FROM "feedback_feedback"') == []
    assert versioned.written_models('UPDATE "feedback_feedback" SET "rating" = 1') == [Feedback]


def test_it_refuses_a_database_that_cannot_do_it(world, traineeship, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(NotImplementedError):
        inserts.insert_together(Feedback(traineeship=traineeship), [])
