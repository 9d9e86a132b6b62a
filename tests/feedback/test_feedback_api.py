"""The feedback API keeps the rules of the pages: the same readers, givers and responder; 422 for
vague feedback unless sent anyway; 409 for an ended traineeship; 403 and 404 as the pages."""

from __future__ import annotations

import pytest

from qme.accounts.services import create_api_token
from qme.feedback import services
from qme.feedback.models import Competency, Feedback, Framework, Response, Side
from qme.feedback.services import send_feedback_notices
from qme.training.models import TraineeshipStatus
from tests.factories import UserFactory
from tests.helpers import api

from .helpers import SPECIFIC, VAGUE, api_payload, competencies, give, snapshot, traineeship_for


def test_it_lists_the_competencies_of_the_current_framework(world, client_for):
    response = api(client_for(world.trainee_a), "get", "competencies")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 10
    assert {c["area"] for c in body} == {"content", "professional"}
    assert {"id", "name_nl", "name_en", "description_nl", "description_en"} <= set(body[0])


def test_it_lets_a_supervisor_give_feedback(world, traineeship, client_for, emails):
    chosen = competencies(3)
    with emails() as sent:
        response = api(
            client_for(world.supervisor_a),
            "post",
            f"traineeships/{traineeship.pk}/feedback",
            api_payload(chosen, rating=2),
        )
        assert sent == [], "the trainee is told by the worker's job"
        send_feedback_notices()
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["side"] == Side.HOSPITAL
    assert body["rating"] == 2
    assert body["author_id"] == world.supervisor_a.pk
    assert sorted(body["competency_ids"]) == sorted(c.pk for c in chosen)
    assert body["went_well"] == SPECIFIC["went_well"]
    assert Feedback.objects.get().pk == body["id"]
    assert [m.to for m in sent] == [[world.trainee_a.email]]


def test_it_works_with_an_api_token(world, traineeship, client):
    _token, raw = create_api_token(user=world.university_supervisor, name="notes app")
    response = api(
        client, "post", f"traineeships/{traineeship.pk}/feedback", api_payload(), token=raw
    )
    assert response.status_code == 201, response.content
    assert response.json()["side"] == Side.UNIVERSITY
    listed = api(client, "get", f"traineeships/{traineeship.pk}/feedback", token=raw)
    assert [f["id"] for f in listed.json()] == [response.json()["id"]]


def test_it_refuses_vague_feedback_with_422_unless_sent_anyway(world, traineeship, client_for):
    client = client_for(world.doctor_a)
    before = snapshot()
    response = api(client, "post", f"traineeships/{traineeship.pk}/feedback", api_payload(**VAGUE))
    assert response.status_code == 422
    detail = " ".join(d["msg"] for d in response.json()["detail"])
    assert "very short" in detail
    assert "example" in detail
    assert snapshot() == before
    response = api(
        client,
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(send_anyway=True, **VAGUE),
    )
    assert response.status_code == 201
    assert Feedback.objects.get().went_well == "Good job."


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "office"])
def test_it_answers_403_to_readers_who_may_not_give_feedback(
    world, traineeship, client_for, persona
):
    before = snapshot()
    response = api(
        client_for(getattr(world, persona)),
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(),
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_it_answers_404_to_anyone_else(world, traineeship, client_for, persona):
    feedback = give(world.supervisor_a, traineeship)
    client = client_for(getattr(world, persona))
    before = snapshot()
    for method, path, payload in [
        ("get", f"traineeships/{traineeship.pk}/feedback", None),
        ("get", f"traineeships/{traineeship.pk}/cadence", None),
        ("post", f"traineeships/{traineeship.pk}/feedback", api_payload()),
        ("post", f"feedback/{feedback.pk}/responses", {"body": "Hello there."}),
    ]:
        response = api(client, method, path, payload)
        assert response.status_code == 404, (method, path, response.content)
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona",
    ["trainee_a", "university_supervisor", "supervisor_a", "doctor_a", "coordinator_a", "office"],
)
def test_it_lists_the_feedback_to_those_who_follow_the_traineeship(
    world, traineeship, client_for, persona
):
    first = give(world.supervisor_a, traineeship)
    second = give(world.university_supervisor, traineeship, competencies=competencies(1))
    response = api(
        client_for(getattr(world, persona)), "get", f"traineeships/{traineeship.pk}/feedback"
    )
    assert response.status_code == 200
    assert [f["id"] for f in response.json()] == [second.pk, first.pk]  # newest first
    assert len(response.json()[0]["competency_ids"]) == 1


def test_it_answers_401_without_a_sign_in(world, traineeship, client):
    feedback = give(world.supervisor_a, traineeship)
    before = snapshot()
    assert api(client, "get", "competencies").status_code == 401
    assert api(client, "get", f"traineeships/{traineeship.pk}/feedback").status_code == 401
    assert (
        api(client, "post", f"traineeships/{traineeship.pk}/feedback", api_payload()).status_code
        == 401
    )
    assert (
        api(client, "post", f"feedback/{feedback.pk}/responses", {"body": "Hi."}).status_code == 401
    )
    assert snapshot() == before


@pytest.mark.parametrize("status", [TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED])
def test_it_answers_409_for_an_ended_traineeship(world, traineeship, client_for, status):
    traineeship.status = status
    traineeship.save()
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ended"
    assert snapshot() == before


def test_it_answers_404_for_an_unknown_traineeship_or_feedback(world, client_for):
    client = client_for(world.office)
    for method, path, payload in [
        ("get", "traineeships/999999/feedback", None),
        ("get", "traineeships/999999/cadence", None),
        ("post", "traineeships/999999/feedback", api_payload()),
        ("post", "feedback/999999/responses", {"body": "Hi."}),
    ]:
        assert api(client, method, path, payload).status_code == 404, path


def test_it_takes_only_competencies_of_the_current_framework(
    world, traineeship, client_for, framework
):
    old = list(framework.competencies.all()[:2])
    framework.is_current = False
    framework.save()
    newer = Framework.objects.create(version=2, is_current=True)
    Competency.objects.create(
        framework=newer, area="content", order=1, name_en="Safety", name_nl="Veiligheid"
    )
    client = client_for(world.supervisor_a)
    before = snapshot()
    response = api(client, "post", f"traineeships/{traineeship.pk}/feedback", api_payload(old))
    assert response.status_code == 422
    assert snapshot() == before
    assert [c["name_en"] for c in api(client, "get", "competencies").json()] == ["Safety"]


def test_it_lets_the_trainee_respond_and_tells_the_author(world, traineeship, client_for, emails):
    feedback = give(world.university_supervisor, traineeship)
    with emails() as sent:
        response = api(
            client_for(world.trainee_a),
            "post",
            f"feedback/{feedback.pk}/responses",
            {"body": "Thank you, I will bring the numbers."},
        )
    assert response.status_code == 201, response.content
    assert Response.objects.get().pk == response.json()["id"]
    assert [m.to for m in sent] == [[world.university_supervisor.email]]


@pytest.mark.parametrize(
    "persona", ["university_supervisor", "supervisor_a", "coordinator_a", "office"]
)
def test_it_answers_403_to_readers_who_are_not_the_trainee(world, traineeship, client_for, persona):
    feedback = give(world.supervisor_a, traineeship)
    before = snapshot()
    response = api(
        client_for(getattr(world, persona)),
        "post",
        f"feedback/{feedback.pk}/responses",
        {"body": "Not mine to answer."},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_another_trainee_cannot_see_or_answer(world, traineeship, client_for):
    other = UserFactory()
    traineeship_for(world, other)
    feedback = give(world.supervisor_a, traineeship)
    client = client_for(other)
    assert api(client, "get", f"traineeships/{traineeship.pk}/feedback").status_code == 404
    assert (
        api(client, "post", f"feedback/{feedback.pk}/responses", {"body": "Hi."}).status_code == 404
    )


def test_the_api_document_lists_the_feedback_endpoints(world, client_for):
    schema = client_for(world.office).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/competencies",
        "/api/v1/traineeships/{pk}/feedback",
        "/api/v1/traineeships/{pk}/cadence",
        "/api/v1/feedback/{pk}/responses",
    } <= paths
    assert services.current_framework()
