"""Fixtures of the training tests: e-mail capture, a second signed-in browser, the cohort rules
and the traineeship of Tim Trainee at hospital A."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core import mail
from django.test import Client

from qme.training.models import Curriculum, Traineeship

from .factories import Catalogue, catalogue_for, rules_for, traineeship_of


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


@pytest.fixture
def catalogue(db) -> Catalogue:
    """Courses, a workshop, a training and their editions."""
    return catalogue_for()


@pytest.fixture
def rules(catalogue) -> Curriculum:
    """The rules of this year's cohort: 120 EC, 60 for the design project, at least 30 for
    courses and 10 for clinical projects, regulation and communication mandatory."""
    return rules_for(catalogue)


@pytest.fixture
def traineeship(world, rules) -> Traineeship:
    """Tim Trainee at hospital A since three months, supervised by Ulla (university) and Sara
    (hospital), with Dirk as the medical doctor."""
    return traineeship_of(world)
