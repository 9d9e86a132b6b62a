"""Background tasks of the core: delivering e-mail, with retries."""

from __future__ import annotations

import base64
import datetime as dt
import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


#: Minutes to wait before each retry of a failed delivery; after the last, the task stays failed
#: (visible in the task results) and nothing is retried again.
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


@task(queue_name="default")
def deliver_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    from_email: str | None = None,
    attachments: list[list[str]] | None = None,
    attempt: int = 1,
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        message.attach(*decode_attachment(attachment))
    try:
        sent = message.send()
    except Exception:
        if attempt <= len(RETRY_DELAYS):
            delay = dt.timedelta(minutes=RETRY_DELAYS[attempt - 1])
            logger.warning("e-mail delivery failed; retrying in %s", delay, extra={"to": to})
            deliver_email.using(run_after=timezone.now() + delay).enqueue(
                subject=subject,
                body=body,
                to=to,
                html=html,
                from_email=from_email,
                attachments=attachments,
                attempt=attempt + 1,
            )
        else:
            logger.exception("e-mail delivery failed for good", extra={"to": to})
        raise
    logger.info("e-mail delivered", extra={"to": to, "subject": subject})
    return sent
