"""The matrix's data, built once per module inside a transaction that is rolled back at the end
(like Django's setUpTestData); every test runs in a savepoint inside it, so what one request
changes never reaches the next test."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import override_settings

from .objects import Data, build


def _settings(root) -> dict:
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": root / "media",
        "QME_SIGNING_KEY_DIR": root / "keys",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    }


@pytest.fixture(scope="module")
def _module_settings(tmp_path_factory):
    with override_settings(**_settings(tmp_path_factory.mktemp("matrix"))):
        yield


@pytest.fixture(autouse=True)
def _test_settings(_module_settings):
    """Replaces the suite's per-test settings: the files of the module's data stay reachable."""
    cache.clear()


@pytest.fixture(scope="module")
def data(_module_settings, django_db_setup, django_db_blocker) -> Data:
    with django_db_blocker.unblock():
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        try:
            yield build()
        finally:
            for alias, atomic in reversed(atomics.items()):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
