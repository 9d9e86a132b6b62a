"""The go/no-go review decides whether the trainee continues: recorded by a supervisor, signed by
the trainee and both supervisors, and confirmed by the programme office. A confirmed no-go ends
the traineeship."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.feedback import services
from qme.training.models import TraineeshipStatus
from tests.feedback_support import snapshot

from .helpers import first_progress, go_no_go, record, sign_by_all


def test_a_go_is_confirmed_and_the_trainee_continues(world, traineeship):
    review = record(go_no_go(traineeship), world.university_supervisor, continue_training=True)
    assert review.outcome == "satisfactory"
    assert review.continue_training is True
    review = sign_by_all(world, review)
    assert review.is_signed
    assert not review.is_final  # the programme office confirms first
    review = services.confirm_go_no_go(actor=world.office, review=review)
    assert review.confirmed_by == world.office
    assert review.is_final
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.ACTIVE
    assert AuditEvent.objects.filter(action="review.go_no_go_confirmed").count() == 1


def test_a_confirmed_no_go_ends_the_traineeship(world, traineeship):
    review = record(go_no_go(traineeship), world.supervisor_a, continue_training=False)
    assert review.outcome == "released"
    review = sign_by_all(world, review)
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.ACTIVE  # signed, not yet confirmed
    services.confirm_go_no_go(actor=world.office, review=review)
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.DISCONTINUED


def test_the_go_no_go_needs_a_decision(world, traineeship):
    review = go_no_go(traineeship)
    before = snapshot()
    with pytest.raises(ValidationError):
        record(review, world.university_supervisor, continue_training=None)
    assert snapshot() == before


def test_the_decision_is_confirmed_only_once_signed(world, traineeship):
    review = record(go_no_go(traineeship), world.university_supervisor)
    services.sign_review(actor=world.trainee_a, review=review)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.confirm_go_no_go(actor=world.office, review=review)
    assert refused.value.code == "not_signed"
    assert snapshot() == before


def test_the_decision_is_confirmed_once(world, traineeship):
    review = sign_by_all(world, record(go_no_go(traineeship), world.university_supervisor))
    services.confirm_go_no_go(actor=world.office, review=review)
    before = snapshot()
    with pytest.raises(ActionRefused) as refused:
        services.confirm_go_no_go(actor=world.office, review=review)
    assert refused.value.code == "already_confirmed"
    assert snapshot() == before


def test_a_confirmed_decision_can_no_longer_change(world, traineeship):
    review = sign_by_all(world, record(go_no_go(traineeship), world.university_supervisor))
    services.confirm_go_no_go(actor=world.office, review=review)
    before = snapshot()
    with pytest.raises(ActionRefused):
        record(review, world.supervisor_a, continue_training=False)
    assert snapshot() == before


def test_a_signed_but_unconfirmed_decision_can_be_recorded_again_and_signed_again(
    world, traineeship
):
    review = sign_by_all(world, record(go_no_go(traineeship), world.university_supervisor))
    review = record(review, world.supervisor_a, continue_training=False)
    assert not review.is_signed
    with pytest.raises(ActionRefused):
        services.confirm_go_no_go(actor=world.office, review=review)


@pytest.mark.parametrize(
    "persona", ["trainee_a", "university_supervisor", "supervisor_a", "doctor_a", "coordinator_a"]
)
def test_only_the_programme_office_confirms(world, traineeship, persona):
    review = sign_by_all(world, record(go_no_go(traineeship), world.university_supervisor))
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.confirm_go_no_go(actor=getattr(world, persona), review=review)
    assert snapshot() == before


def test_a_progress_review_is_not_confirmed(world, traineeship):
    review = sign_by_all(world, record(first_progress(traineeship), world.university_supervisor))
    before = snapshot()
    with pytest.raises(ActionRefused):
        services.confirm_go_no_go(actor=world.office, review=review)
    assert snapshot() == before


def test_a_progress_review_ignores_a_go_decision(world, traineeship):
    review = record(
        first_progress(traineeship),
        world.university_supervisor,
        outcome="extra_time",
        continue_training=False,
    )
    review.refresh_from_db()
    assert review.outcome == "extra_time"
    assert review.continue_training is None


def test_a_no_go_on_a_traineeship_that_already_ended_can_still_be_confirmed(world, traineeship):
    """The office ended the traineeship meanwhile: the decision is still confirmed and kept."""
    from qme.training import services as training

    review = sign_by_all(
        world, record(go_no_go(traineeship), world.university_supervisor, continue_training=False)
    )
    training.discontinue(actor=world.office, traineeship=traineeship, reason="Moved abroad.")
    review = services.confirm_go_no_go(actor=world.office, review=review)
    assert review.confirmed_at is not None
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.DISCONTINUED
    assert traineeship.status_reason == "Moved abroad."


def test_the_last_signature_of_a_release_counts_when_the_traineeship_already_ended(
    world, traineeship
):
    from qme.training import services as training

    review = record(first_progress(traineeship), world.supervisor_a, outcome="released")
    review = sign_by_all(world, review, [world.trainee_a, world.university_supervisor])
    training.discontinue(actor=world.office, traineeship=traineeship, reason="Moved abroad.")
    review = services.sign_review(actor=world.supervisor_a, review=review)
    assert review.is_signed
