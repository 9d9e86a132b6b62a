"""The authorization matrix: every page and every API operation, for every role and for anonymous
visitors, with an object of the person's own side and one of the other side, answers what
matrix.py says; nothing a refused request asks for is changed. A page or operation that the
matrix does not list fails the completeness test, and so does an entry that no longer exists.
Each API write is sent a valid body for the object (arguments.BODIES), so the allowed people's
`ok` is a real change and the others' refusal is not just the schema refusing an empty body.

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
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from qme.audit.models import AuditEvent
from qme.notifications.models import EmailDelivery, Notification

from . import arguments
from .enumerate import api_bodies, api_operations, pages
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
            assert _parameters(name, method) is not None, f"no arguments for {name}"


def test_the_exemptions_cover_only_what_they_say():
    """Each exemption matches at least one pattern: a stale one is removed."""
    every = pages()
    for pattern, reason in EXEMPT.items():
        assert reason.strip()
        assert any(
            re.fullmatch(pattern, p.key) or re.fullmatch(pattern, p.module) for p in every
        ), pattern


def test_every_api_write_with_a_body_is_sent_a_valid_one():
    """A write that takes a body has a valid one in arguments.BODIES, or a reason in
    arguments.WITHOUT_BODY why it is sent an empty one; neither lists an operation that takes no
    body."""
    takes = {_short(op) for op in api_bodies()}
    bodies, without = set(arguments.BODIES), set(arguments.WITHOUT_BODY)
    assert not takes - bodies - without, f"no body in arguments.BODIES: {takes - bodies - without}"
    assert not (bodies | without) - takes, f"takes no body: {(bodies | without) - takes}"
    assert not bodies & without, bodies & without
    assert all(reason.strip() for reason in arguments.WITHOUT_BODY.values())


def _parameters(name: str, method: str | None = None):
    """The parameters of a page, or of an API operation: the operation of this method when there
    is one (a write may point at another object than the read of the same path)."""
    if name.startswith("/api/"):
        operation = API_OPERATIONS.get(f"{method} {name}") or next(
            (op for key, op in API_OPERATIONS.items() if key.split(" ", 1)[1] == name), None
        )
        return arguments.API.get(_short(operation), {}) if operation else None
    return arguments.PAGES.get(name, {})


def _url(name: str, method: str, which: str, user, data) -> str:
    params = _parameters(name, method)
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


def _body(name: str, method: str, which: str, user, data) -> dict | None:
    """The valid body of an API write (see arguments.BODIES), for the side's object."""
    operation = API_OPERATIONS.get(f"{method} {name}")
    make = arguments.BODIES.get(_short(operation)) if operation else None
    return make(data.side(which if which != "-" else "own"), user, data) if make else None


def _request(client, name: str, method: str, url: str, body: dict | None = None):
    if name.startswith("/api/") and method in ("POST", "PUT", "PATCH"):
        if body is not None and any(isinstance(v, UploadedFile) for v in body.values()):
            return client.post(url, body)  # multipart form data
        content = "{}" if body is None else json.dumps(body, cls=DjangoJSONEncoder)
        return client.generic(method, url, content, content_type="application/json")
    return client.generic(method, url)


def _which(name: str, method: str) -> tuple[str, ...]:
    return ("other", "own") if _parameters(name, method) else ("-",)


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
    for which in _which(name, method):
        url = _url(name, method, which, user, data)
        body = _body(name, method, which, user, data)
        before = _footprint() if method != "GET" else None  # what only a refused write checks
        if RECORD:
            try:
                results[which] = _outcome(_request(client, name, method, url, body))
            except Exception as error:
                results[which] = f"500 {error!r}"[:200]
            continue
        expected = MATRIX[(name, method, which)][ROLES.index(role)]
        response = _request(client, name, method, url, body)
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
