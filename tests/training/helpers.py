"""Small helpers of the training tests: a snapshot that proves a refused action changed nothing,
the link in an e-mail, the fields a 422 answer names, and the messages a page shows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import mail

from qme.positions.models import Position
from qme.training.models import (
    CatalogueItem,
    Curriculum,
    Deliverable,
    DesignProject,
    Extension,
    ItemRecord,
    Leave,
    Milestone,
    PlanItem,
    Traineeship,
    TrainingPlan,
)
from tests.helpers import row_counts

MODELS = (
    Traineeship,
    CatalogueItem,
    Curriculum,
    TrainingPlan,
    PlanItem,
    ItemRecord,
    DesignProject,
    Milestone,
    Deliverable,
    Leave,
    Extension,
    Position,
)


def snapshot() -> dict[str, Any]:
    """Every row of training (and the positions it moves), and the row counts of the foundation
    (audit events included): equal before and after means nothing changed."""
    return {
        **{
            model.__name__: list(model._default_manager.order_by("pk").values()) for model in MODELS
        },
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


def text(response) -> str:
    return response.content.decode()
