"""The API's main lists are kept as JSON (qme.api.kept) per person, path and query string until a
row they list changes: the second request costs what every request costs, a change is listed at
once, and authentication, permissions and input checks run on every request as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qme.accounts.services import create_api_token, revoke_api_token
from qme.organisations.models import RoleKind
from tests.factories import OrganisationFactory, person_with_role
from tests.helpers import api

LISTS = (
    "requests",
    "positions",
    "open-positions",
    "traineeships",
    "people",
    "organisations",
    "graduation-cases",
)

#: The session (from the database in the tests), the person, their roles and the check that
#: they have set up two-factor authentication.
BASE_QUERIES = 4


@pytest.mark.parametrize("path", LISTS)
def test_the_second_request_costs_what_every_request_costs(world, client_for, path):
    client = client_for(world.office)
    first = api(client, "get", path)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = api(client, "get", path)
    assert len(queries) <= BASE_QUERIES, [q["sql"][:80] for q in queries.captured_queries]
    assert again.json() == first.json()
    assert again["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"


def test_a_new_organisation_is_listed_at_once(world, client_for):
    client = client_for(world.office)
    before = api(client, "get", "organisations").json()["count"]
    OrganisationFactory(name="Ziekenhuis Nieuwbouw")
    after = api(client, "get", "organisations").json()
    assert after["count"] == before + 1
    assert "Ziekenhuis Nieuwbouw" in {row["name"] for row in after["items"]}


def test_each_query_string_is_its_own_list(world, client_for):
    client = client_for(world.office)
    everything = api(client, "get", "organisations?limit=50").json()
    one = api(client, "get", "organisations?limit=1").json()
    assert len(one["items"]) == 1 < len(everything["items"])
    assert api(client, "get", "organisations?offset=1&limit=1").json()["items"] != one["items"]


def test_each_person_gets_their_own_list(world):
    office, coordinator = Client(), Client()
    office.force_login(world.office)
    coordinator.force_login(world.coordinator_a)
    everyone = api(office, "get", "people?limit=1000").json()
    own = api(coordinator, "get", "people?limit=1000").json()
    assert own["count"] < everyone["count"]
    # Kept for the office: never answered to a person who may not list at all.
    person_with_role(RoleKind.MEDICAL_DOCTOR, world.hospital_a, email="doc@example.org")
    api(office, "get", "requests")
    trainee = Client()
    trainee.force_login(world.trainee_a)
    assert api(trainee, "get", "requests").status_code == 403


def test_a_token_and_a_session_get_the_same_list_and_a_revoked_token_none(world, client_for):
    token, secret = create_api_token(user=world.office, name="Scripts")
    by_session = api(client_for(world.office), "get", "organisations").json()
    anonymous = Client()
    assert api(anonymous, "get", "organisations", token=secret).json() == by_session
    revoke_api_token(user=world.office, token=token)
    assert api(anonymous, "get", "organisations", token=secret).status_code == 401
    assert api(anonymous, "get", "organisations").status_code == 401


def test_invalid_input_is_refused_every_time(world, client_for):
    client = client_for(world.office)
    api(client, "get", "organisations")
    for _ in range(2):
        assert api(client, "get", "organisations?limit=0").status_code == 422
        assert api(client, "get", "traineeships?cohort=1").status_code == 422
