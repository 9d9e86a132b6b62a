"""The authorization matrix: every page and every API operation, for every role and for anonymous
visitors, with an object of the person's own side and one of the other side, answers what
matrix.py says; nothing a refused request asks for is changed. A page or operation that the
matrix does not list fails the completeness test, and so does an entry that no longer exists.

Outcomes: `ok` (2xx, or the page's normal redirect), `bad` (let through, but refused on what was
sent or on the object's state: 400/409/422), `login` (sent to sign-in; 401 in the API), `403`,
`404`, `405`.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from qme.audit.models import AuditEvent
from qme.notifications.models import EmailDelivery, Notification

from . import arguments
from .enumerate import api_operations, pages
from .matrix import EXEMPT, MATRIX
from .objects import ROLES

RECORD = os.environ.get("QME_MATRIX_RECORD")  # a file: record outcomes instead of asserting

API_OPERATIONS = {f"{method} {path}": op for op, method, path in api_operations()}


def _short(operation_id: str) -> str:
    return operation_id.split("_api_", 1)[1]


def _exempt_reason(page) -> str | None:
    for pattern, reason in EXEMPT.items():
        if re.fullmatch(pattern, page.key) or re.fullmatch(pattern, page.module):
            return reason
    return None


def enumerated_keys() -> set[tuple[str, str]]:
    """Every (page, method) and (API operation, method) that must have a row in the matrix."""
    keys: set[tuple[str, str]] = set()
    for page in pages():
        if page.module == "ninja.operation" or _exempt_reason(page):
            continue
        keys.add((page.key, "GET"))
        keys.add((page.key, "POST"))
    for key in API_OPERATIONS:
        method, path = key.split(" ", 1)
        keys.add((path, method))
    return keys


def test_every_page_and_operation_has_a_row_in_the_matrix():
    enumerated = enumerated_keys()
    listed = {(name, method) for name, method, _which in MATRIX}
    missing = sorted(enumerated - listed)
    gone = sorted(listed - enumerated)
    assert not missing, f"not in the authorization matrix (add a row to matrix.py): {missing}"
    assert not gone, f"in the matrix but no longer served (remove the row): {gone}"


def test_every_row_has_a_row_for_the_own_and_the_other_object_when_it_takes_one():
    for name, method, which in MATRIX:
        if which == "own":
            assert (name, method, "other") in MATRIX, (name, method)
        if which != "-":
            assert _parameters(name) is not None, f"no arguments for {name}"


def test_the_exemptions_cover_only_what_they_say():
    """Each exemption matches at least one pattern: a stale one is removed."""
    every = pages()
    for pattern, reason in EXEMPT.items():
        assert reason.strip()
        assert any(
            re.fullmatch(pattern, p.key) or re.fullmatch(pattern, p.module) for p in every
        ), pattern


def _parameters(name: str):
    if name.startswith("/api/"):
        operation = next(
            (op for key, op in API_OPERATIONS.items() if key.split(" ", 1)[1] == name), None
        )
        return arguments.API.get(_short(operation), {}) if operation else None
    return arguments.PAGES.get(name, {})


def _url(name: str, which: str, user, data) -> str:
    params = _parameters(name)
    side = data.side(which if which != "-" else "own")
    values = {key: get(side, user, data) for key, get in params.items()}
    if name.startswith("/api/"):
        path = name
        for key, value in values.items():
            path = path.replace("{" + key + "}", str(value))
        assert "{" not in path, path
        return path
    return reverse(name, kwargs=values)


def _outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        return "login" if location.startswith(resolve_url(settings.LOGIN_URL)) else "ok"
    if status == 401:
        return "login"
    if status in (400, 409, 422):
        return "bad"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def _footprint() -> tuple[int, ...]:
    """What every change leaves behind: an audit event, a field history entry, a notification or
    an e-mail."""
    return (
        AuditEvent.objects.count(),
        LogEntry.objects.count(),
        Notification.objects.count(),
        EmailDelivery.objects.count(),
    )


def _request(client, name: str, method: str, url: str):
    if name.startswith("/api/") and method in ("POST", "PUT", "PATCH"):
        return client.generic(method, url, "{}", content_type="application/json")
    return client.generic(method, url)


def _which(name: str) -> tuple[str, ...]:
    return ("other", "own") if _parameters(name) else ("-",)


CASES = sorted(enumerated_keys() if RECORD else {(name, method) for name, method, _ in MATRIX})


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{m} {n}" for n, m in CASES])
def test_the_matrix(name, method, data, db, client):
    """Each role in turn, each in a savepoint that is rolled back: one role's successful
    request never changes what the next one meets."""
    failures = []
    for role in ROLES:
        with transaction.atomic():
            failures += _check(client, name, method, role, data)
            transaction.set_rollback(True)
        client.logout()
    assert not failures, "\n".join(failures)


def _check(client, name, method, role, data) -> list[str]:
    user = data.users[role]
    if user is not None:
        client.force_login(user)
    results, failures = {}, []
    for which in _which(name):
        url = _url(name, which, user, data)
        before = _footprint()
        if RECORD:
            try:
                results[which] = _outcome(_request(client, name, method, url))
            except Exception as error:
                results[which] = f"500 {error!r}"[:200]
            continue
        expected = MATRIX[(name, method, which)][ROLES.index(role)]
        response = _request(client, name, method, url)
        actual = _outcome(response)
        if actual != expected:
            failures.append(
                f"{role} {method} {url} ({which}): expected {expected}, got {actual} "
                f"({response.status_code})"
            )
        elif method != "GET" and actual != "ok" and _footprint() != before:
            failures.append(f"{role} {method} {url}: refused ({actual}), yet something changed")
    if RECORD:
        with open(RECORD, "a") as out:
            out.write(json.dumps([name, method, role, results]) + "\n")
    return failures
