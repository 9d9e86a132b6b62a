"""Rows for the reports, made straight in the database: the reports only read them, and the
figures must be known exactly. `grow` adds a whole hospital's worth of everything, for the tests
that prove the number of queries does not grow with the data."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from qme.accounts.models import User
from qme.feedback.models import Feedback, Outcome, Review, ReviewKind, Side
from qme.graduation.models import CaseStatus, GraduationCase
from qme.organisations.models import Organisation
from qme.positions.models import Position, PositionRequest, PositionStatus, RequestStatus
from qme.selection.models import Application, ApplicationStatus, Decision, Offer
from qme.training.models import (
    ItemKind,
    ItemRecord,
    PlanItem,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)
from tests.factories import OrganisationFactory, UserFactory

_n = itertools.count(1)


def moment(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def request_at(
    hospital: Organisation,
    creator: User,
    *,
    university: Organisation | None = None,
    intended_start: dt.date | None = None,
    submitted: bool = True,
    status: str = RequestStatus.SUBMITTED,
) -> PositionRequest:
    return PositionRequest.objects.create(
        hospital=hospital,
        title=f"Design project {next(_n)}",
        created_by=creator,
        intended_start=intended_start,
        status=status if submitted else RequestStatus.DRAFT,
        submitted_at=timezone.now() if submitted else None,
        university=university,
    )


def position_at(
    hospital: Organisation, university: Organisation, creator: User, start: dt.date
) -> Position:
    request = request_at(
        hospital,
        creator,
        university=university,
        intended_start=start,
        status=RequestStatus.APPROVED,
    )
    return Position.objects.create(
        request=request,
        hospital=hospital,
        university=university,
        title_nl=request.title,
        title_en=request.title,
        description_nl="Omschrijving",
        description_en="Description",
        start_date=start,
        application_deadline=start - dt.timedelta(days=60),
        status=PositionStatus.SELECTION,
    )


def application_to(position: Position, *, submitted: bool = True) -> Application:
    return Application.objects.create(
        position=position,
        applicant=UserFactory(),
        status=ApplicationStatus.SUBMITTED if submitted else ApplicationStatus.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )


def offer_for(application: Application, proposer: User) -> Offer:
    decision = Decision.objects.create(
        position=application.position,
        candidate=application,
        rationale="The best candidate.",
        offer_deadline=timezone.localdate() + dt.timedelta(days=14),
        proposed_by=proposer,
    )
    return Offer.objects.create(
        decision=decision, application=application, deadline=decision.offer_deadline
    )


def traineeship_at(
    hospital: Organisation,
    university: Organisation,
    start: dt.date,
    *,
    status: str = TraineeshipStatus.ACTIVE,
    trainee: User | None = None,
    **people: User | None,
) -> Traineeship:
    return Traineeship.objects.create(
        trainee=trainee or UserFactory(),
        hospital=hospital,
        university=university,
        start_date=start,
        expected_end_date=start + dt.timedelta(days=730),
        status=status,
        **people,
    )


def plan_for(
    traineeship: Traineeship,
    items: list[tuple[str | int, dt.date, dt.date | None]],
    *,
    status: str = PlanStatus.APPROVED,
    version: int = 1,
) -> TrainingPlan:
    """A plan with items (EC, planned end, signed off on — or None)."""
    plan = TrainingPlan.objects.create(traineeship=traineeship, version=version, status=status)
    for ec, planned_end, signed_on in items:
        item = PlanItem.objects.create(
            plan=plan,
            kind=ItemKind.COURSE,
            title=f"Course {next(_n)}",
            ec=Decimal(ec),
            planned_start=planned_end - dt.timedelta(days=30),
            planned_end=planned_end,
        )
        if signed_on:
            ItemRecord.objects.create(
                traineeship=traineeship,
                item_key=item.key,
                title=item.title,
                completed_on=signed_on,
                status=RecordStatus.SIGNED_OFF,
            )
    return plan


def feedback_on(traineeship: Traineeship, author: User, side: str, day: dt.date) -> Feedback:
    return Feedback.objects.create(
        traineeship=traineeship,
        author=author,
        side=side,
        rating=4,
        went_well="You explained the pump alarms well.",
        to_improve="Speak more slowly at handover.",
        next_step="Lead the next handover.",
        given_at=moment(day),
    )


def review_of(traineeship: Traineeship, held_on: dt.date, outcome: str) -> Review:
    return Review.objects.create(
        traineeship=traineeship,
        kind=ReviewKind.PROGRESS,
        due_on=held_on,
        period_start=held_on - dt.timedelta(days=90),
        held_on=held_on,
        outcome=outcome,
    )


def graduate(traineeship: Traineeship, on: dt.date, proposer: User) -> GraduationCase:
    traineeship.status = TraineeshipStatus.COMPLETED
    traineeship.save(update_fields=["status"])
    return GraduationCase.objects.create(
        traineeship=traineeship,
        status=CaseStatus.GRANTED,
        proposed_by=proposer,
        proposed_at=moment(on - dt.timedelta(days=20)),
        decided_at=moment(on),
    )


def grow(world, hospitals: int = 1, *, region: str = "UT", at: Organisation | None = None) -> None:
    """Add hospitals (or, with `at`, that hospital as many times over) with a full pipeline
    each: requests, positions, applications, an offer, trainees with plans, feedback and
    reviews, and a graduate."""
    today = timezone.localdate()
    for _ in range(hospitals):
        hospital = at or OrganisationFactory(region=region)
        supervisor = UserFactory()
        request_at(hospital, world.office, intended_start=today)
        for start in (today - dt.timedelta(days=400), today - dt.timedelta(days=30)):
            position = position_at(hospital, world.university, world.office, start)
            applications = [application_to(position) for _ in range(3)]
            offer_for(applications[0], world.office)
            trainee = traineeship_at(
                hospital,
                world.university,
                start,
                university_supervisor=world.university_supervisor,
                hospital_supervisor=supervisor,
            )
            plan_for(
                trainee,
                [
                    (5, start + dt.timedelta(days=60), start + dt.timedelta(days=55)),
                    (10, start + dt.timedelta(days=200), None),
                ],
            )
            for days in (10, 20):
                feedback_on(
                    trainee,
                    world.university_supervisor,
                    Side.UNIVERSITY,
                    today - dt.timedelta(days=days),
                )
                feedback_on(trainee, supervisor, Side.HOSPITAL, today - dt.timedelta(days=days + 3))
            review_of(trainee, today - dt.timedelta(days=5), Outcome.SATISFACTORY)
        old = traineeship_at(hospital, world.university, today - dt.timedelta(days=900))
        graduate(old, today - dt.timedelta(days=100), world.office)
