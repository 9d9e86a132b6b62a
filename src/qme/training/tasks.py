from __future__ import annotations

from django_tasks import task

from . import services
from .models import Traineeship, TraineeshipStatus


@task()
def start_due_traineeships() -> int:
    """Positions move to "in training" on their trainee's start date; leave statuses follow the
    calendar."""
    moved = services.start_due_traineeships()
    for traineeship in (
        Traineeship.objects.exclude(
            status__in=[TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED]
        )
        .filter(leaves__isnull=False)
        .distinct()
    ):
        services.sync_leave_status(traineeship)
    return moved
