"""Background tasks of the core: delivering e-mail, with retries by the worker's schedule."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="default")
def deliver_email(
    *, subject: str, body: str, to: list[str], html: str = "", from_email: str | None = None
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    sent = message.send()
    logger.info("e-mail delivered", extra={"to": to, "subject": subject})
    return sent
