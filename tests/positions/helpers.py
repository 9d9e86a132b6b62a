"""Small helpers of the position tests: a snapshot that proves a refused action changed nothing,
the link in an e-mail, and the fields a 422 answer names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import mail

from qme.positions.models import Position, PositionRequest, RequestAttachment, RequestComment
from tests.helpers import row_counts


def snapshot() -> dict[str, Any]:
    """Every request, position, comment and attachment, and the row counts of the foundation
    (audit events included): equal before and after means nothing changed."""
    return {
        "requests": list(PositionRequest.objects.order_by("pk").values()),
        "positions": list(Position.objects.order_by("pk").values()),
        "comments": list(RequestComment.objects.order_by("pk").values()),
        "attachments": list(RequestAttachment.objects.order_by("pk").values()),
        **row_counts(),
    }


def link_in(message: mail.EmailMessage) -> str:
    """The path of the first link to this site in an e-mail."""
    for line in message.body.splitlines():
        if line.strip().startswith(settings.SITE_URL + "/"):
            return line.strip().removeprefix(settings.SITE_URL)
    raise AssertionError(f"no link in {message.body!r}")


def error_fields(response) -> set[str]:
    """The fields a 422 answer names."""
    assert response.status_code == 422, response.content
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
