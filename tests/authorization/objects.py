"""The objects the authorization matrix points at: for each kind, one of the person's own side
(hospital A, Tim Trainee, Anna Applicant) and one of the other side (hospital B, another trainee,
another applicant). Built once per test module through the services, the way people make them.

Most objects are far along their way (a request submitted, a position in selection with an
approved decision, a graduated traineeship), so the pages show everything. The API's writes also
get objects still open to them (a draft request, an open position and a draft application, a
decision waiting for the chairs, a traineeship in progress with a draft plan, a recorded item, a
review not yet held and a design assessment not yet scored), so the matrix proves that the
allowed people can make the change, not only that the others cannot."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.accounts.models import ApiToken, User
from qme.feedback import services as feedback_services
from qme.feedback.models import Assessment, Review, ReviewKind
from qme.notifications.models import EmailDelivery, EmailStatus, Notification
from qme.organisations.models import Organisation, RoleKind
from qme.positions import services as position_services
from qme.selection.models import Offer
from qme.training import services as training_services
from qme.training.models import ItemRecord
from tests.conftest import build_world
from tests.factories import DepartmentFactory, UserFactory, person_with_role
from tests.positions.factories import PDF_BYTES, approved_position, draft_request, open_position
from tests.privacy.builders import graduate_record
from tests.selection.factories import (
    approved_decision,
    draft_application,
    procedure_for,
    proposed_decision,
)
from tests.training.factories import (
    approved_plan,
    catalogue_for,
    recorded,
    rules_for,
    traineeship_of,
)

#: The roles of the matrix, in the order of its columns.
ROLES = (
    "anon",
    "office",
    "coord",
    "doctor",
    "hsup",
    "usup",
    "cttee",
    "board",
    "trainee",
    "appl",
)


@dataclass
class Side:
    """Everything of one side: a hospital, its people, a request, a position in selection with a
    decision and an offer, a graduated traineeship with its whole record."""

    hospital: Organisation
    department: Any
    person: User
    role: Any
    coordinator: User
    request: Any
    comment: Any
    attachment: Any
    position: Any
    procedure: Any
    application: Any
    offer: Any
    decision: Any
    stage: Any
    criterion: Any
    member: Any
    traineeship: Any
    plan: Any
    item: Any
    record: Any
    deliverable: Any
    feedback: Any
    round: Any
    feedback_request: Any
    review: Any
    assessment: Any
    case: Any
    diploma: Any
    applicant: User
    trainee: User
    # Still open to the API's writes:
    draft_request: Any
    draft_position: Any  # approved, not yet published
    open_position: Any
    draft_application: Any  # the applicant's, to the open position
    proposed_decision: Any  # of a second procedure, waiting for both chairs
    scoring_stage: Any  # its screening stage ...
    scoring_candidate: Any  # ... and a shortlisted candidate no one has scored yet
    live_traineeship: Any  # the trainee's traineeship in progress (the first one graduated)
    live_plan: Any  # a draft new version of its approved plan
    live_item: Any  # an item of the draft
    open_item: Any  # an item of the approved plan not yet recorded
    live_record: Any  # a recorded item waiting for sign-off
    live_review: Any  # the first progress review, not yet held
    live_assessment: Any  # the design assessment, not yet scored


def _live(world, catalogue, hospital, applicant) -> dict[str, Any]:
    """The objects of a side still open to the API's writes (see Side)."""
    request = draft_request(world, hospital=hospital, title="Fewer pressure ulcers on the ICU")
    draft_position = approved_position(world, hospital=hospital)
    position = open_position(world, request_fields={"hospital": hospital})
    application = draft_application(position, applicant)
    second = procedure_for(world, candidates=2, hospital=hospital)
    decision = proposed_decision(second)
    traineeship = traineeship_of(world)
    approved = approved_plan(traineeship, catalogue)
    first, second_item = approved.items.order_by("pk")[:2]
    record = recorded(traineeship, first)
    plan = training_services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
    feedback_services.schedule_reviews(traineeship)
    review = traineeship.reviews.filter(kind=ReviewKind.PROGRESS).order_by("due_on").first()
    assessment = feedback_services.create_assessment(
        actor=world.office,
        traineeship=traineeship,
        deliverable="design_report",
        assessors=[(world.university_supervisor, "university"), (world.supervisor_a, "hospital")],
    )
    return {
        "draft_request": request,
        "draft_position": draft_position,
        "open_position": position,
        "draft_application": application,
        "proposed_decision": decision,
        "scoring_stage": second.stage(),
        "scoring_candidate": second.candidates[-1],
        "live_traineeship": traineeship,
        "live_plan": plan,
        "live_item": plan.items.get(key=second_item.key),
        "open_item": second_item,
        "live_record": record,
        "live_review": review,
        "live_assessment": assessment,
    }


@dataclass
class Data:
    world: Any
    users: dict[str, User | None]
    own: Side
    other: Side
    delivery: EmailDelivery
    other_person: User  # coordinator of hospital B: owner of the "other" personal objects

    def side(self, which: str) -> Side:
        return self.own if which == "own" else self.other


def _side(world, catalogue) -> Side:
    hospital = world.hospital_a
    department = DepartmentFactory(organisation=hospital, name=f"Radiology {hospital.short_name}")
    request = draft_request(world, hospital=hospital)
    attachment = position_services.add_attachment(
        actor=world.coordinator_a,
        request=request,
        uploaded=SimpleUploadedFile("budget.pdf", PDF_BYTES, "application/pdf"),
    )
    request = position_services.submit_request(actor=world.coordinator_a, request=request)
    comment = position_services.add_comment(
        actor=world.office, request=request, body="Who supervises the trainee day to day?"
    )
    procedure = procedure_for(world, candidates=2, hospital=hospital)
    decision = approved_decision(procedure)
    application = procedure.candidates[0]
    offer = Offer.objects.filter(application=application).first()
    stage = procedure.stage()
    graduate = graduate_record(world, catalogue)
    traineeship = graduate.traineeship
    plan = traineeship.plans.order_by("-pk").first()
    record = ItemRecord.objects.filter(traineeship=traineeship).order_by("pk").first()
    review = Review.objects.filter(traineeship=traineeship).order_by("pk").first()
    doctor = world.doctor_a
    live = _live(world, catalogue, hospital, application.applicant)
    return Side(
        hospital=hospital,
        department=department,
        person=doctor,
        role=doctor.roles.get(),
        coordinator=world.coordinator_a,
        request=request,
        comment=comment,
        attachment=attachment,
        position=procedure.position,
        procedure=procedure,
        application=application,
        offer=offer,
        decision=decision,
        stage=stage,
        criterion=stage.criteria.first(),
        member=procedure.position.committee.get(user=procedure.uni_member),
        traineeship=traineeship,
        plan=plan,
        item=plan.items.get(key=record.item_key),
        record=record,
        deliverable=graduate.deliverable,
        feedback=graduate.feedback,
        round=graduate.anonymous_round,
        feedback_request=graduate.anonymous_round.requests.first(),
        review=review,
        assessment=Assessment.objects.filter(traineeship=traineeship).first(),
        case=graduate.diploma.case,
        diploma=graduate.diploma,
        applicant=application.applicant,
        trainee=traineeship.trainee,
        **live,
    )


def build() -> Data:
    """Both sides, and the people of the matrix's columns."""
    world = build_world()
    catalogue = catalogue_for()
    rules_for(catalogue)
    own = _side(world, catalogue)
    hospital_b = world.hospital_b
    world_b = dataclasses.replace(
        world,
        hospital_a=hospital_b,
        coordinator_a=world.coordinator_b,
        doctor_a=person_with_role(
            RoleKind.MEDICAL_DOCTOR, hospital_b, full_name="Bea Doctor", email="bea.b@example.org"
        ),
        supervisor_a=person_with_role(
            RoleKind.HOSPITAL_SUPERVISOR,
            hospital_b,
            full_name="Bob Supervisor",
            email="bob.b@example.org",
        ),
        university_supervisor=person_with_role(
            RoleKind.UNIVERSITY_SUPERVISOR,
            world.university,
            full_name="Victor University",
            email="victor@example.org",
        ),
        trainee_a=person_with_role(
            RoleKind.TRAINEE, hospital_b, full_name="Toon Trainee", email="toon@example.org"
        ),
        applicant=UserFactory(full_name="Bram Applicant", email="bram@example.org"),
    )
    other = _side(world_b, catalogue)
    delivery = EmailDelivery.objects.create(
        recipient=world.doctor_a,
        to=world.doctor_a.email,
        subject="Sign-off requested",
        body="Please sign off.",
        status=EmailStatus.FAILED,
    )
    users: dict[str, User | None] = {
        "anon": None,
        "office": world.office,
        "coord": world.coordinator_a,
        "doctor": world.doctor_a,
        "hsup": world.supervisor_a,
        "usup": world.university_supervisor,
        "cttee": own.member.user,
        "board": world.board_member,
        "trainee": world.trainee_a,
        "appl": world.applicant,
    }
    for user in [u for u in users.values() if u] + [world.coordinator_b]:
        if not Notification.objects.filter(recipient=user).exists():
            Notification.objects.create(
                recipient=user,
                kind="test",
                title="Look at this",
                link="/",
                created_at=timezone.now(),
            )
    return Data(world, users, own, other, delivery, world.coordinator_b)


def token_of(user: User) -> ApiToken:
    token = ApiToken.objects.filter(user=user, revoked_at=None).first()
    if token is None:
        raw = ApiToken.new_raw_token()
        token = ApiToken.objects.create(
            user=user, name="matrix", key_hash=ApiToken.hash(raw), hint=raw[-4:]
        )
    return token


def content_type_of(model) -> int:
    return ContentType.objects.get_for_model(model).pk
