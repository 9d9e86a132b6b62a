"""Fixtures of the diploma tests: the cohort rules and catalogue of the training tests, the
signing keys in a temporary folder, and a complete record of Tim Trainee."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.feedback_support import emails, own_client
from tests.training.conftest import catalogue, rules

from .builders import Record, complete_record

__all__ = ["catalogue", "emails", "own_client", "rules"]


@pytest.fixture(autouse=True)
def _signing_keys(settings, tmp_path):
    settings.QME_SIGNING_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def client(client):
    """The pages in English for anyone signed out (the site speaks Dutch by default)."""
    client.cookies["qme_language"] = "en"
    return client


@pytest.fixture
def visitor() -> Client:
    """Someone who is not signed in, with a browser of their own, reading English."""
    client = Client()
    client.cookies["qme_language"] = "en"
    return client


@pytest.fixture
def complete(world, rules, catalogue) -> Record:
    return complete_record(world, catalogue)
