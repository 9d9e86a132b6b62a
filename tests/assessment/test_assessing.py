"""Assessing a design deliverable: the programme office names at least two assessors, one of the
university and one of the hospital, each holding a role there. They score blind; submitting
needs an answer for every criterion and is final. After all have submitted, an assessor records
the agreed grades and the rationale."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.feedback import services
from qme.feedback.models import AssessmentScore, Assessor
from qme.organisations.models import RoleKind
from tests.factories import UserFactory, person_with_role
from tests.feedback_support import snapshot

from .helpers import RATIONALE, agree, assess, criteria, full_scores, score

# --- Naming the assessors ---


def test_the_office_names_the_assessors_and_they_are_told(world, traineeship, emails):
    with emails() as sent:
        assessment = assess(world, traineeship)
    assert assessment.rubric == services.current_rubric()
    assert {(a.user, a.side) for a in assessment.assessors.all()} == {
        (world.university_supervisor, "university"),
        (world.supervisor_a, "hospital"),
    }
    assert sorted(m.to[0] for m in sent) == sorted(
        [world.university_supervisor.email, world.supervisor_a.email]
    )
    assert f"/feedback/{traineeship.pk}/assessments/{assessment.pk}/" in sent[0].body
    assert AuditEvent.objects.filter(action="assessment.created").count() == 1


def test_more_than_two_assessors_may_assess(world, traineeship):
    assessment = assess(
        world,
        traineeship,
        assessors=[
            (world.university_supervisor, "university"),
            (world.supervisor_a, "hospital"),
            (world.doctor_a, "hospital"),
        ],
    )
    assert assessment.assessors.count() == 3


@pytest.mark.parametrize(
    "persona",
    ["trainee_a", "university_supervisor", "supervisor_a", "coordinator_a", "board_member"],
)
def test_only_the_programme_office_starts_an_assessment(world, traineeship, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.create_assessment(
            actor=getattr(world, persona),
            traineeship=traineeship,
            deliverable="design_report",
            assessors=[
                (world.university_supervisor, "university"),
                (world.supervisor_a, "hospital"),
            ],
        )
    assert snapshot() == before


def _bad_assessors(world):
    return {
        "one assessor": [(world.university_supervisor, "university")],
        "nobody": [],
        "two of the university": [
            (world.university_supervisor, "university"),
            (world.office, "university"),
        ],
        "two of the hospital": [(world.supervisor_a, "hospital"), (world.doctor_a, "hospital")],
        "the same person twice": [
            (world.university_supervisor, "university"),
            (world.university_supervisor, "hospital"),
            (world.supervisor_a, "hospital"),
        ],
        "a hospital assessor of another hospital": [
            (world.university_supervisor, "university"),
            (world.coordinator_b, "hospital"),
        ],
        "a university assessor without a university role": [
            (world.doctor_a, "university"),
            (world.supervisor_a, "hospital"),
        ],
        "someone without any role": [
            (world.university_supervisor, "university"),
            (world.applicant, "hospital"),
        ],
        "the trainee themselves": [
            (world.university_supervisor, "university"),
            (world.trainee_a, "hospital"),
        ],
    }


@pytest.mark.parametrize(
    "case",
    [
        "one assessor",
        "nobody",
        "two of the university",
        "two of the hospital",
        "the same person twice",
        "a hospital assessor of another hospital",
        "a university assessor without a university role",
        "someone without any role",
        "the trainee themselves",
    ],
)
def test_it_refuses_assessors_who_do_not_fit_and_stores_nothing(world, traineeship, emails, case):
    before = snapshot()
    with emails() as sent, pytest.raises(ValidationError):
        assess(world, traineeship, assessors=_bad_assessors(world)[case])
    assert snapshot() == before
    assert sent == []


def test_an_ended_role_does_not_count(world, traineeship):
    import datetime as dt

    from django.utils import timezone

    from qme.organisations.models import Role

    former = person_with_role(
        RoleKind.HOSPITAL_SUPERVISOR, world.hospital_a, full_name="Fay Former"
    )
    Role.objects.filter(user=former).update(
        starts_on=timezone.localdate() - dt.timedelta(days=400),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        assess(
            world,
            traineeship,
            assessors=[(world.university_supervisor, "university"), (former, "hospital")],
        )


def test_a_deliverable_is_assessed_once(world, traineeship):
    assess(world, traineeship, "design_report")
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        assess(world, traineeship, "design_report")
    assert refused.value.code == "duplicate"
    assert snapshot() == before
    assess(world, traineeship, "final_presentation")
    assess(world, traineeship, "artefact")


def test_an_unknown_deliverable_is_refused(world, traineeship):
    before = snapshot()
    with pytest.raises(ValidationError):
        assess(world, traineeship, "poem")
    assert snapshot() == before


# --- Scoring blind ---


def test_a_draft_is_kept_and_can_change_until_submitted(world, traineeship):
    assessment = assess(world, traineeship)
    first = criteria(assessment)[0]
    score(assessment, world.university_supervisor, submit=False, scores={first.pk: (2, " Weak. ")})
    score(assessment, world.university_supervisor, submit=False, scores={first.pk: (3, "Better.")})
    stored = AssessmentScore.objects.get()
    assert (stored.value, stored.comment) == (3, "Better.")
    assert Assessor.objects.get(user=world.university_supervisor).submitted_at is None


def test_submitting_needs_every_criterion_answered(world, traineeship):
    assessment = assess(world, traineeship)
    scores = full_scores(assessment)
    scores.pop(criteria(assessment)[-1].pk)
    before = snapshot()
    with pytest.raises(ValidationError):
        score(assessment, world.university_supervisor, scores=scores)
    assert snapshot() == before


def test_does_not_apply_counts_as_an_answer(world, traineeship):
    assessment = assess(world, traineeship)
    scores = full_scores(assessment)
    scores[criteria(assessment)[0].pk] = (None, "Not built as a device.")
    assessor = score(assessment, world.university_supervisor, scores=scores)
    assert assessor.submitted_at is not None
    assert AssessmentScore.objects.filter(value__isnull=True).count() == 1


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_a_score_outside_the_scale_is_refused(world, traineeship, value):
    assessment = assess(world, traineeship)
    scores = full_scores(assessment)
    scores[criteria(assessment)[0].pk] = (value, "")
    before = snapshot()
    with pytest.raises(ValidationError):
        score(assessment, world.university_supervisor, scores=scores, submit=False)
    assert snapshot() == before


def test_an_unknown_criterion_is_refused(world, traineeship):
    assessment = assess(world, traineeship)
    other_rubric_criterion = 987_654
    before = snapshot()
    with pytest.raises(ActionRefused):
        score(assessment, world.university_supervisor, scores={other_rubric_criterion: (4, "")})
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["trainee_a", "doctor_a", "office", "coordinator_a"])
def test_only_the_assessors_score(world, traineeship, persona):
    assessment = assess(world, traineeship)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        score(assessment, getattr(world, persona))
    assert snapshot() == before


def test_submitting_is_final(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.university_supervisor, 4)
    before = snapshot()
    for submit in (True, False):
        with pytest.raises(ActionRefused) as refused:
            score(assessment, world.university_supervisor, 1, submit=submit)
        assert refused.value.code == "already_submitted"
    assert snapshot() == before


def test_nobody_sees_another_assessors_scores_before_submitting_their_own(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)  # Sara submitted
    score(assessment, world.university_supervisor, 5, submit=False)  # Ulla has a draft
    ulla = services.assessment_view(assessment, world.university_supervisor)
    assert ulla["visible"] is False
    assert all(row["others"] == [] for row in ulla["rows"])
    assert all(row["own"].value == 5 for row in ulla["rows"])
    sara = services.assessment_view(assessment, world.supervisor_a)
    assert sara["visible"] is True
    # Sara sees her own submitted scores, never Ulla's draft.
    assert all(
        row["others"] == [("Sara Supervisor", 2, row["others"][0][2])] for row in sara["rows"]
    )


def test_after_submitting_an_assessor_sees_everyone_who_submitted(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 5)
    ulla = services.assessment_view(assessment, world.university_supervisor)
    assert ulla["everyone"] is True
    for row in ulla["rows"]:
        assert sorted((name, value) for name, value, _comment in row["others"]) == [
            ("Sara Supervisor", 2),
            ("Ulla University", 5),
        ]


@pytest.mark.parametrize("persona", ["office", "trainee_a", "coordinator_a", "doctor_a"])
def test_others_see_no_score_while_an_assessor_is_still_at_work(world, traineeship, persona):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    view = services.assessment_view(assessment, getattr(world, persona))
    assert view["visible"] is False
    assert all(row["own"] is None and row["others"] == [] for row in view["rows"])


def test_the_office_sees_every_score_once_all_have_submitted(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 5)
    view = services.assessment_view(assessment, world.office)
    assert view["visible"] is True
    assert all(len(row["others"]) == 2 for row in view["rows"])


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "doctor_a"])
def test_the_trainee_and_onlookers_never_see_the_individual_scores(world, traineeship, persona):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 5)
    agree(assessment, world.supervisor_a)
    view = services.assessment_view(assessment, getattr(world, persona))
    assert view["visible"] is False
    assert all(row["others"] == [] for row in view["rows"])


# --- The agreed judgement ---


def test_an_assessor_records_the_agreed_judgement(world, traineeship, emails):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    with emails() as sent:
        assessment = agree(assessment, world.university_supervisor)
    assert (assessment.artefact_grade, assessment.process_grade) == (4, 3)
    assert assessment.rationale == RATIONALE
    assert assessment.agreed_by == world.university_supervisor
    assert assessment.is_sufficient
    assert [m.to for m in sent] == [[world.trainee_a.email]]
    event = AuditEvent.objects.get(action="assessment.agreed")
    assert event.reason == RATIONALE


def test_a_fail_on_one_part_is_not_sufficient(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 2)
    score(assessment, world.university_supervisor, 2)
    assessment = agree(assessment, world.supervisor_a, artefact_grade=4, process_grade=2)
    assert not assessment.is_sufficient


def test_the_judgement_waits_until_everyone_submitted(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4, submit=False)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        agree(assessment, world.supervisor_a)
    assert refused.value.code == "not_all_submitted"
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["office", "trainee_a", "doctor_a", "coordinator_a"])
def test_only_an_assessor_records_the_judgement(world, traineeship, persona):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        agree(assessment, getattr(world, persona))
    assert snapshot() == before


def test_the_judgement_is_recorded_once(world, traineeship):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    agree(assessment, world.supervisor_a)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        agree(assessment, world.university_supervisor, artefact_grade=1)
    assert refused.value.code == "already_agreed"
    assert snapshot() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"artefact_grade": 0},
        {"process_grade": 6},
        {"rationale": ""},
        {"rationale": "   "},
        {"rationale": "\x00"},
    ],
)
def test_a_judgement_needs_grades_on_the_scale_and_a_rationale(world, traineeship, overrides):
    assessment = assess(world, traineeship)
    score(assessment, world.supervisor_a, 3)
    score(assessment, world.university_supervisor, 4)
    before = snapshot()
    with pytest.raises(ValidationError):
        agree(assessment, world.supervisor_a, **overrides)
    assert snapshot() == before


def test_an_assessor_elsewhere_holds_no_sway_over_this_assessment(world, traineeship):
    """Assessing one trainee gives no right on another trainee's assessment."""
    from tests.feedback_support import traineeship_for

    other = traineeship_for(world, UserFactory(full_name="Olga Other"))
    mine = assess(world, traineeship)
    theirs = assess(
        world,
        other,
        assessors=[(world.university_supervisor, "university"), (world.doctor_a, "hospital")],
    )
    before = snapshot()
    with pytest.raises(PermissionDenied):
        score(theirs, world.supervisor_a)
    assert snapshot() == before
    assert mine.pk != theirs.pk
