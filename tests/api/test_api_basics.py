"""What every API client can rely on: a published OpenAPI document, JSON errors, and the same
answer for an address that does not exist as for one it may not see."""

from __future__ import annotations

import pytest

from tests.helpers import api


def test_it_publishes_its_openapi_document_and_docs_without_sign_in(db, client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "QME Programme Office API"
    assert client.get("/api/v1/docs").status_code == 200


FOUNDATION = ("/api/v1/organisations", "/api/v1/people", "/api/v1/me", "/api/v1/roles")


def test_it_documents_that_every_foundation_endpoint_needs_sign_in(db, client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = {p: ops for p, ops in spec["paths"].items() if p.startswith(FOUNDATION)}
    assert len(paths) >= 10
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("security"), f"{method.upper()} {path} has no security"


@pytest.mark.parametrize("path", ["nonexistent", "organisations/1/nothing", "v2/people"])
def test_it_answers_an_unknown_address_with_json(world, client_for, path):
    response = api(client_for(world.office), "get", path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_answers_unknown_addresses_with_json_without_sign_in_too(db, client):
    response = client.get("/api/v1/nonexistent")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "path"), [("put", "organisations"), ("delete", "organisations/1")]
)
def test_it_refuses_an_unsupported_method(world, client_for, method, path):
    response = api(client_for(world.office), method, path)
    assert response.status_code == 405


def test_it_pages_lists_with_limit_and_offset(world, client_for):
    client = client_for(world.office)
    first = api(client, "get", "organisations?limit=2").json()
    rest = api(client, "get", "organisations?limit=2&offset=2").json()
    assert first["count"] == rest["count"] == 3
    assert len(first["items"]) == 2
    assert len(rest["items"]) == 1
