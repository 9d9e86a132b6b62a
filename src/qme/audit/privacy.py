"""The audit trail: the deliberate actions a person took, those done to their account, and the
field changes they made.

Erasure keeps that things happened, not who the person was: the events they took part in stay
(what, when, on which object), but their name and address leave every label, reason, detail and
recorded field change of the trail (audit events and django-auditlog entries), the reasons and
details they wrote themselves go, the address and network address of their field changes go, and
the history of their own account goes: it keeps one event, "a person was erased", written
afterwards by the privacy app, naming no one but the office member who did it.
"""

from __future__ import annotations

import re
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from qme.privacy.protocol import erased_name, mention_patterns, searchable_name, when

from .models import AuditEvent


def personal_data(user) -> dict[str, Any]:
    user_type = ContentType.objects.get_for_model(user, for_concrete_model=True)
    return {
        "actions you took": [
            {"when": when(e.occurred_at), "action": e.action, "object": e.target_label}
            for e in AuditEvent.objects.filter(actor=user).only(
                "occurred_at", "action", "target_label"
            )
        ],
        "actions about your account": [
            {"when": when(e.occurred_at), "action": e.action, "by": e.actor_label}
            for e in AuditEvent.objects.filter(target_type=user_type, target_id=str(user.pk)).only(
                "occurred_at", "action", "actor_label"
            )
        ],
        "field changes you made": LogEntry.objects.filter(actor=user).count(),
    }


def summary(user) -> dict[str, int]:
    """The counts of `personal_data`, without reading every event."""
    user_type = ContentType.objects.get_for_model(user, for_concrete_model=True)
    return {
        "actions you took": AuditEvent.objects.filter(actor=user).count(),
        "actions about your account": AuditEvent.objects.filter(
            target_type=user_type, target_id=str(user.pk)
        ).count(),
        "field changes you made": LogEntry.objects.filter(actor=user).count(),
    }


def erasure_blockers(user) -> list[str]:
    return []


def _needles(user) -> list[str]:
    name = searchable_name(user.full_name)
    return [n for n in (user.email, name) if n]


def _scrub(value: Any, patterns: list[re.Pattern], label: str) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(label, value)
        return value
    if isinstance(value, list):
        return [_scrub(v, patterns, label) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, patterns, label): _scrub(v, patterns, label) for k, v in value.items()}
    return value


def _mentions(fields: list[str], needles: list[str]) -> Q:
    condition = Q()
    for needle in needles:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": needle})
    return condition


def erase(user) -> None:
    label = erased_name()
    needles = _needles(user)
    patterns = mention_patterns(user.email, user.full_name)
    # What they wrote themselves, and their address.
    AuditEvent.objects.filter(actor=user).update(actor_label=label, reason="", data={})
    LogEntry.objects.filter(actor=user).update(actor_email="", remote_addr=None, remote_port=None)
    # Their own account: its history goes; the one event of the erasure is written afterwards.
    user_type = ContentType.objects.get_for_model(user, for_concrete_model=True)
    AuditEvent.objects.filter(target_type=user_type, target_id=str(user.pk)).delete()
    LogEntry.objects.filter(content_type=user_type, object_pk=str(user.pk)).delete()
    # Everywhere else: their name and address leave labels, reasons, details and changes.
    event_fields = ["actor_label", "target_label", "reason", "data"]
    for event in AuditEvent.objects.filter(_mentions(event_fields, needles)).iterator():
        for field in event_fields:
            setattr(event, field, _scrub(getattr(event, field), patterns, label))
        event.actor_label = event.actor_label[:200]
        event.target_label = event.target_label[:300]
        event.save(update_fields=event_fields)
    entry_fields = [
        "object_repr",
        "changes_text",
        "changes",
        "serialized_data",
        "additional_data",
        "actor_email",
    ]
    for entry in LogEntry.objects.filter(_mentions(entry_fields, needles)).iterator():
        for field in entry_fields:
            setattr(entry, field, _scrub(getattr(entry, field), patterns, label))
        entry.actor_email = "" if entry.actor_email == label else entry.actor_email
        LogEntry.objects.filter(pk=entry.pk).update(
            **{field: getattr(entry, field) for field in entry_fields}
        )
