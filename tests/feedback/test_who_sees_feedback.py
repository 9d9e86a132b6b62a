"""Feedback follows the traineeship: its trainee, supervisors, doctor, the hospital's coordinator
and the programme office read it; only supervisors and the doctor give it; only the trainee
responds. Anyone else gets 404, so the trainee's existence is not revealed."""

from __future__ import annotations

import pytest

from qme.feedback.models import Feedback
from tests.factories import UserFactory
from tests.helpers import page_text

from .helpers import form_data, give, snapshot, traineeship_for

READERS = [
    "trainee_a",
    "university_supervisor",
    "supervisor_a",
    "doctor_a",
    "coordinator_a",
    "office",
]
GIVERS = ["university_supervisor", "supervisor_a", "doctor_a"]
STRANGERS = ["coordinator_b", "applicant", "board_member"]


@pytest.mark.parametrize("persona", READERS)
def test_it_shows_the_feedback_to_those_who_follow_the_traineeship(
    world, traineeship, client_for, persona
):
    give(world.supervisor_a, traineeship)
    response = client_for(getattr(world, persona)).get(f"/feedback/{traineeship.pk}/")
    assert response.status_code == 200
    assert "explained the alarm filter clearly" in page_text(response)
    assert response.context["can_give"] is (persona in GIVERS)
    assert response.context["can_respond"] is (persona == "trainee_a")


@pytest.mark.parametrize("persona", STRANGERS)
def test_it_answers_404_to_anyone_else(world, traineeship, client_for, persona):
    feedback = give(world.supervisor_a, traineeship)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(f"/feedback/{traineeship.pk}/").status_code == 404
    assert client.get(f"/feedback/{traineeship.pk}/give/").status_code == 404
    assert client.post(f"/feedback/{traineeship.pk}/give/", form_data()).status_code == 404
    response = client.post(
        f"/feedback/{traineeship.pk}/{feedback.pk}/respond/", {"body": "Hello there."}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_it_answers_404_to_another_trainee_and_to_another_trainees_supervisor(
    world, traineeship, client_for
):
    other_trainee = UserFactory(full_name="Olaf Other")
    other_supervisor = UserFactory(full_name="Hans Hospital")
    traineeship_for(world, other_trainee, hospital_supervisor=other_supervisor)
    give(world.supervisor_a, traineeship)
    for person in (other_trainee, other_supervisor):
        client = client_for(person)
        assert client.get(f"/feedback/{traineeship.pk}/").status_code == 404
        assert client.post(f"/feedback/{traineeship.pk}/give/", form_data()).status_code == 404
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "office"])
def test_it_lets_only_supervisors_and_the_doctor_give_feedback(
    world, traineeship, client_for, persona
):
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(f"/feedback/{traineeship.pk}/give/").status_code == 403
    assert client.post(f"/feedback/{traineeship.pk}/give/", form_data()).status_code == 403
    assert snapshot() == before


def test_it_asks_to_sign_in_first(world, traineeship, client):
    feedback = give(world.supervisor_a, traineeship)
    for path in (
        f"/feedback/{traineeship.pk}/",
        f"/feedback/{traineeship.pk}/give/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    before = snapshot()
    response = client.post(f"/feedback/{traineeship.pk}/{feedback.pk}/respond/", {"body": "Hi."})
    assert response.status_code == 302
    assert snapshot() == before


def test_it_does_not_take_a_response_to_feedback_of_another_traineeship_through_this_one(
    world, traineeship, client_for
):
    other = traineeship_for(world, UserFactory())
    elsewhere = give(world.supervisor_a, other)
    before = snapshot()
    response = client_for(world.trainee_a).post(
        f"/feedback/{traineeship.pk}/{elsewhere.pk}/respond/", {"body": "Not mine."}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_the_trainees_home_shows_only_their_own_feedback(world, traineeship, client_for):
    other_trainee = UserFactory(full_name="Olaf Other")
    other = traineeship_for(world, other_trainee)
    mine = give(world.supervisor_a, traineeship)
    theirs = give(
        world.supervisor_a, other, next_step="Write up the ward 7 pilot for Olaf next week."
    )
    text = page_text(client_for(world.trainee_a).get("/"))
    assert f"#feedback-{mine.pk}" in text
    assert f"#feedback-{theirs.pk}" not in text
    assert "ward 7 pilot" not in text


def test_the_overdue_trainees_show_only_to_their_own_supervisors_and_the_office(
    world, traineeship, client_for
):
    other_supervisor = UserFactory(full_name="Hans Hospital")
    other_trainee = UserFactory(full_name="Olaf Other")
    traineeship_for(
        world,
        other_trainee,
        hospital_supervisor=other_supervisor,
        university_supervisor=None,
        medical_doctor=None,
    )
    seen = {}
    for person in (
        world.supervisor_a,
        world.doctor_a,
        world.university_supervisor,
        other_supervisor,
        world.office,
        world.coordinator_b,
        world.trainee_a,
        world.applicant,
    ):
        response = client_for(person).get("/")
        assert response.status_code == 200
        overdue = [s for s in response.context["sections"] if s.kind == "feedback_overdue"]
        seen[person.full_name] = {
            traineeship.trainee.full_name
            for section in overdue
            for traineeship, _cadence in section.context["rows"]
        }
    assert seen["Sara Supervisor"] == {"Tim Trainee"}
    assert seen["Dirk Doctor"] == {"Tim Trainee"}
    assert seen["Ulla University"] == {"Tim Trainee"}
    assert seen["Hans Hospital"] == {"Olaf Other"}
    assert seen["Olga Office"] == {"Tim Trainee", "Olaf Other"}
    assert seen["Ben Coordinator"] == set()
    assert seen["Anna Applicant"] == set()
    assert seen["Tim Trainee"] == set()
