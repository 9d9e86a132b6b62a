"""/api/v1/traineeships/{pk}/feedback-rounds: the trainee starts a round (201); the rounds list
the same results as the page, anonymous answers only in aggregate from three on. Bad payloads
are 422 and store nothing; others get 403 or 404; never a 500."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from qme.feedback.models import Round
from tests.feedback_support import answer, competencies, people, snapshot, start
from tests.helpers import HOSTILE_TEXT, api


def _payload(**overrides):
    data = {
        "title": "Six months on the ward",
        "anonymous": True,
        "competency_ids": [c.pk for c in competencies()],
        "respondents": [
            {"name": "Noor Nurse", "email": "noor@ward.example.org", "role": "nurse"},
            {"name": "Tom Technician", "email": "tom@ward.example.org", "language": "en"},
        ],
        "days_valid": 14,
    }
    data.update(overrides)
    return data


def _path(traineeship) -> str:
    return f"traineeships/{traineeship.pk}/feedback-rounds"


def test_the_trainee_starts_a_round(world, traineeship, client_for, emails):
    with emails() as sent:
        response = api(client_for(world.trainee_a), "POST", _path(traineeship), _payload())
    assert response.status_code == 201, response.content
    body = response.json()
    feedback_round = Round.objects.get()
    assert body["id"] == feedback_round.pk
    assert body["asked"] == 2
    assert body["answered"] == 0
    assert body["pending"] == ["Noor Nurse", "Tom Technician"]
    assert body["visible"] is False
    assert len(sent) == 2
    assert dict(feedback_round.requests.values_list("email", "role")) == {
        "noor@ward.example.org": "nurse",
        "tom@ward.example.org": "other",
    }


def test_the_list_keeps_anonymous_answers_hidden_until_three(world, traineeship, client_for):
    feedback_round = start(world, traineeship, n=3)
    requests = list(feedback_round.requests.order_by("name"))
    client = client_for(world.trainee_a)
    answer(requests[0], rating=2, went_well="Hidden until three.")
    answer(requests[1], rating=4)
    [listed] = api(client, "GET", _path(traineeship)).json()
    assert listed["answered"] == 2
    assert listed["pending"] == ["Nurse 03"]
    assert listed["visible"] is False
    assert listed["averages"] == []
    assert listed["comments"] == []
    assert "Hidden until three." not in str(listed)
    answer(requests[2], rating=3)
    [listed] = api(client, "GET", _path(traineeship)).json()
    assert listed["visible"] is True
    assert [a["average"] for a in listed["averages"]] == [3.0, 3.0]
    assert all(c["name"] is None for c in listed["comments"])


def test_the_list_shows_names_in_a_round_with_names(world, traineeship, client_for):
    feedback_round = start(world, traineeship, n=3, anonymous=False)
    answer(feedback_round.requests.get(name="Nurse 01"))
    [listed] = api(client_for(world.supervisor_a), "GET", _path(traineeship)).json()
    assert listed["visible"] is True
    assert [c["name"] for c in listed["comments"]] == ["Nurse 01"]


@pytest.mark.parametrize("persona", ["university_supervisor", "supervisor_a", "coordinator_a"])
def test_only_the_trainee_starts_a_round(world, traineeship, client_for, persona, emails):
    before = snapshot()
    with emails() as sent:
        response = api(client_for(getattr(world, persona)), "POST", _path(traineeship), _payload())
    assert response.status_code == 403
    assert snapshot() == before
    assert sent == []


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_anyone_else_gets_404(world, traineeship, client_for, persona):
    start(world, traineeship, n=1)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert api(client, "GET", _path(traineeship)).status_code == 404
    assert api(client, "POST", _path(traineeship), _payload()).status_code == 404
    assert snapshot() == before


def test_without_a_sign_in_it_is_401(traineeship, client):
    assert api(client, "GET", _path(traineeship)).status_code == 401
    assert api(client, "POST", _path(traineeship), _payload()).status_code == 401


def test_an_unknown_traineeship_is_404(world, client_for):
    assert (
        api(client_for(world.office), "GET", "traineeships/987654/feedback-rounds").status_code
        == 404
    )


def _bad_payloads():
    ok = _payload()
    person = ok["respondents"][0]
    return {
        "no title": {"title": ""},
        "a long title": {"title": "x" * 201},
        "no competencies": {"competency_ids": []},
        "six competencies": {"competency_ids": [1, 2, 3, 4, 5, 6]},
        "an unknown competency": {"competency_ids": [987_654]},
        "nobody": {"respondents": []},
        "twenty-six people": {"respondents": people(26)},
        "no name": {"respondents": [{"email": "x@example.org"}]},
        "no e-mail": {"respondents": [{"name": "Noor"}]},
        "an empty e-mail": {"respondents": [{"name": "Noor", "email": ""}]},
        "not an e-mail": {"respondents": [{"name": "Noor", "email": "noor"}]},
        "the same person twice": {"respondents": [person, {**person, "name": "Again"}]},
        "an unknown role": {"respondents": [{**person, "role": "spy"}]},
        "a number for a name": {"respondents": [{"name": 5, "email": "x@example.org"}]},
        "a list of strings": {"respondents": ["noor@example.org"]},
        "two days": {"days_valid": 2},
        "a year": {"days_valid": 365},
        "days as text": {"days_valid": "soon"},
        "anonymous as text": {"anonymous": "perhaps"},
        "a huge number": {"days_valid": 10**30},
    }


BAD_CASES = [
    "no title",
    "a long title",
    "no competencies",
    "six competencies",
    "an unknown competency",
    "nobody",
    "twenty-six people",
    "no name",
    "no e-mail",
    "an empty e-mail",
    "not an e-mail",
    "the same person twice",
    "an unknown role",
    "a number for a name",
    "a list of strings",
    "two days",
    "a year",
    "days as text",
    "anonymous as text",
    "a huge number",
]


def test_the_bad_cases_are_all_tried(db):
    assert sorted(_bad_payloads()) == sorted(BAD_CASES)


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_payload_is_422_and_stores_nothing(world, traineeship, client_for, emails, case):
    before = snapshot()
    with emails() as sent:
        response = api(
            client_for(world.trainee_a),
            "POST",
            _path(traineeship),
            _payload(**_bad_payloads()[case]),
        )
    assert response.status_code == 422, (case, response.status_code, response.content)
    assert snapshot() == before
    assert sent == []


@pytest.mark.parametrize("body", ["not json", "[]", "null", '{"title": ', "{}"])
def test_a_broken_body_is_422(world, traineeship, client_for, body):
    before = snapshot()
    response = api(client_for(world.trainee_a), "POST", _path(traineeship), body)
    assert response.status_code in (400, 422)
    assert snapshot() == before


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_is_stored_as_text_or_refused(world, traineeship, client_for, text):
    response = api(
        client_for(world.trainee_a),
        "POST",
        _path(traineeship),
        _payload(title=text, respondents=[{"name": text, "email": "eve@example.org"}]),
    )
    assert response.status_code in (201, 422), response.content
    if response.status_code == 201:
        assert response.json()["title"] == text.strip()[:200]


def test_the_list_takes_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    client = client_for(world.trainee_a)
    first = start(world, traineeship, n=3, title="First")
    answer(first.requests.order_by("name").first())
    cache.clear()  # the whole cost each time: nothing kept (the person's roles are)
    with django_assert_max_num_queries(20) as one:
        assert len(api(client, "GET", _path(traineeship)).json()) == 1
    for i in range(5):
        feedback_round = start(world, traineeship, n=4, title=f"Round {i}", anonymous=bool(i % 2))
        for request in feedback_round.requests.order_by("name")[:3]:
            answer(request)
    cache.clear()
    with django_assert_max_num_queries(20) as six:
        assert len(api(client, "GET", _path(traineeship)).json()) == 6
    assert len(six) == len(one)
