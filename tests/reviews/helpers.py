"""Reviews in each state: scheduled, self-assessed, recorded, signed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qme.feedback import services
from qme.feedback.models import Review, ReviewKind

ACTIONS = "Finish the alarm filter validation on ward 4 before the next review."


def first_progress(traineeship) -> Review:
    services.schedule_reviews(traineeship)
    return traineeship.reviews.filter(kind=ReviewKind.PROGRESS).order_by("due_on").first()


def go_no_go(traineeship) -> Review:
    services.schedule_reviews(traineeship)
    return traineeship.reviews.get(kind=ReviewKind.GO_NO_GO)


def record(review: Review, actor, **overrides: Any) -> Review:
    fields: dict[str, Any] = {"held_on": timezone.localdate(), "actions": ACTIONS}
    if review.kind == ReviewKind.GO_NO_GO:
        fields["continue_training"] = True
    else:
        fields["outcome"] = "satisfactory"
    fields.update(overrides)
    return services.record_review(actor=actor, review=review, **fields)


def sign_by_all(world, review: Review, signers=None) -> Review:
    for person in signers or (world.trainee_a, world.university_supervisor, world.supervisor_a):
        review = services.sign_review(actor=person, review=review)
    return review
