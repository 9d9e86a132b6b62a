"""The feedback list, the feedback API and the home pages with the overdue trainees cost a fixed
number of queries, however many trainees and feedback entries there are."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qme.feedback import services
from qme.feedback.models import Feedback, Response
from qme.feedback.views import FEEDBACK_PER_PAGE
from tests.factories import UserFactory
from tests.helpers import api

from .helpers import competencies, give, given_days_ago, traineeship_for

TRAINEES = 30


def _trainees(world, count: int) -> list:
    """`count` trainees of Sara, Ulla and Dirk: two in three overdue from the hospital side."""
    made = []
    for n in range(count):
        traineeship = traineeship_for(world, UserFactory(full_name=f"Trainee {n:02}"), days_ago=120)
        given_days_ago(give(world.university_supervisor, traineeship), 5)
        given_days_ago(give(world.supervisor_a, traineeship), 40 if n % 3 else 3)
        made.append(traineeship)
    return made


def _queries(client, path: str) -> tuple[int, object]:
    cache.clear()  # nothing kept from before (navigation, home lists): the page's whole cost
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), response


@pytest.mark.parametrize("persona", ["supervisor_a", "university_supervisor", "doctor_a", "office"])
def test_the_home_page_shows_the_overdue_trainees_in_a_fixed_number_of_queries(
    world, client_for, persona
):
    client = client_for(getattr(world, persona))
    _trainees(world, 3)
    client.get("/")  # the framework and the settings exist from now on
    few, _response = _queries(client, "/")
    _trainees(world, TRAINEES - 3)
    many, response = _queries(client, "/")
    overdue = next(s for s in response.context["sections"] if s.kind == "feedback_overdue")
    assert len(overdue.context["rows"]) == 20  # two in three of 30
    assert all(cadence["hospital_overdue"] for _t, cadence in overdue.context["rows"])
    assert many == few, f"{few} queries with 3 trainees, {many} with {TRAINEES}"
    assert many <= 30


def test_the_feedback_list_costs_a_fixed_number_of_queries(world, traineeship, client_for):
    def add(count: int) -> None:
        for n in range(count):
            feedback = give(
                world.supervisor_a if n % 2 else world.university_supervisor,
                traineeship,
                competencies=competencies(1 + n % 3),
            )
            Response.objects.create(feedback=feedback, author=world.trainee_a, body=f"Thanks {n}")

    client = client_for(world.trainee_a)
    add(2)
    client.get(f"/feedback/{traineeship.pk}/")
    few, _response = _queries(client, f"/feedback/{traineeship.pk}/")
    add(TRAINEES - 2)
    many, response = _queries(client, f"/feedback/{traineeship.pk}/")
    assert len(response.context["page"]) == FEEDBACK_PER_PAGE  # the first page of TRAINEES
    assert many == few, f"{few} queries with 2 entries, {many} with {TRAINEES}"
    assert many <= 20


def test_the_feedback_api_costs_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    for n in range(TRAINEES):
        give(world.doctor_a, traineeship, competencies=competencies(1 + n % 3))
    client = client_for(world.supervisor_a)
    services.current_framework()
    with django_assert_max_num_queries(8):
        response = api(client, "get", f"traineeships/{traineeship.pk}/feedback")
    assert len(response.json()) == TRAINEES == Feedback.objects.count()
