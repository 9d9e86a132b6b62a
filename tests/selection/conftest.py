"""Fixtures of the selection tests: e-mail capture, a second signed-in browser, and a whole
procedure (a published position with a committee of four and three submitted candidates); the
personas and the procedure are built once per test class (tests/sharing.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.conftest import World, build_world
from tests.sharing import shared

from .factories import Procedure, procedure_for


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Services called directly speak English; a request to a page may switch the language of
    the thread, so each test starts afresh."""
    with translation.override("en"):
        yield


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
    """own_client(user): a separate signed-in browser, for stories where people take turns."""

    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings) -> dict:
    """The personas, and the procedure when the test asks for it, built once for the consecutive
    tests of a test class (tests/sharing.py): every test runs in a savepoint inside that data and
    gets its own copy of the objects, so what one test changes never reaches the next."""
    kind = ("proc",) if "proc" in request.fixturenames else ("world",)

    def build() -> dict:
        world = build_world()
        return {"world": world, "proc": procedure_for(world) if kind == ("proc",) else None}

    return shared(request, shared_db, settings, kind, build)


@pytest.fixture
def world(_data, db) -> World:
    return _data["world"]


@pytest.fixture
def proc(_data, db) -> Procedure:
    """A published position of hospital A, its committee of four (a chair and a member from each
    side), and three submitted candidates."""
    return _data["proc"]
