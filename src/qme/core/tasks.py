"""Background tasks of the core: delivering e-mail, with retries, and notifying people of the
events of every day (`qme.core.mail.notify_later`).

Each e-mail is a `notifications.EmailDelivery` row (see qme.core.mail); the task is given its
id and records every attempt on it: attempts, the last error, and finally `sent` or, after the
last retry, `failed`, which the programme office sees and can retry."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


#: Minutes to wait before each retry of a failed delivery; after the last, the delivery is marked
#: failed (listed for the programme office) and nothing is retried on its own again.
RETRY_DELAYS = (1, 5, 30, 120)


def encode_attachment(name: str, content: str | bytes, mimetype: str) -> list[str]:
    """An attachment as task arguments can carry it (JSON): binary content base64-encoded."""
    if isinstance(content, bytes):
        return [name, base64.b64encode(content).decode("ascii"), mimetype, "base64"]
    return [name, content, mimetype]


def decode_attachment(attachment: list[str] | tuple[str, ...]) -> tuple[str, str | bytes, str]:
    name, content, mimetype, *encoding = attachment
    if encoding == ["base64"]:
        return name, base64.b64decode(content), mimetype
    return name, content, mimetype


def _enqueue_retry(attempt: int, **kwargs: Any) -> None:
    delay = dt.timedelta(minutes=RETRY_DELAYS[attempt - 1])
    retry = deliver_email
    if deliver_email.get_backend().supports_defer:
        retry = deliver_email.using(run_after=timezone.now() + delay)
    logger.warning("e-mail delivery failed; retrying in %s", delay)
    retry.enqueue(attempt=attempt + 1, **kwargs)


def _deliver_recorded(delivery_id: int, attempt: int) -> int:
    from qme.notifications.models import EmailDelivery, EmailStatus

    delivery = EmailDelivery.objects.filter(pk=delivery_id).prefetch_related("attachments").first()
    if delivery is None or delivery.status == EmailStatus.SENT:
        return 0  # erased meanwhile, or already sent: never twice
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        to=[delivery.to],
        from_email=delivery.from_email or None,
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    now = timezone.now()
    try:
        for attachment in delivery.attachments.all():
            with attachment.file.open("rb") as handle:
                content: str | bytes = handle.read()
            if attachment.is_text:
                content = content.decode("utf-8")
            message.attach(attachment.name, content, attachment.mimetype)
        sent = message.send()
    except Exception as exc:
        last = attempt > len(RETRY_DELAYS)
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            attempts=delivery.attempts + 1,
            last_attempt_at=now,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=EmailStatus.FAILED if last else EmailStatus.QUEUED,
        )
        if last:
            logger.exception("e-mail delivery failed for good", extra={"delivery": delivery.pk})
        else:
            _enqueue_retry(attempt, delivery=delivery.pk)
        raise
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        attempts=delivery.attempts + 1,
        last_attempt_at=now,
        sent_at=now,
        status=EmailStatus.SENT,
        last_error="",
    )
    logger.info("e-mail delivered", extra={"delivery": delivery.pk})
    return sent


@task(queue_name="default")
def deliver_email(
    *,
    delivery: int | None = None,
    subject: str = "",
    body: str = "",
    to: list[str] | None = None,
    html: str = "",
    from_email: str | None = None,
    attachments: list[list[str]] | None = None,
    attempt: int = 1,
) -> int:
    """Send a recorded e-mail (`delivery`), or a message given in full (tasks queued before the
    deliveries were recorded)."""
    if delivery is not None:
        return _deliver_recorded(delivery, attempt)
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        message.attach(*decode_attachment(attachment))
    try:
        sent = message.send()
    except Exception:
        if attempt <= len(RETRY_DELAYS):
            _enqueue_retry(
                attempt,
                subject=subject,
                body=body,
                to=to,
                html=html,
                from_email=from_email,
                attachments=attachments,
            )
        else:
            logger.exception("e-mail delivery failed for good", extra={"to": to})
        raise
    logger.info("e-mail delivered", extra={"to": to, "subject": subject})
    return sent


@task(queue_name="default")
def notify(*, people: list[int], template: str, context: dict[str, Any], link: str) -> int:
    """Notify these people (ids, in this order) as `qme.core.mail.notify_people` does: queued by
    `notify_later` in the transaction of the action, so it runs once that action is committed.
    Returns the number of notifications made."""
    from django.db import transaction

    from qme.accounts.models import User

    from .mail import notify_people

    found = User.objects.in_bulk(people)
    with transaction.atomic():
        made = notify_people(
            [found[pk] for pk in people if pk in found], template, context, link=link
        )
    return len(made)


#: Days the task queue keeps what it ran (a failed task's result for as long as a failed e-mail).
TASK_RESULTS_DAYS = 14


@task(queue_name="default")
def prune_task_results() -> None:
    """Forget the results of tasks that finished more than TASK_RESULTS_DAYS ago: the queue
    would otherwise keep a row for every e-mail and every run of a periodic job for ever."""
    from django.core.management import call_command
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(prune_task_results.get_backend(), DatabaseBackend):
        call_command("prune_db_task_results", min_age_days=TASK_RESULTS_DAYS, verbosity=0)
