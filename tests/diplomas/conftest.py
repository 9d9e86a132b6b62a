"""Fixtures of the diploma tests: the cohort rules and catalogue of the training tests, the
signing keys in a temporary folder, a complete record of Tim Trainee, his proposed graduation
case and his signed diploma. What a test asks for of these is built once for the consecutive
tests of a test class (tests/sharing.py): every test runs in a savepoint inside that data and
gets its own copy of the objects and of the signing keys."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import build_world
from tests.feedback_support import emails, own_client
from tests.sharing import shared
from tests.training.factories import catalogue_for, rules_for

from .builders import Record, complete_record, diploma_of, proposed

__all__ = ["emails", "own_client"]

#: What each shared object needs built before it.
NEEDS = {
    "world": (),
    "catalogue": (),
    "rules": ("catalogue",),
    "complete": ("world", "rules"),
    "case": ("complete",),
    "diploma": ("world", "rules"),
}


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


def _needed(names: set[str]) -> tuple[str, ...]:
    needed: set[str] = set()
    todo = [name for name in NEEDS if name in names]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(NEEDS[name])
    return tuple(name for name in NEEDS if name in needed)


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings, _signing_keys) -> dict:
    needed = _needed(set(request.fixturenames))

    def build() -> dict:
        data: dict = dict.fromkeys(NEEDS)
        if "world" in needed:
            data["world"] = build_world()
        if "catalogue" in needed:
            data["catalogue"] = catalogue_for()
        if "rules" in needed:
            data["rules"] = rules_for(data["catalogue"])
        if "complete" in needed:
            data["complete"] = complete_record(data["world"], data["catalogue"])
        if "case" in needed:
            data["case"] = proposed(data["world"], data["complete"].traineeship)
        if "diploma" in needed:
            data["diploma"] = diploma_of(data["world"], data["catalogue"])
        return data

    return shared(request, shared_db, settings, needed, build)


@pytest.fixture
def world(_data, db):
    return _data["world"]


@pytest.fixture
def catalogue(_data, db):
    """Courses, a workshop, a training and their editions."""
    return _data["catalogue"]


@pytest.fixture
def rules(_data, db):
    """The rules of this year's cohort (tests/training/conftest.py)."""
    return _data["rules"]


@pytest.fixture
def complete(_data, db) -> Record:
    return _data["complete"]


@pytest.fixture
def case(_data, db):
    """Tim Trainee's graduation, proposed by the programme office."""
    return _data["case"]


@pytest.fixture
def diploma(_data, db):
    """A granted graduation of Tim Trainee and its signed diploma."""
    return _data["diploma"]
