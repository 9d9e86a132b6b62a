"""Writing to the audit trail. Every state-changing service calls record_event."""

from __future__ import annotations

from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from qme.accounts.models import User

from .models import AuditEvent


def record_event(**fields: Any) -> AuditEvent:
    """Record a deliberate action: `new_event(**fields)`, saved."""
    event = new_event(**fields)
    event.save(force_insert=True)
    return event


def new_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event `record_event` saves, not saved yet: for a caller that writes it together with
    the rows it is about (`qme.core.inserts`)."""
    return AuditEvent(
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


def forget_personal_data(target: models.Model, *, label: str) -> None:
    """Erasure: the trail keeps that things happened to `target` (what, by whom, when), not the
    personal data they carried: its name, the reasons and details of its events, and the field
    values django-auditlog recorded."""
    target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
    AuditEvent.objects.filter(target_type=target_type, target_id=str(target.pk)).update(
        target_label=label[:300], reason="", data={}
    )
    LogEntry.objects.filter(content_type=target_type, object_pk=str(target.pk)).update(
        object_repr=label, changes={}, changes_text="", serialized_data=None, additional_data=None
    )


def forget_actor(person: User, *, label: str) -> None:
    """Erasure of a person: their name and address leave the trail of what they did."""
    AuditEvent.objects.filter(actor=person).update(actor_label=label[:200])
    LogEntry.objects.filter(actor=person).update(actor_email="")
