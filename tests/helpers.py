"""Small helpers shared by the server-side tests: API calls and row counts."""

from __future__ import annotations

import json
from typing import Any

from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry

from qme.accounts.models import ApiToken, User
from qme.audit.models import AuditEvent
from qme.organisations.models import Department, Organisation, Role

#: Values that a careless or hostile client might send in any text field.
HOSTILE_TEXT = [
    "",
    "   ",
    "x" * 10_000,
    "<script>alert('x')</script>",
    "'; DROP TABLE accounts_user; --",
    "Robert'); DELETE FROM organisations_organisation WHERE ('1'='1",
    "\x00nul",
]


def api(client, method: str, path: str, payload: Any = None, *, token: str | None = None):
    """Call /api/v1/<path> with a JSON body, by session or by Bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if payload is not None:
        kwargs["data"] = payload if isinstance(payload, str) else json.dumps(payload)
        kwargs["content_type"] = "application/json"
    return getattr(client, method.lower())(f"/api/v1/{path.lstrip('/')}", **kwargs)


def row_counts() -> dict[str, int]:
    """How many rows every table of this foundation holds: to prove nothing partial is stored."""
    return {
        model.__name__: model._default_manager.count()
        for model in (
            Organisation,
            Department,
            Role,
            User,
            ApiToken,
            AuditEvent,
            LogEntry,
            Authenticator,
        )
    }


def page_text(response) -> str:
    return response.content.decode()
