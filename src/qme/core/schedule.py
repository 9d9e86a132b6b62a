"""Periodic jobs: the scheduler (`qme scheduler`) puts each on the task queue when it is due,
and the worker runs it. Each job's task calls a service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from .models import ScheduledJob


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta

    def task(self) -> Task:
        from qme.accounts import tasks as account_tasks
        from qme.core import tasks as core_tasks
        from qme.feedback import tasks as feedback_tasks
        from qme.notifications import tasks as notification_tasks
        from qme.positions import tasks as position_tasks
        from qme.selection import tasks as selection_tasks
        from qme.training import tasks as training_tasks

        return {
            "close-expired-positions": position_tasks.close_expired_positions,
            "expire-offers": selection_tasks.expire_offers,
            "delete-applicant-data": selection_tasks.delete_expired_applicant_data,
            "start-traineeships": training_tasks.start_due_traineeships,
            "feedback-notices": feedback_tasks.send_feedback_notices,
            "feedback-reminders": feedback_tasks.send_cadence_reminders,
            "feedback-request-reminders": feedback_tasks.send_request_reminders,
            "schedule-reviews": feedback_tasks.schedule_due_reviews,
            "notification-digest": notification_tasks.send_digests,
            "prune-sent-email": notification_tasks.prune_sent_email,
            "delete-stale-drafts": account_tasks.delete_stale_drafts,
            "prune-task-results": core_tasks.prune_task_results,
        }[self.name]


JOBS = (
    Job("close-expired-positions", dt.timedelta(hours=1)),
    Job("expire-offers", dt.timedelta(hours=1)),
    Job("delete-applicant-data", dt.timedelta(hours=6)),
    Job("start-traineeships", dt.timedelta(hours=6)),
    Job("feedback-notices", dt.timedelta(minutes=1)),
    Job("feedback-reminders", dt.timedelta(hours=12)),
    Job("feedback-request-reminders", dt.timedelta(hours=12)),
    Job("schedule-reviews", dt.timedelta(hours=24)),
    Job("notification-digest", dt.timedelta(hours=24)),
    Job("prune-sent-email", dt.timedelta(hours=24)),
    Job("delete-stale-drafts", dt.timedelta(hours=24)),
    Job("prune-task-results", dt.timedelta(hours=24)),
)


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose period has passed; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in JOBS:
        with transaction.atomic():
            row, _created = ScheduledJob.objects.select_for_update().get_or_create(name=job.name)
            if row.last_enqueued_at is not None and now - row.last_enqueued_at < job.every:
                continue
            row.last_enqueued_at = now
            row.save(update_fields=["last_enqueued_at"])
            task = job.task()
            transaction.on_commit(task.enqueue)
            enqueued.append(job.name)
    return enqueued
