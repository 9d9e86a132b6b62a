from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from qme.accounts.adapter import has_totp, mfa_required
from qme.accounts.services import authenticate_api_token
from qme.audit.services import attribute_field_changes_to


class TokenAuth(HttpBearer):
    """`Authorization: Bearer qme_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token)
        if user is not None and mfa_required(user) and not has_totp(user):
            return None  # two-factor authentication must be set up before the API can be used
        if user is not None:
            request.user = user
            attribute_field_changes_to(user)
            translation.activate(user.language)
        return user
