"""The session status answers whether the browser is signed in and for how long, cheaply."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_says_signed_out_to_an_anonymous_visitor(client):
    response = client.get(reverse("session_status"))
    assert response.status_code == 200
    assert response.json() == {"signed_in": False}
    assert response["Cache-Control"] == "no-store"


def test_it_gives_the_seconds_left_to_a_signed_in_person(client, world, settings):
    client.force_login(world.trainee_a)
    response = client.get(reverse("session_status"))
    body = response.json()
    assert body["signed_in"] is True
    assert 0 < body["seconds_left"] <= settings.SESSION_COOKIE_AGE


def test_it_refuses_other_methods(client, world):
    client.force_login(world.trainee_a)
    assert client.put(reverse("session_status")).status_code == 405


def test_it_costs_one_query_with_cached_sessions(
    client, world, settings, django_assert_num_queries
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client.force_login(world.trainee_a)
    with django_assert_num_queries(1):  # the person; the session comes from the cache
        client.get(reverse("session_status"))
