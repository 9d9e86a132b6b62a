"""What the sign-in and the machinery hold about a person: the e-mail addresses and two-factor
authenticators of the sign-in (django-allauth), e-mail waiting in the task queue, the technical
admin's log, and the erasures an office member carried out.

Erasure deletes the sign-in addresses and authenticators (nobody signs in as the person again),
the queued e-mail to them that has not started, and their name and address from the technical
admin's log.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from .models import Erasure
from .protocol import erased_name, mention_patterns, searchable_name, when


def personal_data(user) -> dict[str, Any]:
    return {
        "sign-in addresses": [
            {"e-mail address": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "two-factor authentication": [
            {
                "kind": a.get_type_display(),
                "added": when(a.created_at),
                "last used": when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user)
        ],
        "erasures you carried out": [
            {"when": when(e.erased_at), "reason": e.reason}
            for e in Erasure.objects.filter(erased_by=user)
        ],
    }


def erasure_blockers(user) -> list[str]:
    return []


def erase(user) -> None:
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    DBTaskResult.objects.filter(args_kwargs__icontains=user.email).exclude(
        status="RUNNING"
    ).delete()
    name = searchable_name(user.full_name)
    needles = [user.email] + ([name] if name else [])
    patterns = mention_patterns(user.email, user.full_name)
    condition = Q(user=user)
    for needle in needles:
        condition |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    for entry in AdminLogEntry.objects.filter(condition):
        for pattern in patterns:
            entry.object_repr = pattern.sub(erased_name(), entry.object_repr)
            entry.change_message = pattern.sub(erased_name(), entry.change_message)
        AdminLogEntry.objects.filter(pk=entry.pk).update(
            object_repr=entry.object_repr, change_message=entry.change_message
        )
