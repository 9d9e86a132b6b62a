"""Sign-in tests use real passwords and read the pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from qme.accounts.models import User
from tests.factories import PASSWORD


@pytest.fixture
def world(world):
    """The personas, their password hashed with the test hasher so the sign-in form accepts it
    (tests/factories.py hashes it once at import, before the test settings apply)."""
    User.objects.update(password=make_password(PASSWORD))
    for persona in vars(world).values():
        if isinstance(persona, User):
            persona.refresh_from_db(fields=["password"])
    return world


@pytest.fixture
def client(client):
    """A visitor whose browser asks for English (the default language is Dutch)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
