"""The person's account: profile, language and API tokens.

Erasure anonymises the account in place (the rows that point at it stay, and show "Erased
person"): the name becomes "Erased person", the address a unique non-address, the phone and
preferred name go, the password becomes unusable, the account inactive (so nobody signs in as
it), and the API tokens and the drafts of forms not yet sent are deleted. The language stays,
so that nothing breaks where a language is needed. This runs last, after every other app has
erased what it holds.
"""

from __future__ import annotations

from typing import Any

from qme.privacy.protocol import erased_email, erased_name, when

from .models import User


def personal_data(user: User) -> dict[str, Any]:
    drafts = getattr(user, "drafts", None)  # forms being typed, kept on the server
    return {
        "profile": {
            "e-mail address": user.email,
            "full name": user.full_name,
            "preferred name": user.preferred_name,
            "phone": user.phone,
            "language": user.language,
            "active": user.is_active,
            "joined": when(user.date_joined),
            "last sign-in": when(user.last_login),
        },
        "API tokens": [
            {
                "name": token.name,
                "ends with": token.hint,
                "created": when(token.created_at),
                "last used": when(token.last_used_at),
                "revoked": when(token.revoked_at),
            }
            for token in user.api_tokens.all()
        ],
        "drafts of forms not yet sent": [
            {"form": draft.key, "saved": when(draft.updated_at), "content": draft.data}
            for draft in drafts.all()
        ]
        if drafts is not None
        else [],
    }


def erasure_blockers(user: User) -> list[str]:
    return []


def erase(user: User) -> None:
    user.api_tokens.all().delete()
    if (drafts := getattr(user, "drafts", None)) is not None:
        drafts.all().delete()
    user.full_name = erased_name()
    user.preferred_name = ""
    user.phone = ""
    user.email = erased_email(user.pk)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.user_permissions.clear()
    user.groups.clear()
