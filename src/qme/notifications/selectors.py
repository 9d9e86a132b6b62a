"""Queryset twins of the rules: a person's own notifications; the deliveries the office sees."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import EmailDelivery, EmailStatus, Notification


def notifications_of(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(user) -> int:
    """One query: the number in the header."""
    return notifications_of(user).filter(read_at__isnull=True).count()


def failed_deliveries() -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(status=EmailStatus.FAILED).prefetch_related("attachments")
