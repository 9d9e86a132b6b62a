"""The EngD design criteria: the designed artefact on five aspects with twelve criteria, the
design process on four, each on a five-point scale from fail to excellent. The trainee can read
them from the start, before any assessment exists."""

from __future__ import annotations

import pytest

from qme.feedback import services
from qme.feedback.models import AssessmentRubric
from tests.feedback_support import snapshot
from tests.helpers import page_text


def test_the_default_criteria_judge_artefact_and_process_separately(db):
    rubric = services.current_rubric()
    artefact = list(rubric.criteria.filter(part="artefact"))
    process = list(rubric.criteria.filter(part="process"))
    assert len(artefact) == 12
    assert len({c.aspect_en for c in artefact}) == 5
    assert len(process) == 4
    for criterion in [*artefact, *process]:
        assert criterion.name_en
        assert criterion.name_nl
        assert criterion.aspect_nl
        assert criterion.indicators_en
    assert [str(label) for label in services.SCALE.values()] == [
        "Fail",
        "Poor",
        "Sufficient",
        "Good",
        "Excellent",
    ]


def test_the_criteria_are_made_once(db):
    first = services.current_rubric()
    second = services.current_rubric()
    assert first == second
    assert AssessmentRubric.objects.count() == 1


def test_the_trainee_reads_the_criteria_from_the_start(world, traineeship, client_for):
    response = client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/design-criteria/")
    assert response.status_code == 200
    text = page_text(response)
    for criterion in services.current_rubric().criteria.all():
        assert criterion.name_en in text
    assert "1 = Fail" in text
    assert "5 = Excellent" in text
    assert "The designed artefact" in text
    assert "The design process" in text


def test_the_criteria_read_in_dutch(world, traineeship, client_for):
    world.trainee_a.language = "nl"
    world.trainee_a.save()
    response = client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/design-criteria/")
    text = page_text(response)
    assert "Probleemanalyse" in text
    assert "Problem analysis" not in text


@pytest.mark.parametrize(
    "persona",
    ["trainee_a", "university_supervisor", "supervisor_a", "doctor_a", "coordinator_a", "office"],
)
def test_those_who_follow_the_traineeship_read_the_criteria(
    world, traineeship, client_for, persona
):
    client = client_for(getattr(world, persona))
    assert client.get(f"/feedback/{traineeship.pk}/design-criteria/").status_code == 200
    assert client.get(f"/feedback/{traineeship.pk}/assessments/").status_code == 200


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_anyone_else_gets_404(world, traineeship, client_for, persona):
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(f"/feedback/{traineeship.pk}/design-criteria/").status_code == 404
    assert client.get(f"/feedback/{traineeship.pk}/assessments/").status_code == 404
    assert (
        client.post(
            f"/feedback/{traineeship.pk}/assessments/", {"deliverable": "artefact"}
        ).status_code
        == 404
    )
    assert snapshot() == before


def test_the_criteria_page_takes_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    client = client_for(world.trainee_a)
    client.get(f"/feedback/{traineeship.pk}/design-criteria/")
    with django_assert_max_num_queries(12):
        client.get(f"/feedback/{traineeship.pk}/design-criteria/")
