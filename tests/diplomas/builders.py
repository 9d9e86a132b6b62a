"""A complete record, made through the services the way people make it: the plan approved by
both supervisors, every item recorded and signed off, the design report assessed and agreed as
sufficient, and a progress review held as satisfactory and signed by all three. Then the
proposal, the board's votes, the decision and the diploma."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from qme.accounts.models import User
from qme.graduation import issuing, services
from qme.graduation.models import Diploma, GraduationCase
from qme.organisations.models import RoleKind
from qme.training.models import ItemRecord, PlanItem, Traineeship, TrainingPlan
from tests.assessment.helpers import agree, assess, score
from tests.factories import person_with_role
from tests.reviews.helpers import first_progress, record, sign_by_all
from tests.training.factories import (
    Catalogue,
    approved_plan,
    fresh,
    recorded,
    signed_off,
    traineeship_of,
)


@dataclass
class Record:
    traineeship: Traineeship
    plan: TrainingPlan

    def item(self, title: str) -> PlanItem:
        return self.plan.items.get(title=title)

    def item_of(self, catalogue_item) -> PlanItem:
        return self.plan.items.get(catalogue_item=catalogue_item)


def record_for(world, catalogue: Catalogue, **fields) -> Record:
    """A traineeship that started two years ago, with an approved plan (120 EC) and nothing
    signed off yet."""
    fields.setdefault("start", timezone.localdate() - dt.timedelta(days=730))
    traineeship = traineeship_of(world, **fields)
    return Record(traineeship, approved_plan(traineeship, catalogue))


def sign_off_all(record_: Record, *, except_: tuple[PlanItem, ...] = ()) -> list[ItemRecord]:
    skipped = {item.pk for item in except_}
    return [
        signed_off(record_.traineeship, item)
        for item in record_.plan.items.order_by("pk")
        if item.pk not in skipped
    ]


def record_only(record_: Record, item: PlanItem) -> ItemRecord:
    """Recorded by the trainee, waiting for the supervisor's sign-off."""
    return recorded(record_.traineeship, item)


def sufficient_assessment(world, traineeship: Traineeship, artefact: int = 4, process: int = 3):
    assessment = assess(world, traineeship)
    for person in (world.university_supervisor, world.supervisor_a):
        score(assessment, person)
    return agree(
        assessment, world.university_supervisor, artefact_grade=artefact, process_grade=process
    )


def signed_review(world, traineeship: Traineeship, outcome: str = "satisfactory"):
    review = record(first_progress(traineeship), world.university_supervisor, outcome=outcome)
    signers = (traineeship.trainee, world.university_supervisor, world.supervisor_a)
    return sign_by_all(world, review, signers)


def complete_record(world, catalogue: Catalogue, **fields) -> Record:
    record_ = record_for(world, catalogue, **fields)
    sign_off_all(record_)
    sufficient_assessment(world, record_.traineeship)
    signed_review(world, record_.traineeship)
    return record_


def second_board_member(world, **fields) -> User:
    """Bea, a second member of the examination board (the same person when asked again)."""
    existing = User.objects.filter(email=fields.get("email", "bea@example.org")).first()
    if existing is not None:
        return existing
    return person_with_role(
        RoleKind.EXAMINATION_BOARD,
        world.university,
        **{"full_name": "Bea Board", "email": "bea@example.org", **fields},
    )


def proposed(world, traineeship: Traineeship) -> GraduationCase:
    return services.propose(actor=fresh(world.office), traineeship=traineeship)


def granted(world, traineeship: Traineeship, members: list[User] | None = None) -> GraduationCase:
    """Proposed, two grant votes and the decision."""
    case = proposed(world, traineeship)
    members = members or [world.board_member, second_board_member(world)]
    for member in members:
        services.vote(actor=fresh(member), case=case, choice="grant")
    return services.decide(actor=fresh(members[0]), case=case)


def diploma_of(world, catalogue: Catalogue, **fields) -> Diploma:
    """A granted graduation and its diploma (issued by the decision, or here if it was not)."""
    record_ = complete_record(world, catalogue, **fields)
    case = granted(world, record_.traineeship)
    return issuing.issue_diploma(case=case)
