"""The assessment pages: the office starts an assessment, each assessor scores on the page (blind
until submitting), and an assessor records the agreed judgement. Bad input shows a message and
stores nothing; never a server error."""

from __future__ import annotations

import pytest

from qme.feedback.models import Assessment, AssessmentScore, Assessor
from tests.feedback_support import snapshot
from tests.helpers import HOSTILE_TEXT, page_text

from .helpers import RATIONALE, agree, assess, criteria, score


def _path(assessment) -> str:
    return f"/feedback/{assessment.traineeship_id}/assessments/{assessment.pk}/"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _form(assessment, value="4", action="submit", **overrides) -> dict:
    data = {"action": action}
    for criterion in criteria(assessment):
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = f"About {criterion.name_en}."
    data.update(overrides)
    return data


def test_the_office_starts_an_assessment_on_the_page(world, traineeship, client_for, emails):
    client = client_for(world.office)
    page = client.get(f"/feedback/{traineeship.pk}/assessments/")
    form = page.context["form"]
    assert world.university_supervisor in form.fields["university_assessors"].queryset
    assert world.supervisor_a in form.fields["hospital_assessors"].queryset
    assert world.trainee_a not in form.fields["hospital_assessors"].queryset
    assert world.coordinator_b not in form.fields["hospital_assessors"].queryset
    with emails() as sent:
        response = client.post(
            f"/feedback/{traineeship.pk}/assessments/",
            {
                "deliverable": "design_report",
                "university_assessors": [world.university_supervisor.pk],
                "hospital_assessors": [world.supervisor_a.pk, world.doctor_a.pk],
            },
        )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response.url == _path(assessment)
    assert assessment.assessors.count() == 3
    assert len(sent) == 3


@pytest.mark.parametrize(
    "data",
    [
        {"deliverable": "poem"},
        {"university_assessors": []},
        {"hospital_assessors": []},
        {"hospital_assessors": ["not-a-number"]},
        {"hospital_assessors": ["99999999999999999999999"]},
        {"university_assessors": ["TRAINEE"]},
        {"hospital_assessors": ["COORDINATOR_B"]},
    ],
)
def test_a_bad_start_shows_what_is_wrong_and_stores_nothing(world, traineeship, client_for, data):
    data = {
        "deliverable": "design_report",
        "university_assessors": [world.university_supervisor.pk],
        "hospital_assessors": [world.supervisor_a.pk],
        **data,
    }
    for key, value in list(data.items()):
        if value == ["TRAINEE"]:
            data[key] = [world.trainee_a.pk]
        elif value == ["COORDINATOR_B"]:
            data[key] = [world.coordinator_b.pk]
    before = snapshot()
    response = client_for(world.office).post(f"/feedback/{traineeship.pk}/assessments/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before


def test_starting_the_same_deliverable_twice_shows_a_message(world, traineeship, client_for):
    assess(world, traineeship, "design_report")
    before = snapshot()
    response = client_for(world.office).post(
        f"/feedback/{traineeship.pk}/assessments/",
        {
            "deliverable": "design_report",
            "university_assessors": [world.university_supervisor.pk],
            "hospital_assessors": [world.supervisor_a.pk],
        },
    )
    assert response.status_code == 200
    assert "already has an assessment" in page_text(response)
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["trainee_a", "university_supervisor", "coordinator_a"])
def test_only_the_office_sees_the_form_to_start(world, traineeship, client_for, persona):
    client = client_for(getattr(world, persona))
    page = client.get(f"/feedback/{traineeship.pk}/assessments/")
    assert page.context["form"] is None
    before = snapshot()
    response = client.post(
        f"/feedback/{traineeship.pk}/assessments/",
        {
            "deliverable": "design_report",
            "university_assessors": [world.university_supervisor.pk],
            "hospital_assessors": [world.supervisor_a.pk],
        },
    )
    assert response.status_code == 200
    assert snapshot() == before


def test_an_assessor_scores_blind_on_the_page(world, traineeship, own_client):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    ulla = own_client(world.university_supervisor)
    page = ulla.get(_path(assessment))
    text = page_text(page)
    assert "Submit my assessment" in text
    assert "Sara Supervisor:" not in text  # her comments and scores stay hidden
    first = criteria(assessment)[0]
    draft = {"action": "save", f"score_{first.pk}": "3", f"comment_{first.pk}": "Draft."}
    assert ulla.post(_path(assessment), draft).status_code == 302
    page = ulla.get(_path(assessment))
    assert "Your assessment has been saved as a draft." in _messages(page)
    assert f'name="score_{first.pk}" value="3" checked' in page_text(page)
    # Submitting a half-filled form is refused and submits nothing.
    response = ulla.post(_path(assessment), {**draft, "action": "submit"})
    assert response.status_code == 200
    assert "Answer every criterion" in " ".join(_messages(response))
    assert Assessor.objects.get(user=world.university_supervisor).submitted_at is None
    # Complete, with one criterion that does not apply.
    response = ulla.post(_path(assessment), _form(assessment, **{f"score_{first.pk}": "0"}))
    assert response.status_code == 302
    assert (
        AssessmentScore.objects.get(
            assessor__user=world.university_supervisor, criterion=first
        ).value
        is None
    )
    page = page_text(ulla.get(_path(assessment)))
    assert "All assessments side by side" in page
    assert "Sara Supervisor" in page
    assert "Record the agreed final judgement" in page


def test_submitting_twice_from_two_tabs_changes_nothing(world, traineeship, client_for):
    assessment = assess(world, traineeship)
    client = client_for(world.university_supervisor)
    assert client.post(_path(assessment), _form(assessment, "4")).status_code == 302
    before = snapshot()
    response = client.post(_path(assessment), _form(assessment, "1"))
    assert response.status_code == 200
    assert "already submitted" in " ".join(_messages(response))
    assert snapshot() == before


@pytest.mark.parametrize(
    "value", ["6", "-1", "abc", "4.5", "99999999999999999999", " ", "²", "\x00"]
)
def test_a_score_off_the_scale_is_refused_not_taken_as_does_not_apply(
    world, traineeship, client_for, value
):
    assessment = assess(world, traineeship)
    first = criteria(assessment)[0]
    before = snapshot()
    for action in ("save", "submit"):
        response = client_for(world.university_supervisor).post(
            _path(assessment), _form(assessment, action=action, **{f"score_{first.pk}": value})
        )
        assert response.status_code == 200, (value, action)
        assert _messages(response)
    assert snapshot() == before


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_comments_never_break_the_page(world, traineeship, client_for, text):
    assessment = assess(world, traineeship)
    first = criteria(assessment)[0]
    client = client_for(world.university_supervisor)
    response = client.post(_path(assessment), _form(assessment, **{f"comment_{first.pk}": text}))
    assert response.status_code in (200, 302)
    for stored in AssessmentScore.objects.all():
        assert "\x00" not in stored.comment
        assert len(stored.comment) <= 5000
    page = client.get(_path(assessment))
    assert page.status_code == 200
    assert "<script>alert('x')</script>" not in page_text(page)


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "office", "doctor_a"])
def test_scores_and_the_judgement_from_anyone_but_an_assessor_are_refused(
    world, traineeship, client_for, persona
):
    assessment = assess(world, traineeship)
    before = snapshot()
    client = client_for(getattr(world, persona))
    for form in (
        _form(assessment),
        {"action": "agree", "artefact_grade": "3", "process_grade": "3"},
    ):
        response = client.post(_path(assessment), form)
        assert response.status_code == 403
        assert "Your roles do not allow this." in page_text(response)
    assert snapshot() == before


def test_the_judgement_is_recorded_on_the_page_and_shown_to_the_trainee(
    world, traineeship, own_client
):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    response = own_client(world.supervisor_a).post(
        _path(assessment),
        {"action": "agree", "artefact_grade": "4", "process_grade": "3", "rationale": RATIONALE},
    )
    assert response.status_code == 302
    trainee_page = page_text(own_client(world.trainee_a).get(_path(assessment)))
    assert "Final judgement" in trainee_page
    assert RATIONALE in trainee_page
    assert "Sara Supervisor:" not in trainee_page  # the individual scores stay with the assessors


@pytest.mark.parametrize(
    "data",
    [
        {"artefact_grade": "abc"},
        {"artefact_grade": ""},
        {"process_grade": "9"},
        {"process_grade": "99999999999999999999"},
        {"rationale": ""},
        {"rationale": "\x00"},
    ],
)
def test_a_bad_judgement_shows_a_message_and_stores_nothing(world, traineeship, client_for, data):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        _path(assessment),
        {
            "action": "agree",
            "artefact_grade": "4",
            "process_grade": "3",
            "rationale": RATIONALE,
            **data,
        },
    )
    assert response.status_code == 200
    assert _messages(response)
    assert snapshot() == before


def test_recording_the_judgement_twice_changes_nothing(world, traineeship, client_for):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    agree(assessment, world.university_supervisor)
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        _path(assessment),
        {
            "action": "agree",
            "artefact_grade": "1",
            "process_grade": "1",
            "rationale": "Changed my mind.",
        },
    )
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_anyone_else_gets_404(world, traineeship, client_for, persona):
    assessment = assess(world, traineeship)
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(_path(assessment)).status_code == 404
    assert client.post(_path(assessment), _form(assessment)).status_code == 404
    assert snapshot() == before


def test_an_assessment_is_found_only_under_its_own_traineeship(world, traineeship, client_for):
    from tests.factories import UserFactory
    from tests.feedback_support import traineeship_for

    other = traineeship_for(world, UserFactory(full_name="Olga Other"))
    assessment = assess(world, traineeship)
    client = client_for(world.university_supervisor)
    assert client.get(f"/feedback/{other.pk}/assessments/{assessment.pk}/").status_code == 404


def test_the_assessment_pages_take_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    assessment = assess(world, traineeship)
    client = client_for(world.university_supervisor)
    with django_assert_max_num_queries(20) as blank:
        client.get(_path(assessment))
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    with django_assert_max_num_queries(20) as scored:
        client.get(_path(assessment))
    assert len(scored) <= len(blank) + 2
    for deliverable in ("final_presentation", "artefact"):
        assess(world, traineeship, deliverable)
    office = client_for(world.office)
    with django_assert_max_num_queries(20):
        office.get(f"/feedback/{traineeship.pk}/assessments/")
