"""Schemathesis sends generated requests to every operation of the OpenAPI document, signed in
with a personal API token as each role and as nobody: the API never answers with a server error,
and every response conforms to the document (documented status code, content type and body).

Small and repeatable: a few examples per operation, derandomised."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from qme.accounts.models import ApiToken
from qme.api.api import api
from tests.authorization.objects import ROLES

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


def _tokens(data) -> dict[str, str | None]:
    tokens: dict[str, str | None] = {}
    for role in ROLES:
        user = data.users[role]
        if user is None:
            tokens[role] = None
            continue
        raw = ApiToken.new_raw_token()
        ApiToken.objects.create(user=user, name="fuzz", key_hash=ApiToken.hash(raw), hint=raw[-4:])
        tokens[role] = raw
    return tokens


@pytest.fixture
def tokens(data, db):
    return _tokens(data)


@pytest.fixture(autouse=True)
def _any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


@pytest.fixture(autouse=True)
def _keep_the_connection():
    """The WSGI handler closes the database connection after each request; the test client does
    not, and neither may these calls: the test's transaction lives on that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_holds_to_its_document(case, tokens):
    """Each generated request goes out as the next role in turn (anonymous included), so every
    role meets every operation's examples across the run without multiplying its length."""
    role = ROLES[next(_turn) % len(ROLES)]
    token = tokens[role]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    case.call_and_validate(headers=headers, checks=CHECKS)


_turn = itertools.count()


@pytest.mark.parametrize(
    "query",
    [
        "offset=3976890959790&limit=3345036137855875327639683072",
        "offset=99999999999999999999999&limit=10",
        "limit=0",
        "offset=-1",
    ],
)
def test_absurd_paging_is_refused_with_a_reason(query, data, db, client):
    """Found by the fuzzing: a huge limit or offset was a server error."""
    client.force_login(data.users["office"])
    response = client.get(f"/api/v1/traineeships?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_paging_within_bounds_still_works(data, db, client):
    client.force_login(data.users["office"])
    response = client.get("/api/v1/traineeships?offset=0&limit=1000")
    assert response.status_code == 200
    assert response.json()["count"] >= 2
