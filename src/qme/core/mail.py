"""Queueing e-mail: rendered in the recipient's language, sent by the worker after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import deliver_email


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str = settings.LANGUAGE_CODE,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Render emails/<template>_subject.txt and _body.txt and queue them for delivery.

    Delivery happens in the worker once the current transaction commits; a rolled-back action
    sends nothing.
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
            attachments=attachments or [],
        )
    )
