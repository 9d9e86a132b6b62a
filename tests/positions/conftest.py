"""Fixtures of the position tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core import mail
from django.test import Client


@pytest.fixture
def emails(
    django_capture_on_commit_callbacks,
) -> Callable[[], AbstractContextManager[list[mail.EmailMessage]]]:
    """`with emails() as sent:` runs the block, then its after-commit work (the e-mail tasks),
    and fills `sent` with what went out."""

    @contextmanager
    def _capture() -> Iterator[list[mail.EmailMessage]]:
        sent: list[mail.EmailMessage] = []
        start = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            yield sent
        sent.extend(mail.outbox[start:])

    return _capture


@pytest.fixture
def own_client() -> Callable[..., Client]:
    """own_client(user): a separate signed-in client, for stories where two people take turns
    (client_for signs the one shared client in as someone else)."""

    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client
