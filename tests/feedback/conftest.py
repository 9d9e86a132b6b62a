"""Fixtures of the feedback tests: e-mail capture, a separate signed-in client, and Tim Trainee's
traineeship at hospital A (Ulla at the university, Sara in the hospital, Dirk the doctor)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core import mail
from django.test import Client

from qme.feedback import services
from qme.training.models import Traineeship

from .helpers import traineeship_for


@pytest.fixture
def emails(
    django_capture_on_commit_callbacks,
) -> Callable[[], AbstractContextManager[list[mail.EmailMessage]]]:
    """`with emails() as sent:` runs the block and its after-commit work (the e-mail tasks) and
    fills `sent` with what went out."""

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
    """own_client(user): a separate signed-in client, for stories where people take turns."""

    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def traineeship(world) -> Traineeship:
    """Tim Trainee at hospital A since 90 days: Ulla supervises from the university, Sara from
    the hospital, and Dirk is the medical doctor."""
    return traineeship_for(world, world.trainee_a)


@pytest.fixture
def framework(db):
    return services.current_framework()
