"""Queueing e-mail: rendered in the recipient's language, sent by the worker after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import deliver_email, encode_attachment


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str = settings.LANGUAGE_CODE,
    attachments: list[tuple[str, str | bytes, str]] | None = None,
) -> None:
    """Render emails/<template>_subject.txt and _body.txt and queue them for delivery.

    Attachments are (file name, content, MIME type); binary content (a PDF) travels to the
    worker base64-encoded. Delivery happens in the worker once the current transaction commits;
    a rolled-back action sends nothing.
    """
    full_context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", full_context).strip()
        body = render_to_string(f"emails/{template}_body.txt", full_context)
    subject = " ".join(subject.split())
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[QME] {subject}",
            body=body,
            to=[to],
            from_email=settings.DEFAULT_FROM_EMAIL,
            attachments=[encode_attachment(*a) for a in attachments or []],
        )
    )


def notify_people(
    people: Iterable[Any], template: str, context: dict[str, Any], **mail: Any
) -> None:
    """Queue the e-mail for each active person once, in their own language, greeting them by name.

    None entries (an unfilled role) are skipped."""
    seen: set[int] = set()
    for person in people:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        queue_email(
            to=person.email,
            template=template,
            context={**context, "person": person.get_short_name()},
            language=person.language,
            **mail,
        )
