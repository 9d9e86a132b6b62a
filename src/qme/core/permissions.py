"""Authorization helpers shared by views, API and services. Rules live in each app's rules.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404


def require(user: Any, perm: str, obj: Any = None) -> None:
    """Refuse with 403 unless the person has the permission (on the object)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def require_visible(user: Any, perm: str, obj: Any) -> None:
    """Answer 404 for an object the person may not see, so its existence is not revealed."""
    if not user.has_perm(perm, obj):
        raise Http404
