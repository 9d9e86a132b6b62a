"""Queryset twins of the rules: a person's own notifications; the deliveries the office sees."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qme.reports import cache as versioned

from .models import EmailDelivery, EmailStatus, Notification


def notifications_of(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


#: What the number in the header counts.
UNREAD_READS = (Notification,)


def unread_count(user) -> int:
    """The number in the header, on every page: kept per person in the versioned cache
    (reports.cache) until a notification is written, else one query."""
    if not user.is_authenticated:
        return 0
    return versioned.remember(
        "unread",
        UNREAD_READS,
        user.pk,
        lambda: notifications_of(user).filter(read_at__isnull=True).count(),
    )


def failed_deliveries() -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(status=EmailStatus.FAILED).prefetch_related("attachments")


#: An e-mail still queued this long after it was created has outlived every retry
#: (1 + 5 + 30 + 120 minutes): the worker is not running, or its task was lost.
STUCK_AFTER = dt.timedelta(hours=3)


def delivery_counts() -> dict[str, int]:
    """Failed e-mails, and e-mails waiting longer than any retry takes. One query."""
    return EmailDelivery.objects.aggregate(
        failed=Count("pk", filter=Q(status=EmailStatus.FAILED)),
        stuck=Count(
            "pk",
            filter=Q(status=EmailStatus.QUEUED, created_at__lt=timezone.now() - STUCK_AFTER),
        ),
    )
