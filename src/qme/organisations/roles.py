"""Which roles a person holds now. Read once per request and kept on the user object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Role, RoleKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qme.accounts.models import User

_CACHE_ATTR = "_qme_current_roles"


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
        rows = (
            Role.objects.current()
            .filter(user_id=user.pk, organisation__is_active=True)
            .values_list("kind", "organisation_id", "organisation__name", "department_id")
            .order_by("organisation__name", "kind")
        )
        cached = tuple(HeldRole(*row) for row in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


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
