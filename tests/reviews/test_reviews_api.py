"""/api/v1/traineeships/{pk}/reviews and its actions: the same rules as the pages. A refusal is
409, a person without the right 403, a stranger 404, bad input 422; nothing stored then."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.training.models import TraineeshipStatus
from tests.feedback_support import snapshot
from tests.helpers import HOSTILE_TEXT, api

from .helpers import ACTIONS, first_progress, go_no_go, record, sign_by_all


def _reviews(traineeship) -> str:
    return f"traineeships/{traineeship.pk}/reviews"


def _record_payload(**overrides):
    return {
        "held_on": timezone.localdate().isoformat(),
        "outcome": "satisfactory",
        "actions": ACTIONS,
        **overrides,
    }


def test_the_list_plans_and_shows_the_reviews(world, traineeship, client_for):
    response = api(client_for(world.trainee_a), "GET", _reviews(traineeship))
    assert response.status_code == 200
    body = response.json()
    assert [r["kind"] for r in body].count("go_no_go") == 1
    assert len(body) == 8
    assert body[0]["period_start"] == traineeship.start_date.isoformat()


def test_a_whole_review_through_the_api(world, traineeship, client_for, own_client):
    review = first_progress(traineeship)
    base = f"{_reviews(traineeship)}/{review.pk}"
    response = api(
        own_client(world.trainee_a), "POST", f"{base}/self-assessment", {"text": "  Done a lot.  "}
    )
    assert response.status_code == 200
    assert response.json()["self_assessment"] == "Done a lot."
    response = api(
        own_client(world.doctor_a), "POST", f"{base}/record", _record_payload(outcome="extra_time")
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "extra_time"
    for person in (world.trainee_a, world.university_supervisor, world.doctor_a):
        response = api(own_client(person), "POST", f"{base}/sign")
        assert response.status_code == 200
    assert response.json()["hospital_signed_at"] is not None


def test_a_go_no_go_through_the_api(world, traineeship, own_client):
    review = go_no_go(traineeship)
    base = f"{_reviews(traineeship)}/{review.pk}"
    response = api(
        own_client(world.supervisor_a),
        "POST",
        f"{base}/record",
        _record_payload(outcome="", go=False),
    )
    assert response.status_code == 200
    assert response.json()["continue_training"] is False
    assert api(own_client(world.office), "POST", f"{base}/confirm").status_code == 409  # unsigned
    for person in (world.trainee_a, world.university_supervisor, world.supervisor_a):
        api(own_client(person), "POST", f"{base}/sign")
    assert api(own_client(world.supervisor_a), "POST", f"{base}/confirm").status_code == 403
    response = api(own_client(world.office), "POST", f"{base}/confirm")
    assert response.status_code == 200
    assert response.json()["confirmed_at"] is not None
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.DISCONTINUED
    # Twice: refused, nothing more happens.
    before = snapshot()
    assert api(own_client(world.office), "POST", f"{base}/confirm").status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize(
    ("persona", "action", "payload", "status"),
    [
        ("supervisor_a", "self-assessment", {"text": "Theirs."}, 403),
        ("coordinator_a", "self-assessment", {"text": "Theirs."}, 403),
        ("trainee_a", "record", "record", 403),
        ("office", "record", "record", 403),
        ("coordinator_a", "sign", None, 403),  # does not sign at all
        ("trainee_a", "sign", None, 409),  # not recorded yet
        ("trainee_a", "confirm", None, 403),
        ("office", "confirm", None, 409),  # a progress review
    ],
)
def test_what_is_not_yours_to_do_is_refused(
    world, traineeship, client_for, persona, action, payload, status
):
    review = first_progress(traineeship)
    if payload == "record":
        payload = _record_payload()
    before = snapshot()
    response = api(
        client_for(getattr(world, persona)),
        "POST",
        f"{_reviews(traineeship)}/{review.pk}/{action}",
        payload,
    )
    assert response.status_code == status, response.content
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_anyone_else_gets_404(world, traineeship, client_for, persona):
    review = first_progress(traineeship)
    client = client_for(getattr(world, persona))
    base = f"{_reviews(traineeship)}/{review.pk}"
    before = snapshot()
    assert api(client, "GET", _reviews(traineeship)).status_code == 404
    assert api(client, "POST", f"{base}/self-assessment", {"text": "x"}).status_code == 404
    assert api(client, "POST", f"{base}/record", _record_payload()).status_code == 404
    assert api(client, "POST", f"{base}/sign").status_code == 404
    assert api(client, "POST", f"{base}/confirm").status_code == 404
    assert snapshot() == before


def test_an_unknown_review_is_404(world, traineeship, client_for):
    client = client_for(world.trainee_a)
    response = api(client, "POST", f"{_reviews(traineeship)}/987654/sign")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"held_on": "not a date"},
        {"held_on": "2026-02-30"},
        {"held_on": None},
        {"held_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
        {"outcome": "excellent"},
        {"outcome": "x" * 31},
        {"actions": ""},
        {"actions": "   "},
        {"actions": "\x00"},
        {"actions": "x" * 10_001},
        {"go": "perhaps"},
    ],
)
def test_a_bad_record_is_422_and_stores_nothing(world, traineeship, client_for, payload):
    review = first_progress(traineeship)
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "POST",
        f"{_reviews(traineeship)}/{review.pk}/record",
        _record_payload(**payload),
    )
    assert response.status_code == 422, response.content
    assert snapshot() == before


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_self_assessments_are_stored_as_text_or_refused(
    world, traineeship, client_for, text
):
    review = first_progress(traineeship)
    response = api(
        client_for(world.trainee_a),
        "POST",
        f"{_reviews(traineeship)}/{review.pk}/self-assessment",
        {"text": text},
    )
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.json()["self_assessment"] == text.strip()


@pytest.mark.parametrize("body", ["not json", "[]", "{}", '{"text": 5}'])
def test_a_broken_body_is_refused(world, traineeship, client_for, body):
    review = first_progress(traineeship)
    before = snapshot()
    response = api(
        client_for(world.trainee_a),
        "POST",
        f"{_reviews(traineeship)}/{review.pk}/self-assessment",
        body,
    )
    assert response.status_code in (400, 422)
    assert snapshot() == before


def test_the_list_takes_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    client = client_for(world.trainee_a)
    api(client, "GET", _reviews(traineeship))
    with django_assert_max_num_queries(12) as few:
        api(client, "GET", _reviews(traineeship))
    for review in traineeship.reviews.all()[:3]:
        sign_by_all(world, record(review, world.university_supervisor))
    with django_assert_max_num_queries(12) as many:
        api(client, "GET", _reviews(traineeship))
    assert len(many) == len(few)
