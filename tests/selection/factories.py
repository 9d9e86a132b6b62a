"""Applications, committees and whole procedures, made the way people make them: through the
services. `bulk_*` helpers skip the services for the many rows of the query-count tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from qme.accounts.models import User
from qme.organisations.models import RoleKind
from qme.positions import services as position_services
from qme.positions.models import Position
from qme.selection import services
from qme.selection.models import (
    Application,
    Criterion,
    Decision,
    ScoreSheet,
    Side,
    Stage,
    StageKind,
)
from tests.factories import UserFactory, person_with_role
from tests.positions.factories import PDF_BYTES, open_position, pdf_upload

__all__ = ["PDF_BYTES", "pdf_upload"]

DOCUMENTS = ("cv", "motivation", "diploma", "dutch_evidence")


def fresh(user: User) -> User:
    """The same person as a new object: the roles and committee seats cached on a person are
    per request, as in a real request."""
    return User.objects.get(pk=user.pk)


def eligible_fields(position: Position, **overrides: Any) -> dict[str, Any]:
    """Details of an applicant who meets every requirement of the position."""
    fields = {
        "phone": "+31 6 1234 5678",
        "city": "Zwolle",
        "master_field": "Biomedical Engineering",
        "master_university": "Delft University of Technology",
        "master_date": position.start_date - dt.timedelta(days=90),
        "master_completed": True,
        "dutch_level": "C1",
        "dutch_evidence_kind": "certificate",
        "dutch_certificate_date": timezone.localdate() - dt.timedelta(days=200),
    }
    fields.update(overrides)
    return fields


def applicant(full_name: str, **fields: Any) -> User:
    """Someone who signed up to apply: no roles."""
    slug = full_name.lower().replace(" ", ".").replace("ë", "e")
    return UserFactory(full_name=full_name, email=fields.pop("email", f"{slug}@example.net"))


def draft_application(
    position: Position,
    person: User,
    *,
    documents: tuple[str, ...] = DOCUMENTS,
    **overrides: Any,
) -> Application:
    """A draft with the details and documents given (by default: complete and eligible)."""
    application = services.start_application(actor=person, position=position)
    services.update_application(
        actor=person, application=application, changes=eligible_fields(position, **overrides)
    )
    for kind in documents:
        services.upload_document(
            actor=person, application=application, kind=kind, uploaded=pdf_upload(f"{kind}.pdf")
        )
    application.refresh_from_db()
    return application


def submitted_application(position: Position, person: User, **overrides: Any) -> Application:
    application = draft_application(position, person, **overrides)
    return services.submit_application(actor=person, application=application)


@dataclass
class Procedure:
    """A position with its committee and candidates."""

    world: Any
    position: Position
    uni_chair: User
    uni_member: User
    hos_chair: User
    hos_member: User
    candidates: list[Application] = field(default_factory=list)

    @property
    def members(self) -> list[User]:
        return [self.uni_chair, self.uni_member, self.hos_chair, self.hos_member]

    @property
    def chairs(self) -> list[User]:
        return [self.uni_chair, self.hos_chair]

    def stage(self, kind: str = StageKind.SCREENING) -> Stage:
        return Stage.objects.get(position=self.position, kind=kind)

    def criteria(self, kind: str = StageKind.SCREENING) -> list[Criterion]:
        return list(self.stage(kind).criteria.all())

    def refresh(self) -> None:
        self.position.refresh_from_db()
        for candidate in self.candidates:
            candidate.refresh_from_db()


def add_committee(world, position: Position) -> tuple[User, User, User, User]:
    """The committee of four: a chair and a member from the university and from the hospital."""
    uni_member = person_with_role(
        RoleKind.UNIVERSITY_SUPERVISOR,
        position.university,
        full_name="Umar Universiteit",
        email=f"umar.{position.pk}@example.org",
    )
    hospital = position.hospital
    if hospital == world.hospital_a:
        hos_chair, hos_member = world.supervisor_a, world.doctor_a
    else:
        hos_chair = person_with_role(RoleKind.HOSPITAL_SUPERVISOR, hospital)
        hos_member = person_with_role(RoleKind.MEDICAL_DOCTOR, hospital)
    uni_chair = world.university_supervisor
    for person, side, chair in (
        (uni_chair, Side.UNIVERSITY, True),
        (uni_member, Side.UNIVERSITY, False),
        (hos_chair, Side.HOSPITAL, True),
        (hos_member, Side.HOSPITAL, False),
    ):
        services.add_committee_member(
            actor=fresh(world.office), position=position, person=person, side=side, is_chair=chair
        )
    return uni_chair, uni_member, hos_chair, hos_member


CANDIDATE_NAMES = ("Anna Applicant", "Bram Bakker", "Chloë Claes", "Daan Dekker", "Eva Evers")


def procedure_for(world, *, candidates: int = 3, hospital=None, **position_changes) -> Procedure:
    """A published position (of hospital A unless told), a committee of four and submitted,
    eligible candidates; the first is the `applicant` persona when it is hospital A's."""
    request_fields = {"hospital": hospital} if hospital is not None else None
    position = open_position(world, request_fields=request_fields, **position_changes)
    committee = add_committee(world, position)
    people = []
    for i in range(candidates):
        if i == 0 and not Application.objects.filter(applicant=world.applicant).exists():
            people.append(world.applicant)
        else:
            name = CANDIDATE_NAMES[i % len(CANDIDATE_NAMES)]
            people.append(applicant(name, email=f"candidate{i}.{position.pk}@example.net"))
    applications = [submitted_application(position, person) for person in people]
    return Procedure(world, position, *committee, candidates=applications)


def close(world, position: Position) -> Position:
    """Applications close: the position is in selection."""
    return position_services.close_position(
        actor=fresh(world.office), position=position, reason="The deadline passed."
    )


def score(
    stage: Stage,
    application: Application,
    member: User,
    values: int | dict[str, int] = 3,
    *,
    submit: bool = True,
    justification: str = "Shown in the master's thesis.",
) -> ScoreSheet:
    """A member scores a candidate: one value for every criterion, or by criterion name."""
    scores = {}
    for criterion in stage.criteria.all():
        value = values if isinstance(values, int) else values.get(criterion.name_en, 3)
        scores[criterion.pk] = (value, f"{justification} ({member.full_name})")
    return services.save_scores(
        actor=fresh(member), stage=stage, application=application, scores=scores, submit=submit
    )


def shortlisted(proc: Procedure, *applications: Application) -> list[Application]:
    return services.shortlist(
        actor=fresh(proc.world.office), applications=list(applications or proc.candidates)
    )


def proposed_decision(
    proc: Procedure,
    *,
    candidate: Application | None = None,
    reserves: list[Application] | None = None,
    deadline_days: int = 14,
) -> Decision:
    """The committee proposes an offer to the first candidate, the others reserves in order.
    Closes the position and shortlists everyone first."""
    if proc.position.status == "open":
        close(proc.world, proc.position)
        proc.position.refresh_from_db()
    if any(a.status == "submitted" for a in Application.objects.filter(position=proc.position)):
        shortlisted(proc, *Application.objects.filter(position=proc.position, status="submitted"))
    proc.refresh()
    candidate = candidate or proc.candidates[0]
    if reserves is None:
        reserves = [a for a in proc.candidates if a.pk != candidate.pk]
    return services.propose_decision(
        actor=fresh(proc.hos_member),
        position=proc.position,
        candidate=candidate,
        reserves=reserves,
        rationale="Strongest design ability and clinical affinity.",
        offer_deadline=timezone.localdate() + dt.timedelta(days=deadline_days),
    )


def approved_decision(proc: Procedure, **kwargs: Any) -> Decision:
    decision = proposed_decision(proc, **kwargs)
    services.approve_decision(actor=fresh(proc.uni_chair), decision=decision)
    return services.approve_decision(actor=fresh(proc.hos_chair), decision=decision)
