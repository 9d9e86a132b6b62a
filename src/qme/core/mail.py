"""E-mail and notifications: rendered in the recipient's language, recorded, sent by the worker
after commit.

`queue_email` sends one e-mail to an address (also to someone without an account, such as an
anonymous multisource rater). `notify_people` is for events that ask something of people with an
account: each gets a notification in the app with a direct link, and an e-mail now or in their
daily digest, as they chose; `notify_later` does the same in the worker, for the events of every
day whose author should not wait for it (feedback given and answered). Every e-mail is recorded
as a `notifications.EmailDelivery` row that the worker updates on each attempt; a failure is
listed for the programme office to retry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .tasks import deliver_email, notify

if TYPE_CHECKING:
    from qme.notifications.models import EmailDelivery, Notification

SUBJECT_PREFIX = "[QME] "
SUMMARY_LENGTH = 300


def render_email(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """The subject (one line, without the prefix) and the body of emails/<template>_*.txt."""
    full_context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", full_context).strip()
        body = render_to_string(f"emails/{template}_body.txt", full_context)
    return " ".join(subject.split()), body


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str = settings.LANGUAGE_CODE,
    attachments: list[tuple[str, str | bytes, str]] | None = None,
    recipient: Any = None,
) -> EmailDelivery:
    """Render emails/<template>_subject.txt and _body.txt and queue them for delivery.

    Attachments are (file name, content, MIME type); they are kept as files beside the delivery
    record, so that a retry sends them again. Delivery happens in the worker once the current
    transaction commits; a rolled-back action sends nothing and records nothing."""
    subject, body = render_email(template, context, language)
    return send_rendered(
        to=to,
        subject=subject,
        body=body,
        template=template,
        attachments=attachments,
        recipient=recipient,
    )


def send_rendered(
    *,
    to: str,
    subject: str,
    body: str,
    template: str = "",
    attachments: list[tuple[str, str | bytes, str]] | None = None,
    recipient: Any = None,
    html: str = "",
    from_email: str | None = None,
    subject_prefix: str = SUBJECT_PREFIX,
) -> EmailDelivery:
    """Record an already rendered e-mail and queue its delivery after commit."""
    from qme.notifications.models import EmailAttachment, EmailDelivery

    delivery = EmailDelivery.objects.create(
        recipient=recipient if getattr(recipient, "pk", None) else None,
        to=to[:254],
        from_email=(from_email or settings.DEFAULT_FROM_EMAIL or "")[:254],
        subject=f"{subject_prefix}{subject}"[:300],
        body=body,
        html=html,
        template=template[:64],
    )
    for name, content, mimetype in attachments or []:
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        attachment = EmailAttachment(
            delivery=delivery,
            name=name[:200],
            mimetype=mimetype[:100],
            is_text=not isinstance(content, bytes),
        )
        attachment.file.save(_safe_file_name(name), ContentFile(data), save=True)
    transaction.on_commit(lambda: deliver_email.enqueue(delivery=delivery.pk))
    return delivery


def _safe_file_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in name).strip("._")
    return (cleaned or "attachment")[-100:]


def summary(body: str) -> str:
    """The short text of a notification: the e-mail's message without greeting, link and
    signature."""
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if len(paragraphs) >= 3:
        paragraphs = paragraphs[1:-1]
    lines = [
        line.strip()
        for p in paragraphs
        for line in p.splitlines()
        if line.strip() and "://" not in line
    ]
    # A sentence that introduced the link ("… here:") ends with a full stop without it.
    text = " ".join(line[:-1] + "." if line.endswith(":") else line for line in lines)
    if len(text) > SUMMARY_LENGTH:
        text = text[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return text


def _checked_link(template: str, link: Any) -> str:
    if not isinstance(link, str) or not link.startswith("/") or link.startswith("//"):
        raise ValueError(f"notify_people({template!r}) needs the absolute path of the page")
    return link


def notify_later(
    people: Iterable[Any], template: str, context: dict[str, Any], *, link: str
) -> None:
    """`notify_people`, done by the worker: the task is queued in the current transaction (a
    row of the task queue, written with the action), so the people are notified once the
    action is committed and never for an action rolled back. For the events of every day,
    where rendering each person's notification and e-mail would keep the author waiting.
    `context` must be JSON (names, dates as text), as the task's arguments are."""
    _checked_link(template, link)
    ids = list(dict.fromkeys(person.pk for person in people if person is not None))
    if ids:
        notify.enqueue(people=ids, template=template, context=context, link=link)


def notify_people(
    people: Iterable[Any],
    template: str,
    context: dict[str, Any],
    *,
    link: str | None = None,
    attachments: list[tuple[str, str | bytes, str]] | None = None,
) -> list[Notification]:
    """Notify each active person once, in their own language, greeting them by name.

    Each gets a notification in the app that links to `link` (the absolute path of the page
    where the action is done; by default the `path` the e-mail links to), and an e-mail now or
    in their daily digest, as they chose. A message with attachments is always e-mailed at once:
    a digest cannot carry it. None entries (an unfilled role) are skipped."""
    from qme.notifications.models import EmailChoice, Notification, NotificationSettings

    link = _checked_link(template, link or context.get("path"))
    context = {**context, "path": context.get("path", link)}
    recipients: list[Any] = []
    seen: set[int] = set()
    for person in people:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        recipients.append(person)
    if not recipients:
        return []
    digest_ids = set(
        NotificationSettings.objects.filter(user_id__in=seen, email=EmailChoice.DIGEST).values_list(
            "user_id", flat=True
        )
    )
    now = timezone.now()
    notifications = []
    for person in recipients:
        subject, body = render_email(
            template, {**context, "person": person.get_short_name()}, person.language
        )
        notification = Notification(
            recipient=person,
            kind=template[:64],
            title=subject[:300],
            text=summary(body),
            link=link[:500],
            created_at=now,
            in_digest=person.pk in digest_ids and not attachments,
        )
        if not notification.in_digest:
            notification.email = send_rendered(
                to=person.email,
                subject=subject,
                body=body,
                template=template,
                attachments=attachments,
                recipient=person,
            )
            notification.emailed_at = now
        notifications.append(notification)
    return Notification.objects.bulk_create(notifications)
