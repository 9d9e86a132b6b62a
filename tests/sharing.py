"""Data built once and shared by many tests, the way Django's TestCase.setUpTestData shares a
class's data: for the modules whose tests each build the same expensive objects (a procedure
with a committee and candidates, a signed diploma) and then only read them or change them in
their own transaction.

How it stays isolated:
- The module's tests run inside a transaction that is rolled back after the last one. The data
  is built in a savepoint of it; each test runs in its own savepoint inside that (pytest-django's
  `db`), so whatever a test changes is undone before the next test.
- Each test gets its own deep copy of the Python objects, so a test that changes an object in
  memory does not change what the next test is given.
- The data is built again (after rolling the previous build back) whenever a test asks for
  another kind of data (`kind`), or is in another test class: a test never sees rows that its
  own fixtures would not have made.
- Files the data needs (uploads under MEDIA_ROOT, the signing keys) are made in a folder of the
  module and copied into the test's own folders; e-mails sent while building are in each test's
  outbox as they would have been. The cache is emptied after building, as before every test.

Only for tests that run in a transaction (`db`): a test that commits (`transactional_db`, a live
server) cannot run inside the module's transaction. The building happens during the first test's
setup, after its autouse fixtures (language, settings), and before its `db`: a fixture built from
`shared_data` must be requested before anything that asks for `db` (the check below fails loudly
otherwise).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import override_settings


class SharedData:
    def __init__(self, blocker, root: Path) -> None:
        self.blocker = blocker
        self.root = root
        self.outer = self._enter()
        self.key: Hashable | None = None
        self.inner: dict | None = None
        self.data: Any = None
        self.outbox: list = []

    @staticmethod
    def _enter() -> dict:
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            # Like TestCase's own blocks: a durable block inside a test is not refused.
            atomic._from_testcase = True
            atomic.__enter__()
        return atomics

    @staticmethod
    def _roll_back(atomics: dict) -> None:
        for alias, atomic in reversed(atomics.items()):
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)

    def get(self, key: Hashable, build: Callable[[], Any], settings) -> Any:
        with self.blocker.unblock():
            for alias in connections:
                # Only the module's transaction (and a previous build) may be open: the test's
                # own savepoint comes after the build, or the build would be rolled back with it.
                expected = 1 if self.inner is not None else 0
                assert len(connections[alias].savepoint_ids) == expected, (
                    "request the shared data before anything that asks for `db`"
                )
            if key != self.key:
                self._drop()
                self.inner = self._enter()
                self.key = key
                start = len(mail.outbox)
                with override_settings(
                    MEDIA_ROOT=self.root / "media", QME_SIGNING_KEY_DIR=self.root / "keys"
                ):
                    shutil.rmtree(self.root, ignore_errors=True)
                    self.data = build()
                self.outbox = copy.deepcopy(mail.outbox[start:])
                del mail.outbox[start:]
                cache.clear()
        # The test's own folders (the root conftest's), with the files of the build.
        for name, setting in (("media", "MEDIA_ROOT"), ("keys", "QME_SIGNING_KEY_DIR")):
            if (self.root / name).exists():
                shutil.copytree(
                    self.root / name, Path(getattr(settings, setting)), dirs_exist_ok=True
                )
        mail.outbox.extend(copy.deepcopy(self.outbox))
        return copy.deepcopy(self.data)

    def _drop(self) -> None:
        if self.inner is not None:
            self._roll_back(self.inner)
        self.key, self.inner, self.data, self.outbox = None, None, None, []

    def close(self) -> None:
        with self.blocker.unblock():
            self._drop()
            self._roll_back(self.outer)


@pytest.fixture(scope="module")
def shared_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """The module's transaction, in which shared data is built (see the module's docstring)."""
    with django_db_blocker.unblock():
        shared = SharedData(django_db_blocker, tmp_path_factory.mktemp("shared"))
    try:
        yield shared
    finally:
        shared.close()


def shared(request, shared_db, settings, kind: Hashable, build: Callable[[], Any]) -> Any:
    """The data `build()` makes, built once for the consecutive tests of a test class that ask for
    the same `kind`; a deep copy of it for this test."""
    return shared_db.get((request.node.module.__name__, request.cls, kind), build, settings)


def shared_objects(request, shared_db, settings, makers: dict[str, tuple]) -> dict:
    """`shared` for a chain of objects: `makers` maps each name, in the order to build them, to
    (the names it needs, a function of the data built so far). Builds what the test asks for (by
    fixture name) and what that needs; the kind is the names built."""
    asked = set(request.fixturenames)
    needed: set[str] = set()
    todo = [name for name in makers if name in asked]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(makers[name][0])
    kind = tuple(name for name in makers if name in needed)

    def build() -> dict:
        data: dict = dict.fromkeys(makers)
        for name in kind:
            data[name] = makers[name][1](data)
        return data

    return shared(request, shared_db, settings, kind, build)


def handed_out(key: str):
    """A fixture named `key` that hands out that object of the module's shared data (its
    autouse `_data` fixture, built by `shared_objects`)."""

    @pytest.fixture(name=key)
    def _fixture(_data, db):
        return _data[key]

    return _fixture
