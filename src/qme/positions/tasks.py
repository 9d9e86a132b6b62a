from __future__ import annotations

from django_tasks import task

from . import services


@task()
def close_expired_positions() -> int:
    """Open positions whose application deadline has passed move to selection."""
    return services.close_expired_positions()
