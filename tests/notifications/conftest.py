"""Fixtures of the notification tests: e-mail capture and a helper that notifies someone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from qme.core.mail import notify_people
from tests.feedback_support import emails

__all__ = ["emails"]


@pytest.fixture
def notify(emails):
    """notify(person, ...): the item of an event that asks something of them (the e-mail of a
    sign-off request), sent through notify_people like every app does."""

    def _notify(*people, item: str = "Clinical project ICU", path: str = "/training/1/"):
        with emails():
            return notify_people(
                people,
                "sign_off_requested",
                {"trainee": "Tim Trainee", "item": item, "ec": 5, "completed_on": "1 May 2026"},
                link=path,
            )

    return _notify


@pytest.fixture
def own_client() -> Callable[..., Client]:
    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client
