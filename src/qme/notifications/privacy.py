"""What the notifications app holds about a person, and erasing it (GDPR access and erasure)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qme.accounts.models import User

from .models import EmailDelivery, Notification, NotificationSettings


def _when(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: User) -> dict[str, Any]:
    settings_row = NotificationSettings.objects.filter(user_id=user.pk).first()
    return {
        "email_choice": settings_row.email if settings_row else "immediate",
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "text": n.text,
                "link": n.link,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
                "emailed_at": _when(n.emailed_at),
                "in_digest": n.in_digest,
            }
            for n in Notification.objects.filter(recipient_id=user.pk).order_by("created_at", "pk")
        ],
        "emails": [
            {
                "to": d.to,
                "subject": d.subject,
                "body": d.body,
                "attachments": [a.name for a in d.attachments.all()],
                "status": d.status,
                "attempts": d.attempts,
                "created_at": _when(d.created_at),
                "sent_at": _when(d.sent_at),
            }
            for d in _deliveries(user).prefetch_related("attachments").order_by("created_at", "pk")
        ],
    }


def _deliveries(user: User):
    mine = Q(recipient_id=user.pk)
    if user.email:
        mine |= Q(to__iexact=user.email)
    return EmailDelivery.objects.filter(mine)


def erase(user: User) -> None:
    """Delete the person's notifications, their choice, and every e-mail sent to them, with
    the attachment files."""
    Notification.objects.filter(recipient_id=user.pk).delete()
    NotificationSettings.objects.filter(user_id=user.pk).delete()
    _deliveries(user).delete()  # their attachment files go with them (models.post_delete)


def forget_link(user: User, link: str) -> None:
    """Delete the person's notifications and e-mails about one page (for example an application
    whose data is deleted), keeping the rest."""
    Notification.objects.filter(recipient_id=user.pk, link=link).delete()
    _deliveries(user).filter(body__contains=link).delete()
