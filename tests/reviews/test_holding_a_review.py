"""A review: the trainee writes a self-assessment, a supervisor records the outcome and the agreed
actions, and the trainee, the university supervisor and the hospital supervisor (or the doctor)
sign. A signed 'released' outcome ends the traineeship."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused, NotAllowed
from qme.feedback import services
from qme.feedback.models import Outcome
from qme.training.models import TraineeshipStatus
from tests.feedback_support import local, snapshot

from .helpers import ACTIONS, first_progress, record, sign_by_all

# --- The self-assessment ---


def test_the_trainee_writes_and_rewrites_a_self_assessment(world, traineeship):
    review = first_progress(traineeship)
    services.write_self_assessment(actor=world.trainee_a, review=review, text="  First draft.  ")
    review = services.write_self_assessment(
        actor=world.trainee_a, review=review, text="I validated the filter on ward 4."
    )
    review.refresh_from_db()
    assert review.self_assessment == "I validated the filter on ward 4."
    assert review.self_assessed_at is not None
    assert AuditEvent.objects.filter(action="review.self_assessed").count() == 2


@pytest.mark.parametrize(
    "persona", ["university_supervisor", "supervisor_a", "doctor_a", "coordinator_a", "office"]
)
def test_only_the_trainee_writes_the_self_assessment(world, traineeship, persona):
    review = first_progress(traineeship)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.write_self_assessment(
            actor=getattr(world, persona), review=review, text="Written for them."
        )
    assert snapshot() == before


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_self_assessment_is_refused(world, traineeship, text):
    review = first_progress(traineeship)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.write_self_assessment(actor=world.trainee_a, review=review, text=text)
    assert snapshot() == before


def test_the_self_assessment_is_closed_once_the_review_is_held(world, traineeship):
    review = first_progress(traineeship)
    record(review, world.university_supervisor)
    before = snapshot()
    with pytest.raises(ActionRefused):
        services.write_self_assessment(actor=world.trainee_a, review=review, text="Too late.")
    assert snapshot() == before


# --- Recording the outcome ---


@pytest.mark.parametrize("persona", ["university_supervisor", "supervisor_a", "doctor_a"])
@pytest.mark.parametrize("outcome", list(Outcome.values))
def test_a_supervisor_records_any_outcome(world, traineeship, emails, persona, outcome):
    review = first_progress(traineeship)
    with emails() as sent:
        review = record(review, getattr(world, persona), outcome=outcome)
    review.refresh_from_db()
    assert review.outcome == outcome
    assert review.actions == ACTIONS
    assert review.held_on == timezone.localdate()
    assert review.recorded_by == getattr(world, persona)
    assert review.continue_training is None
    assert [m.to for m in sent] == [[world.trainee_a.email]]
    # Recording alone ends nothing, not even 'released'.
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.ACTIVE


@pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "office", "board_member"])
def test_only_a_supervisor_records_the_review(world, traineeship, persona):
    review = first_progress(traineeship)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        record(review, getattr(world, persona))
    assert snapshot() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"outcome": ""},
        {"outcome": "excellent"},
        {"outcome": "SATISFACTORY"},
        {"actions": ""},
        {"actions": "   "},
    ],
)
def test_a_review_needs_an_outcome_and_actions(world, traineeship, overrides):
    review = first_progress(traineeship)
    before = snapshot()
    with pytest.raises(ValidationError):
        record(review, world.university_supervisor, **overrides)
    assert snapshot() == before


def test_a_review_cannot_be_held_in_the_future(world, traineeship, time_machine):
    review = first_progress(traineeship)
    time_machine.move_to(local(review.due_on), tick=False)
    before = snapshot()
    with pytest.raises(ValidationError):
        record(review, world.university_supervisor, held_on=review.due_on + dt.timedelta(days=1))
    assert snapshot() == before
    record(review, world.university_supervisor, held_on=review.due_on)
    review.refresh_from_db()
    assert review.held_on == review.due_on


def test_recording_again_asks_everyone_to_sign_again(world, traineeship):
    review = first_progress(traineeship)
    record(review, world.university_supervisor)
    services.sign_review(actor=world.trainee_a, review=review)
    services.sign_review(actor=world.university_supervisor, review=review)
    record(review, world.supervisor_a, outcome="targeted_training")
    review.refresh_from_db()
    assert review.outcome == "targeted_training"
    assert review.trainee_signed_at is None
    assert review.university_signed_at is None
    assert review.hospital_signed_at is None


def test_a_signed_review_can_no_longer_change(world, traineeship):
    review = sign_by_all(world, record(first_progress(traineeship), world.university_supervisor))
    assert review.is_final
    before = snapshot()
    with pytest.raises(ActionRefused):
        record(review, world.supervisor_a, outcome="extra_time")
    with pytest.raises(ActionRefused):
        services.write_self_assessment(actor=world.trainee_a, review=review, text="Later.")
    assert snapshot() == before


# --- Signing ---


def test_the_trainee_and_both_supervisors_sign(world, traineeship):
    review = record(first_progress(traineeship), world.university_supervisor)
    review = services.sign_review(actor=world.trainee_a, review=review)
    assert review.trainee_signed_at is not None
    assert not review.is_signed
    review = services.sign_review(actor=world.university_supervisor, review=review)
    assert review.university_signed_at is not None
    assert not review.is_signed
    review = services.sign_review(actor=world.supervisor_a, review=review)
    assert review.hospital_signed_at is not None
    assert review.is_signed
    assert review.is_final
    assert AuditEvent.objects.filter(action="review.signed").count() == 3


def test_the_doctor_may_sign_for_the_hospital(world, traineeship):
    review = record(first_progress(traineeship), world.university_supervisor)
    review = sign_by_all(
        world, review, [world.trainee_a, world.university_supervisor, world.doctor_a]
    )
    assert review.is_signed
    # The hospital has signed once; the hospital supervisor cannot sign again.
    with pytest.raises(ActionRefused):
        services.sign_review(actor=world.supervisor_a, review=review)


def test_nobody_signs_a_review_before_it_is_recorded(world, traineeship):
    review = first_progress(traineeship)
    before = snapshot()
    for person in (world.trainee_a, world.university_supervisor, world.supervisor_a):
        with pytest.raises(ActionRefused):
            services.sign_review(actor=person, review=review)
    assert snapshot() == before


def test_signing_twice_is_refused(world, traineeship):
    review = record(first_progress(traineeship), world.university_supervisor)
    services.sign_review(actor=world.trainee_a, review=review)
    before = snapshot()
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        services.sign_review(actor=world.trainee_a, review=review)
    assert refused.value.code == "already_signed"
    assert refused.value.message == "You have already signed this review."
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["coordinator_a", "office", "board_member", "coordinator_b"])
def test_others_do_not_sign(world, traineeship, persona):
    """A person without a seat is refused for who they are (403), not for the review's state."""
    review = record(first_progress(traineeship), world.university_supervisor)
    before = snapshot()
    with pytest.raises(NotAllowed):
        services.sign_review(actor=getattr(world, persona), review=review)
    assert snapshot() == before


def test_the_doctor_cannot_sign_again_for_the_hospital_side(world, traineeship):
    review = record(first_progress(traineeship), world.university_supervisor)
    services.sign_review(actor=world.supervisor_a, review=review)
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        services.sign_review(actor=world.doctor_a, review=review)
    assert refused.value.message == "The hospital side has already signed this review."


def test_a_signed_release_ends_the_traineeship(world, traineeship):
    review = record(first_progress(traineeship), world.supervisor_a, outcome="released")
    review = sign_by_all(world, review, [world.trainee_a, world.university_supervisor])
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.ACTIVE  # not until everyone has signed
    services.sign_review(actor=world.supervisor_a, review=review)
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.DISCONTINUED
    assert review.held_on.isoformat() in traineeship.status_reason


@pytest.mark.parametrize(
    "outcome", ["satisfactory", "targeted_training", "extra_time", "incomplete_evidence"]
)
def test_other_signed_outcomes_leave_the_traineeship_running(world, traineeship, outcome):
    sign_by_all(world, record(first_progress(traineeship), world.supervisor_a, outcome=outcome))
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.ACTIVE
