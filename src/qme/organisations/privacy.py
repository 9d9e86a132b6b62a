"""The roles a person holds or held.

Erasure ends the person's current roles today and removes roles that have not started: the
history of who held which role stays, attached to the anonymised person, so that decisions taken
in a role still show who (now "Erased person") took them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qme.privacy.protocol import when

from .models import Role


def personal_data(user) -> dict[str, Any]:
    return {
        "roles": [
            {
                "role": role.get_kind_display(),
                "organisation": role.organisation.name,
                "department": role.department.name if role.department_id else None,
                "from": when(role.starts_on),
                "until": when(role.ends_on),
            }
            for role in Role.objects.filter(user=user).select_related("organisation", "department")
        ]
    }


def erasure_blockers(user) -> list[str]:
    return []


def erase(user) -> None:
    today = timezone.localdate()
    roles = Role.objects.filter(user=user)
    roles.filter(starts_on__gt=today).delete()
    roles.filter(ends_on__isnull=True).update(ends_on=today)
    roles.filter(ends_on__gt=today).update(ends_on=today)
