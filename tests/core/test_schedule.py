"""The scheduler puts periodic jobs on the queue once per period; the worker runs them."""

import datetime as dt

import time_machine
from django.core.management import call_command
from django.utils import timezone

from qme.core.models import ScheduledJob
from qme.core.schedule import enqueue_due_jobs


def test_it_enqueues_a_job_once_per_period(db):
    now = timezone.now()
    assert enqueue_due_jobs(now) == [
        "close-expired-positions",
        "expire-offers",
        "delete-applicant-data",
        "start-traineeships",
        "feedback-notices",
        "feedback-reminders",
        "feedback-request-reminders",
        "schedule-reviews",
        "notification-digest",
        "prune-sent-email",
        "delete-stale-drafts",
        "prune-task-results",
    ]
    assert enqueue_due_jobs(now + dt.timedelta(seconds=30)) == []
    assert enqueue_due_jobs(now + dt.timedelta(minutes=30)) == ["feedback-notices"]
    assert enqueue_due_jobs(now + dt.timedelta(hours=1)) == [
        "close-expired-positions",
        "expire-offers",
        "feedback-notices",
    ]
    assert ScheduledJob.objects.get(
        name="close-expired-positions"
    ).last_enqueued_at == now + dt.timedelta(hours=1)


def test_it_runs_once_from_the_command_line(db, capsys):
    with time_machine.travel("2026-11-28 10:00 +01:00"):
        call_command("scheduler", "--once")
    assert "enqueued close-expired-positions" in capsys.readouterr().out
