"""/api/v1/traineeships/{pk}/assessments: the list, the blind scores (GET), saving and submitting
scores (PUT) and the agreed judgement, with the same rules as the pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.feedback_support import snapshot
from tests.helpers import HOSTILE_TEXT, api

from .helpers import RATIONALE, assess, criteria, score


def _base(assessment) -> str:
    return f"traineeships/{assessment.traineeship_id}/assessments/{assessment.pk}"


def _scores(assessment, value=4, submit=True, **overrides):
    payload = {
        "scores": [
            {"criterion_id": c.pk, "value": value, "comment": f"On {c.name_en}."}
            for c in criteria(assessment)
        ],
        "submit": submit,
    }
    payload.update(overrides)
    return payload


def test_the_list_shows_the_assessments(world, traineeship, client_for):
    assess(world, traineeship, "design_report")
    assess(world, traineeship, "artefact")
    response = api(client_for(world.trainee_a), "GET", f"traineeships/{traineeship.pk}/assessments")
    assert response.status_code == 200
    body = response.json()
    assert sorted(a["deliverable"] for a in body) == ["artefact", "design_report"]
    assert all(a["rubric_version"] == 1 and a["agreed_at"] is None for a in body)


def test_scoring_blind_and_agreeing_through_the_api(world, traineeship, own_client):
    assessment = assess(world, traineeship)
    ulla, sara = own_client(world.university_supervisor), own_client(world.supervisor_a)
    # A draft of one criterion.
    first = criteria(assessment)[0]
    draft = {"scores": [{"criterion_id": first.pk, "value": None, "comment": "n/a"}]}
    response = api(ulla, "PUT", f"{_base(assessment)}/scores", draft)
    assert response.status_code == 200
    assert response.json()["submitted_at"] is None
    # Sara submits; Ulla still sees only her own draft.
    assert (
        api(sara, "PUT", f"{_base(assessment)}/scores", _scores(assessment, 2)).status_code == 200
    )
    rows = api(ulla, "GET", f"{_base(assessment)}/scores").json()
    assert rows[0]["own"] == {"value": None, "comment": "n/a"}
    assert all(row["all"] == [] for row in rows)
    # Submitting a partial set is refused.
    response = api(ulla, "PUT", f"{_base(assessment)}/scores", {**draft, "submit": True})
    assert response.status_code == 422
    # Now complete: both appear.
    response = api(ulla, "PUT", f"{_base(assessment)}/scores", _scores(assessment, 5))
    assert response.json()["submitted_at"] is not None
    rows = api(ulla, "GET", f"{_base(assessment)}/scores").json()
    assert all(sorted(s["value"] for s in row["all"]) == [2, 5] for row in rows)
    # Again: final.
    before = snapshot()
    response = api(ulla, "PUT", f"{_base(assessment)}/scores", _scores(assessment, 1))
    assert response.status_code == 409
    assert snapshot() == before
    # The judgement, once.
    judgement = {"artefact_grade": 4, "process_grade": 4, "rationale": RATIONALE}
    response = api(sara, "POST", f"{_base(assessment)}/judgement", judgement)
    assert response.status_code == 200
    assert response.json()["artefact_grade"] == 4
    assert api(ulla, "POST", f"{_base(assessment)}/judgement", judgement).status_code == 409


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "doctor_a", "office"])
def test_others_get_no_score_before_everyone_submitted(world, traineeship, client_for, persona):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    rows = api(client_for(getattr(world, persona)), "GET", f"{_base(assessment)}/scores").json()
    assert all(row["own"] is None and row["all"] == [] for row in rows)


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "doctor_a"])
def test_only_the_office_and_the_assessors_ever_see_individual_scores(
    world, traineeship, client_for, persona
):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 4)
    rows = api(client_for(getattr(world, persona)), "GET", f"{_base(assessment)}/scores").json()
    assert all(row["all"] == [] for row in rows)
    rows = api(client_for(world.office), "GET", f"{_base(assessment)}/scores").json()
    assert all(len(row["all"]) == 2 for row in rows)


@pytest.mark.parametrize(
    ("persona", "path", "method", "payload", "status"),
    [
        ("trainee_a", "scores", "PUT", "scores", 403),
        ("office", "scores", "PUT", "scores", 403),
        ("doctor_a", "scores", "PUT", "scores", 403),
        ("office", "judgement", "POST", "judgement", 403),
        ("trainee_a", "judgement", "POST", "judgement", 403),
    ],
)
def test_what_is_not_yours_to_do_is_refused(
    world, traineeship, client_for, persona, path, method, payload, status
):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 4)
    body = (
        _scores(assessment)
        if payload == "scores"
        else {"artefact_grade": 3, "process_grade": 3, "rationale": RATIONALE}
    )
    before = snapshot()
    response = api(client_for(getattr(world, persona)), method, f"{_base(assessment)}/{path}", body)
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_anyone_else_gets_404(world, traineeship, client_for, persona):
    assessment = assess(world, traineeship)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert api(client, "GET", f"traineeships/{traineeship.pk}/assessments").status_code == 404
    assert api(client, "GET", f"{_base(assessment)}/scores").status_code == 404
    assert api(client, "PUT", f"{_base(assessment)}/scores", _scores(assessment)).status_code == 404
    judgement = {"artefact_grade": 3, "process_grade": 3, "rationale": RATIONALE}
    assert api(client, "POST", f"{_base(assessment)}/judgement", judgement).status_code == 404
    assert snapshot() == before


def test_an_unknown_assessment_is_404(world, traineeship, client_for):
    client = client_for(world.university_supervisor)
    path = f"traineeships/{traineeship.pk}/assessments/987654/scores"
    assert api(client, "GET", path).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        "value 0",
        "value 6",
        "value text",
        "criterion text",
        "criterion huge",
        "comment NUL",
        "comment too long",
        "submit text",
        "scores not a list",
        "101 scores",
    ],
)
def test_bad_scores_are_422_and_store_nothing(world, traineeship, client_for, change):
    assessment = assess(world, traineeship)
    payload = _scores(assessment, submit=False)
    first = payload["scores"][0]
    if change == "value 0":
        first["value"] = 0
    elif change == "value 6":
        first["value"] = 6
    elif change == "value text":
        first["value"] = "good"
    elif change == "criterion text":
        first["criterion_id"] = "first"
    elif change == "criterion huge":
        first["criterion_id"] = 10**30
    elif change == "comment NUL":
        first["comment"] = "a\x00b"
    elif change == "comment too long":
        first["comment"] = "x" * 5001
    elif change == "submit text":
        payload["submit"] = "later"
    elif change == "scores not a list":
        payload["scores"] = {"1": 4}
    else:
        payload["scores"] = payload["scores"] * 7
    before = snapshot()
    response = api(
        client_for(world.university_supervisor), "PUT", f"{_base(assessment)}/scores", payload
    )
    assert response.status_code == 422, response.content
    assert snapshot() == before


def test_an_unknown_criterion_is_refused(world, traineeship, client_for):
    assessment = assess(world, traineeship)
    before = snapshot()
    response = api(
        client_for(world.university_supervisor),
        "PUT",
        f"{_base(assessment)}/scores",
        {"scores": [{"criterion_id": 987_654, "value": 3}]},
    )
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize(
    "judgement",
    [
        {"artefact_grade": 0},
        {"process_grade": 6},
        {"artefact_grade": "good"},
        {"rationale": ""},
        {"rationale": "  "},
        {"rationale": "\x00"},
        {"rationale": "x" * 10_001},
    ],
)
def test_a_bad_judgement_is_422(world, traineeship, client_for, judgement):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 4)
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "POST",
        f"{_base(assessment)}/judgement",
        {"artefact_grade": 3, "process_grade": 3, "rationale": RATIONALE, **judgement},
    )
    assert response.status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_comments_are_stored_as_text_or_refused(world, traineeship, client_for, text):
    assessment = assess(world, traineeship)
    payload = _scores(assessment, submit=False)
    payload["scores"][0]["comment"] = text
    response = api(
        client_for(world.university_supervisor), "PUT", f"{_base(assessment)}/scores", payload
    )
    assert response.status_code in (200, 422)


def test_the_lists_take_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    assessment = assess(world, traineeship)
    client = client_for(world.office)
    cache.clear()  # the whole cost each time: nothing kept (the person's roles are)
    with django_assert_max_num_queries(10) as one:
        api(client, "GET", f"traineeships/{traineeship.pk}/assessments")
    assess(world, traineeship, "artefact")
    assess(world, traineeship, "final_presentation")
    cache.clear()
    with django_assert_max_num_queries(10) as three:
        api(client, "GET", f"traineeships/{traineeship.pk}/assessments")
    assert len(three) == len(one)
    with django_assert_max_num_queries(12) as blank:
        api(client, "GET", f"{_base(assessment)}/scores")
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 4)
    with django_assert_max_num_queries(12) as scored:
        api(client, "GET", f"{_base(assessment)}/scores")
    assert len(scored) == len(blank)
