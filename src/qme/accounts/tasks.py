from __future__ import annotations

from django_tasks import task

from . import services


@task()
def delete_stale_drafts() -> int:
    """Drafts nobody touched for 30 days are removed: they hold personal text."""
    return services.delete_stale_drafts()
