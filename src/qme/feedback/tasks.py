from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_feedback_notices() -> int:
    """Tell trainees of the feedback they were given since the last run."""
    return services.send_feedback_notices()


@task()
def send_cadence_reminders() -> int:
    """Remind supervisors (and then the programme office) of trainees without recent feedback."""
    return services.send_cadence_reminders()


@task()
def send_request_reminders() -> int:
    """Remind people who have not answered a feedback request."""
    return services.send_request_reminders()


@task()
def schedule_due_reviews() -> int:
    """Give every active traineeship its progress reviews and its go/no-go review."""
    return services.schedule_due_reviews()
