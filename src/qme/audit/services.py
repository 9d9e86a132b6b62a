"""Writing to the audit trail. Every state-changing service calls record_event."""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_value
from django.contrib.contenttypes.models import ContentType
from django.db import models

from qme.accounts.models import User

from .models import AuditEvent


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=str(actor) if actor is not None and actor.pk else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=str(target.pk),
        target_label=str(target)[:300],
        reason=reason,
        data=data or {},
    )


def attribute_field_changes_to(actor: User) -> None:
    """Field changes recorded by django-auditlog during this request are this person's.

    Its middleware knows the person only when they signed in with a session; a request
    authenticated with an API token names them here, so the trail never says "system" for them.
    """
    try:
        context = auditlog_value.get()
    except LookupError:  # outside a request (commands, tests)
        return
    context["actor"] = actor
