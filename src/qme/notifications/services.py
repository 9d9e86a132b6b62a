"""Notifications: reading them, each person's choice of e-mail, the daily digest, and retrying
e-mail that could not be delivered. Notifications themselves are created by
`qme.core.mail.notify_people`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.mail import render_email, send_rendered
from qme.core.permissions import require, require_visible
from qme.core.tasks import deliver_email

from .models import (
    EmailChoice,
    EmailDelivery,
    EmailStatus,
    Notification,
    NotificationSettings,
)

#: A digest lists at most this many notifications; the rest are counted, with a link to the list.
DIGEST_LIMIT = 100
#: Days a sent e-mail is kept (its body may hold a sign-in link); failed ones stay until resent.
KEEP_SENT_DAYS = 30


def email_choice(user: User) -> str:
    row = NotificationSettings.objects.filter(user_id=user.pk).first()
    return row.email if row else EmailChoice.IMMEDIATE


@transaction.atomic
def set_email_choice(*, actor: User, choice: str) -> NotificationSettings:
    if choice not in EmailChoice.values:
        raise ValidationError({"email": _("Choose how you want to receive e-mail.")})
    row, _created = NotificationSettings.objects.select_for_update().get_or_create(user=actor)
    if row.email != choice:
        row.email = choice
        row.save(update_fields=["email", "updated_at"])
        record_event(
            actor=actor, action="notifications.email_choice", target=actor, data={"email": choice}
        )
    return row


def mark_read(*, actor: User, notification: Notification) -> Notification:
    require_visible(actor, "notifications.view_notification", notification)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- The daily digest ---


def send_digests(now: dt.datetime | None = None) -> int:
    """Send each person who chose the digest one e-mail listing every notification that has
    not been e-mailed yet. Each notification is marked with the digest that carried it in the
    same transaction, so nothing goes out twice, and one that arrives while the digest is being
    built waits for the next. Returns the number of digests queued."""
    now = now or timezone.now()
    pending = Notification.objects.filter(in_digest=True, emailed_at__isnull=True)
    recipient_ids = list(pending.order_by().values_list("recipient_id", flat=True).distinct())
    sent = 0
    for recipient_id in recipient_ids:
        with transaction.atomic():
            items = list(
                pending.filter(recipient_id=recipient_id)
                .select_for_update()
                .order_by("created_at", "pk")
            )
            if not items:
                continue  # another run took them meanwhile
            person = User.objects.get(pk=recipient_id)
            delivery = None
            if person.is_active:
                subject, body = render_email(
                    "digest",
                    {
                        "person": person.get_short_name(),
                        "notifications": items[:DIGEST_LIMIT],
                        "count": len(items),
                        "more": max(0, len(items) - DIGEST_LIMIT),
                        "list_path": reverse("notifications:list"),
                    },
                    person.language,
                )
                delivery = send_rendered(
                    to=person.email,
                    subject=subject,
                    body=body,
                    template="digest",
                    recipient=person,
                )
                sent += 1
            # An inactive person's are closed without an e-mail, so they do not wait for ever.
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                email=delivery, emailed_at=now
            )
    return sent


# --- Deliveries that failed ---


def retry_delivery(*, actor: User, delivery: EmailDelivery) -> EmailDelivery:
    """Queue a failed e-mail again (with its attachments), with a new round of retries."""
    require(actor, "notifications.retry_delivery")
    with transaction.atomic():
        updated = EmailDelivery.objects.filter(pk=delivery.pk, status=EmailStatus.FAILED).update(
            status=EmailStatus.QUEUED
        )
        if not updated:
            raise ActionRefused(
                _("This e-mail has not failed: it is sent or already queued again."),
                code="not_failed",
            )
        record_event(
            actor=actor,
            action="email.retried",
            target=delivery,
            data={"to": delivery.to, "subject": delivery.subject},
        )
        transaction.on_commit(lambda: deliver_email.enqueue(delivery=delivery.pk))
    delivery.refresh_from_db()
    return delivery


def retry_all_failed(*, actor: User) -> int:
    require(actor, "notifications.retry_delivery")
    count = 0
    failed = list(
        EmailDelivery.objects.filter(status=EmailStatus.FAILED).only("pk", "to", "subject")
    )
    for delivery in failed:
        try:
            retry_delivery(actor=actor, delivery=delivery)
        except ActionRefused:
            continue  # retried meanwhile by someone else
        count += 1
    return count


def prune_sent(now: dt.datetime | None = None) -> int:
    """Delete e-mails sent more than KEEP_SENT_DAYS ago, with their attachment files. The
    notifications they carried stay. Returns the number deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_SENT_DAYS)
    ids = list(
        EmailDelivery.objects.filter(status=EmailStatus.SENT, sent_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:5000]
    )
    EmailDelivery.objects.filter(pk__in=ids).delete()  # the files go with the rows
    return len(ids)
