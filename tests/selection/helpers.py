"""Small helpers of the selection tests: a snapshot that proves a refused action changed nothing,
and what a page or an e-mail says."""

from __future__ import annotations

from typing import Any

from django.core import mail

from qme.positions.models import Position
from qme.selection.models import (
    Application,
    CommitteeMember,
    ConflictOfInterest,
    Criterion,
    Decision,
    Interview,
    Offer,
    ReasonRequest,
    Score,
    ScoreSheet,
    Stage,
)
from qme.training.models import Traineeship
from tests.helpers import row_counts

SELECTION_MODELS = (
    Application,
    CommitteeMember,
    ConflictOfInterest,
    Stage,
    Criterion,
    ScoreSheet,
    Score,
    Interview,
    Decision,
    Offer,
    ReasonRequest,
    Traineeship,
    Position,
)


def snapshot() -> dict[str, Any]:
    """Every row of selection (and the positions and traineeships it changes), and the row counts
    of the foundation, audit events included: equal before and after means nothing changed."""
    state: dict[str, Any] = {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in SELECTION_MODELS
    }
    state.update(row_counts())
    return state


def messages_of(response) -> list[str]:
    """The messages shown on the page a redirect led to (follow=True) or on this page."""
    return [str(m) for m in response.context["messages"]] if response.context else []


def text(response) -> str:
    return response.content.decode()


def bodies(messages: list[mail.EmailMessage]) -> str:
    """Everything the e-mails say: subjects, bodies and attachments."""
    parts = []
    for message in messages:
        parts += [message.subject, message.body]
        parts += [str(content) for _name, content, _type in message.attachments]
    return "\n".join(parts)


def error_fields(response) -> set[str]:
    """The fields a 422 answer names."""
    assert response.status_code == 422, response.content
    return {str(error["loc"][-1]) for error in response.json()["detail"]}
