from __future__ import annotations

from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job was last put on the task queue. Several schedulers may run: the row
    lock makes sure a job is enqueued once per period."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
