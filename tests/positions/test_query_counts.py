"""Lists cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest

from qme.positions.models import PositionStatus, RequestStatus
from tests.factories import OrganisationFactory
from tests.helpers import api

from .factories import BulkPositionFactory, BulkRequestFactory

ROWS = 30


@pytest.fixture
def many(world):
    """30 requests in every state and 30 positions (20 open), a third of each at hospital A and
    the rest at a hospital each."""
    statuses = list(RequestStatus.values)
    for n in range(ROWS):
        hospital = world.hospital_a if n % 3 == 0 else OrganisationFactory()
        BulkRequestFactory(hospital=hospital, status=statuses[n % len(statuses)])
        BulkPositionFactory(
            request__hospital=hospital,
            university=world.university,
            status=PositionStatus.OPEN if n % 3 else PositionStatus.SELECTION,
        )


PAGES = [
    ("office", "/requests/", 12),
    ("office", "/requests/?status=draft&region=NH", 12),
    ("coordinator_a", "/requests/", 12),
    ("office", "/manage/positions/", 12),
    ("coordinator_a", "/manage/positions/", 12),
]


@pytest.mark.parametrize(("persona", "url", "most"), PAGES)
def test_it_shows_a_page_of_many_in_a_fixed_number_of_queries(
    world, client_for, many, django_assert_max_num_queries, persona, url, most
):
    client = client_for(getattr(world, persona))
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].object_list


def test_it_shows_the_public_list_and_feed_in_a_fixed_number_of_queries(
    world, client, many, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/positions/")
    assert len(response.context["page"].object_list) == 20
    with django_assert_max_num_queries(4):
        response = client.get("/positions/feed.atom")
    assert response.content.count(b"<entry>") == 20


API = [
    ("office", "requests?limit=100", 2 * ROWS),  # each position has its approved request
    ("coordinator_a", "requests?limit=100", 20),
    ("office", "positions?limit=100", ROWS),
    ("office", "positions?status=open", 20),
    (None, "open-positions?limit=100", 20),
]


@pytest.mark.parametrize(("persona", "path", "count"), API)
def test_it_answers_the_api_lists_in_a_fixed_number_of_queries(
    world, client, client_for, many, django_assert_max_num_queries, persona, path, count
):
    if persona:
        client = client_for(getattr(world, persona))
    with django_assert_max_num_queries(8):
        response = api(client, "get", path)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == count
