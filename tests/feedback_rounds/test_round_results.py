"""What the trainee sees of a round: who has not answered; in anonymous mode the answers only in
aggregate and only from three answers on; with names, each answer with its name."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from qme.feedback import services
from tests.factories import UserFactory
from tests.feedback_support import answer, competencies, snapshot, start, traineeship_for
from tests.helpers import page_text


def _page(client, feedback_round) -> str:
    response = client.get(f"/feedback/{feedback_round.traineeship_id}/rounds/{feedback_round.pk}/")
    assert response.status_code == 200
    return page_text(response)


def test_the_trainee_sees_who_has_not_answered(world, traineeship, client_for):
    feedback_round = start(world, traineeship, n=3)
    first, _second, _third = feedback_round.requests.order_by("name")
    answer(first)
    results = services.round_results(feedback_round)
    assert [r.name for r in results["pending"]] == ["Nurse 02", "Nurse 03"]
    assert (results["answered_count"], results["asked_count"]) == (1, 3)
    text = _page(client_for(world.trainee_a), feedback_round)
    assert "1 of 3 answered" in text
    assert "Nurse 02" in text
    assert "Nurse 03" in text
    assert "Nurse 01" not in text


def test_anonymous_answers_stay_hidden_until_three_people_answered(world, traineeship, client_for):
    feedback_round = start(world, traineeship, n=4)
    requests = list(feedback_round.requests.order_by("name"))
    client = client_for(world.trainee_a)
    for number, request in enumerate(requests[:2], start=1):
        answer(request, rating=number + 2, went_well=f"Secret praise number {number}.")
        results = services.round_results(feedback_round)
        assert results["visible"] is False
        assert results["averages"] == []
        assert results["comments"] == []
        text = _page(client, feedback_round)
        assert "Secret praise" not in text
        assert "once at least 3 people have answered" in text
    answer(requests[2], rating=5, went_well="Secret praise number 3.")
    results = services.round_results(feedback_round)
    assert results["visible"] is True
    assert [(c.pk, average, n) for c, average, n in results["averages"]] == [
        (c.pk, 4.0, 3) for c in feedback_round.competencies.order_by("area", "order")
    ]
    assert {c["went_well"] for c in results["comments"]} == {
        "Secret praise number 1.",
        "Secret praise number 2.",
        "Secret praise number 3.",
    }
    assert all(c["name"] is None for c in results["comments"])
    text = _page(client, feedback_round)
    assert "Secret praise number 1." in text
    # The only name left on the page is the one who has not answered.
    assert "Nurse 04" in text
    for request in requests[:3]:
        assert request.name not in text


def test_anonymous_comments_do_not_come_in_the_order_of_answering(world, traineeship):
    feedback_round = start(world, traineeship, n=3)
    for request, text in zip(
        feedback_round.requests.order_by("name"),
        ["Zebra crossing.", "Mango.", "Apple."],
        strict=True,
    ):
        answer(request, went_well=text)
    comments = services.round_results(feedback_round)["comments"]
    assert [c["went_well"] for c in comments] == ["Apple.", "Mango.", "Zebra crossing."]


def test_a_round_with_names_shows_each_answer_with_its_name_at_once(world, traineeship, client_for):
    feedback_round = start(world, traineeship, n=3, anonymous=False)
    answer(feedback_round.requests.get(name="Nurse 02"), rating=2, went_well="Named praise.")
    results = services.round_results(feedback_round)
    assert results["visible"] is True
    assert results["comments"] == [
        {
            "name": "Nurse 02",
            "went_well": "Named praise.",
            "to_improve": results["comments"][0]["to_improve"],
        }
    ]
    text = _page(client_for(world.trainee_a), feedback_round)
    assert "Named praise." in text
    assert "Nurse 02" in text


@pytest.mark.parametrize(
    "persona", ["university_supervisor", "supervisor_a", "doctor_a", "coordinator_a", "office"]
)
def test_those_who_follow_the_traineeship_see_the_round_with_the_same_rules(
    world, traineeship, client_for, persona
):
    feedback_round = start(world, traineeship, n=3)
    answer(feedback_round.requests.order_by("name").first(), went_well="Hidden praise.")
    text = _page(client_for(getattr(world, persona)), feedback_round)
    assert "Hidden praise." not in text
    assert "1 of 3 answered" in text


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_anyone_else_gets_404(world, traineeship, client_for, persona):
    feedback_round = start(world, traineeship, n=3)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(f"/feedback/{traineeship.pk}/rounds/{feedback_round.pk}/").status_code == 404
    assert client.get(f"/feedback/{traineeship.pk}/rounds/new/").status_code == 404
    assert client.post(f"/feedback/{traineeship.pk}/rounds/new/", {}).status_code == 404
    assert snapshot() == before


def test_a_round_is_found_only_under_its_own_traineeship(world, traineeship, client_for):
    other = UserFactory(full_name="Olga Other")
    other_traineeship = traineeship_for(world, other)
    feedback_round = start(world, traineeship, n=1)
    # Ulla supervises both trainees, yet the round belongs to Tim's traineeship only.
    client = client_for(world.university_supervisor)
    response = client.get(f"/feedback/{other_traineeship.pk}/rounds/{feedback_round.pk}/")
    assert response.status_code == 404
    client = client_for(other)
    assert client.get(f"/feedback/{traineeship.pk}/rounds/{feedback_round.pk}/").status_code == 404


def test_the_round_page_asks_to_sign_in_first(world, traineeship, client):
    feedback_round = start(world, traineeship, n=1)
    response = client.get(f"/feedback/{traineeship.pk}/rounds/{feedback_round.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_round_page_takes_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    small = start(world, traineeship, n=3, title="Small")
    answer(small.requests.order_by("name").first())
    large = start(world, traineeship, n=25, title="Large", competencies=competencies(1))
    for request in large.requests.order_by("name")[:12]:
        answer(request)
    client = client_for(world.trainee_a)
    counts = []
    for feedback_round in (small, large):
        cache.clear()  # each count with nothing kept from before (the navigation)
        with django_assert_max_num_queries(15) as captured:
            _page(client, feedback_round)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_feedback_page_lists_the_rounds(world, traineeship, client_for):
    start(world, traineeship, n=1, title="After the ICU project")
    response = client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/")
    assert "After the ICU project" in page_text(response)
