"""Which roles a person holds now: needed on every request (the two-factor check, the rules), so
kept per person and day in the versioned cache (reports.cache) until a role or an organisation
is written, and once per request on the user object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qme.reports import cache as versioned

from .models import Organisation, Role, RoleKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qme.accounts.models import User

_CACHE_ATTR = "_qme_current_roles"

#: What the roles a person holds are read from.
ROLE_READS = (Role, Organisation)


@dataclass(frozen=True)
class HeldRole:
    kind: str
    organisation_id: int
    organisation_name: str
    department_id: int | None

    @property
    def label(self) -> str:
        return f"{RoleKind(self.kind).label}, {self.organisation_name}"


def current_roles(user: User | AnonymousUser | None) -> tuple[HeldRole, ...]:
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = versioned.remember("roles", ROLE_READS, user.pk, lambda: _read_roles(user.pk))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _read_roles(user_id: int) -> tuple[HeldRole, ...]:
    rows = (
        Role.objects.current()
        .filter(user_id=user_id, organisation__is_active=True)
        .values_list("kind", "organisation_id", "organisation__name", "department_id")
        .order_by("organisation__name", "kind")
    )
    return tuple(HeldRole(*row) for row in rows)


def forget_roles(user: User) -> None:
    """Call after changing someone's roles within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def role_kinds(user: User | AnonymousUser | None) -> frozenset[str]:
    return frozenset(role.kind for role in current_roles(user))


def has_role(user: User | AnonymousUser | None, kind: str) -> bool:
    return kind in role_kinds(user)


def organisation_ids(user: User | AnonymousUser | None, *kinds: str) -> frozenset[int]:
    """Organisations where the person holds any of these roles (any role if none are named)."""
    return frozenset(
        role.organisation_id for role in current_roles(user) if not kinds or role.kind in kinds
    )


def is_programme_office(user: User | AnonymousUser | None) -> bool:
    return has_role(user, RoleKind.PROGRAMME_OFFICE)
