"""Fixtures of the privacy tests: the cohort rules and catalogue of the training tests, signing
keys in a temporary folder, and Tim Trainee's complete record with a diploma, feedback, a
multisource round and a deliverable."""

from __future__ import annotations

import pytest

from tests.diplomas.conftest import _signing_keys
from tests.feedback_support import own_client
from tests.training.conftest import catalogue, rules

from .builders import Graduate, graduate_record

__all__ = ["_signing_keys", "catalogue", "own_client", "rules"]


@pytest.fixture
def client(client):
    """The pages in English for anyone signed out (the site speaks Dutch by default)."""
    client.cookies["qme_language"] = "en"
    return client


@pytest.fixture
def graduate(world, rules, catalogue) -> Graduate:
    return graduate_record(world, catalogue)
