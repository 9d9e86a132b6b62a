from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_digests() -> int:
    """Send each person who chose the daily digest their e-mail of new notifications."""
    return services.send_digests()


@task()
def prune_sent_email() -> int:
    """Delete the records of e-mails sent long ago."""
    return services.prune_sent()
