"""The review pages: everyone who follows the traineeship reads them; the trainee writes the
self-assessment, a supervisor records, the three sign and the programme office confirms, each
through the same page. Bad input shows a message and stores nothing; never a server error."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qme.feedback.models import Review
from qme.training.models import TraineeshipStatus
from tests.feedback_support import snapshot
from tests.helpers import HOSTILE_TEXT, page_text

from .helpers import ACTIONS, first_progress, go_no_go, record, sign_by_all

READERS = [
    "trainee_a",
    "university_supervisor",
    "supervisor_a",
    "doctor_a",
    "coordinator_a",
    "office",
]
STRANGERS = ["coordinator_b", "applicant", "board_member"]


def _path(review) -> str:
    return f"/feedback/{review.traineeship_id}/reviews/{review.pk}/"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("persona", READERS)
def test_those_who_follow_the_traineeship_read_the_reviews(world, traineeship, client_for, persona):
    review = first_progress(traineeship)
    client = client_for(getattr(world, persona))
    assert client.get(f"/feedback/{traineeship.pk}/reviews/").status_code == 200
    assert client.get(_path(review)).status_code == 200


@pytest.mark.parametrize("persona", STRANGERS)
def test_anyone_else_gets_404_and_changes_nothing(world, traineeship, client_for, persona):
    review = first_progress(traineeship)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(f"/feedback/{traineeship.pk}/reviews/").status_code == 404
    assert client.get(_path(review)).status_code == 404
    for data in (
        {"action": "self_assessment", "self_assessment": "Mine."},
        {
            "action": "record",
            "held_on": timezone.localdate().isoformat(),
            "outcome": "released",
            "actions": "Leave.",
        },
        {"action": "sign"},
        {"action": "confirm"},
    ):
        assert client.post(_path(review), data).status_code == 404
    assert snapshot() == before


def test_a_review_is_found_only_under_its_own_traineeship(world, traineeship, client_for):
    from tests.factories import UserFactory
    from tests.feedback_support import traineeship_for

    other = traineeship_for(world, UserFactory(full_name="Olga Other"))
    review = first_progress(traineeship)
    client = client_for(world.university_supervisor)  # supervises both
    assert client.get(f"/feedback/{other.pk}/reviews/{review.pk}/").status_code == 404


def test_the_pages_ask_to_sign_in_first(traineeship, client):
    review = first_progress(traineeship)
    for path in (f"/feedback/{traineeship.pk}/reviews/", _path(review)):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


def test_a_review_is_prepared_held_and_signed_through_the_page(world, traineeship, own_client):
    review = first_progress(traineeship)
    trainee = own_client(world.trainee_a)
    response = trainee.post(
        _path(review), {"action": "self_assessment", "self_assessment": "I validated the filter."}
    )
    assert response.status_code == 302
    page = trainee.get(_path(review))
    assert "I validated the filter." in page_text(page)
    assert "Your self-assessment has been saved." in _messages(page)

    supervisor = own_client(world.university_supervisor)
    page = supervisor.get(_path(review))
    assert 'name="outcome"' in page_text(page)
    response = supervisor.post(
        _path(review),
        {
            "action": "record",
            "held_on": timezone.localdate().isoformat(),
            "outcome": "targeted_training",
            "actions": ACTIONS,
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.outcome, review.recorded_by) == (
        "targeted_training",
        world.university_supervisor,
    )
    # Held: the trainee's self-assessment form is gone.
    assert 'name="self_assessment"' not in page_text(trainee.get(_path(review)))

    for person in (world.trainee_a, world.university_supervisor, world.supervisor_a):
        assert own_client(person).post(_path(review), {"action": "sign"}).status_code == 302
    review.refresh_from_db()
    assert review.is_final
    page = own_client(world.supervisor_a).get(_path(review))
    assert 'value="sign"' not in page_text(page)
    assert 'value="record"' not in page_text(page)


def test_a_go_no_go_is_decided_signed_and_confirmed_through_the_page(
    world, traineeship, own_client
):
    review = go_no_go(traineeship)
    supervisor = own_client(world.supervisor_a)
    assert 'name="decision"' in page_text(supervisor.get(_path(review)))
    response = supervisor.post(
        _path(review),
        {
            "action": "record",
            "held_on": timezone.localdate().isoformat(),
            "decision": "no_go",
            "actions": ACTIONS,
        },
    )
    assert response.status_code == 302
    for person in (world.trainee_a, world.university_supervisor, world.supervisor_a):
        own_client(person).post(_path(review), {"action": "sign"})
    office = own_client(world.office)
    assert 'value="confirm"' in page_text(office.get(_path(review)))
    assert office.post(_path(review), {"action": "confirm"}).status_code == 302
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.DISCONTINUED
    # Pressing confirm a second time (another tab) confirms nothing more.
    before = snapshot()
    response = office.post(_path(review), {"action": "confirm"})
    assert response.status_code == 200
    assert "already been confirmed" in " ".join(_messages(response))
    assert snapshot() == before


def test_signing_twice_from_two_tabs_shows_a_message(world, traineeship, client_for):
    review = record(first_progress(traineeship), world.university_supervisor)
    client = client_for(world.trainee_a)
    client.post(_path(review), {"action": "sign"})
    before = snapshot()
    response = client.post(_path(review), {"action": "sign"})
    assert response.status_code == 200
    assert "already signed" in " ".join(_messages(response))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("persona", "data", "status"),
    [
        ("university_supervisor", {"action": "self_assessment", "self_assessment": "Theirs."}, 403),
        ("coordinator_a", {"action": "self_assessment", "self_assessment": "Theirs."}, 403),
        (
            "trainee_a",
            {
                "action": "record",
                "held_on": "2020-01-01",
                "outcome": "satisfactory",
                "actions": "Me.",
            },
            403,
        ),
        (
            "coordinator_a",
            {"action": "record", "held_on": "2020-01-01", "outcome": "released", "actions": "Go."},
            403,
        ),
        ("office", {"action": "sign"}, 403),  # who does not sign at all: 403 with the reason
        ("supervisor_a", {"action": "confirm"}, 403),
        ("trainee_a", {"action": "confirm"}, 403),
    ],
)
def test_what_is_not_yours_to_do_is_refused(world, traineeship, client_for, persona, data, status):
    review = first_progress(traineeship)
    if data["action"] in ("sign", "confirm"):
        review = go_no_go(traineeship)
        sign_by_all(world, record(review, world.university_supervisor))
    before = snapshot()
    response = client_for(getattr(world, persona)).post(_path(review), data)
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"held_on": "not a date"},
        {"held_on": "2026-13-45"},
        {"held_on": ""},
        {"held_on": "9999-12-31"},
        {"outcome": "excellent"},
        {"outcome": ""},
        {"actions": ""},
        {"actions": "x" * 10_001},
        {"actions": "\x00nul"},
    ],
)
def test_a_bad_record_shows_a_message_and_stores_nothing(world, traineeship, client_for, data):
    review = first_progress(traineeship)
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        _path(review),
        {
            "action": "record",
            "held_on": timezone.localdate().isoformat(),
            "outcome": "satisfactory",
            "actions": ACTIONS,
            **data,
        },
    )
    assert response.status_code == 200
    assert _messages(response)
    assert snapshot() == before


@pytest.mark.parametrize("decision", ["", "maybe", "go,no_go"])
def test_a_go_no_go_without_a_clear_decision_stores_nothing(
    world, traineeship, client_for, decision
):
    review = go_no_go(traineeship)
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        _path(review),
        {
            "action": "record",
            "held_on": timezone.localdate().isoformat(),
            "decision": decision,
            "actions": ACTIONS,
        },
    )
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_self_assessments_never_break_the_page(world, traineeship, client_for, text):
    review = first_progress(traineeship)
    client = client_for(world.trainee_a)
    response = client.post(_path(review), {"action": "self_assessment", "self_assessment": text})
    assert response.status_code in (200, 302)
    review.refresh_from_db()
    assert "\x00" not in review.self_assessment
    assert len(review.self_assessment) <= 10_000
    page = client.get(_path(review))
    assert page.status_code == 200
    assert "<script>alert('x')</script>" not in page_text(page)


@pytest.mark.parametrize("action", ["", "delete", "sign\x00", None])
def test_an_unknown_action_changes_nothing(world, traineeship, client_for, action):
    review = record(first_progress(traineeship), world.university_supervisor)
    before = snapshot()
    data = {} if action is None else {"action": action}
    response = client_for(world.trainee_a).post(_path(review), data)
    assert response.status_code in (200, 302)
    assert snapshot() == before


def test_an_unknown_review_is_404(world, traineeship, client_for):
    client = client_for(world.trainee_a)
    assert client.get(f"/feedback/{traineeship.pk}/reviews/987654/").status_code == 404
    assert Review.objects.count() == 0
