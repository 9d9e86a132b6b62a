"""Each person's home page: one section per role they hold, contributed by the domain apps. Each
section lists what needs the person's action, each item linked to the page where it is done, in
a fixed number of queries whatever the size of the data. The definitions (what stalls, who is at
risk, who is ready to graduate) are in the docstrings of the apps' home modules.

Working the sections out takes 10 to 20 queries, some of which read many rows, on every visit
of the page people open most. So they are kept in the shared cache per person, language and
day (the versioned cache of `qme.reports.cache`) until a row of any model they read is written:
whoever changes something, the next visit of every home page shows it. `READS` names those
models; a test checks that it holds every table the sections read."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.feedback import home as feedback_home
from qme.feedback import models as feedback
from qme.graduation import home as graduation_home
from qme.graduation.models import BoardVote, GraduationCase
from qme.notifications import home as notifications_home
from qme.notifications.models import EmailDelivery
from qme.organisations import home as organisations_home
from qme.organisations import roles
from qme.organisations.home import HomeSection
from qme.organisations.models import Department, Organisation, Role, RoleKind
from qme.positions import home as positions_home
from qme.positions.models import Position, PositionRequest
from qme.reports import cache as versioned
from qme.selection import home as selection_home
from qme.selection import models as selection
from qme.training import home as training_home
from qme.training import models as training

#: Every model whose rows a home page's sections show or count.
READS = (
    User,
    ContentType,
    AuditEvent,
    Organisation,
    Department,
    Role,
    PositionRequest,
    Position,
    selection.Stage,
    selection.CommitteeMember,
    selection.Application,
    selection.ScoreSheet,
    selection.ConflictOfInterest,
    selection.Decision,
    selection.Offer,
    training.Curriculum,
    training.Curriculum.mandatory.through,
    training.Traineeship,
    training.TrainingPlan,
    training.PlanItem,
    training.ItemRecord,
    training.Leave,
    training.Extension,
    training.DesignProject,
    training.Milestone,
    feedback.ProgrammeSettings,
    feedback.Feedback,
    feedback.Round,
    feedback.Request,
    feedback.Review,
    feedback.Assessment,
    feedback.Assessor,
    GraduationCase,
    BoardVote,
    EmailDelivery,
)


@dataclass
class KeptSection:
    """A home section as the cache keeps it: its HTML for the page, and its data (the model
    instances of its lists) as a pickle that is only read back when something asks for it
    (reading it back took longer than the rest of a kept page)."""

    kind: str
    title: str
    html: str
    pickled_context: bytes = field(repr=False)

    @cached_property
    def context(self) -> dict[str, Any]:
        return pickle.loads(self.pickled_context)  # noqa: S301 - written by compute() below


def kept_home_sections(user: User) -> list[KeptSection]:
    """The person's home sections, rendered, from the cache while nothing they read has
    changed. A section's template sees only its `data` (no request, no form), so its HTML is
    the same for every visit of the same person in the same language."""

    def compute() -> list[KeptSection]:
        return [
            KeptSection(
                kind=section.kind,
                title=section.title,
                html=render_to_string(section.template, {"data": section.context}),
                pickled_context=pickle.dumps(section.context, pickle.HIGHEST_PROTOCOL),
            )
            for section in home_sections(user)
        ]

    return versioned.remember("home", READS, user.pk, compute)


def home_sections(user: User) -> list[HomeSection]:
    kinds = roles.role_kinds(user)
    sections: list[HomeSection] = []
    if RoleKind.PROGRAMME_OFFICE in kinds:
        sections.append(positions_home.office_section(user))
        sections.append(selection_home.office_section(user))
        sections.append(
            graduation_home.office_section(user, extra_groups=feedback_home.office_groups(user))
        )
        sections.append(notifications_home.office_section(user))
    if RoleKind.HOSPITAL_COORDINATOR in kinds:
        sections.append(positions_home.coordinator_section(user))
        for section in (
            selection_home.coordinator_section(user),
            graduation_home.coordinator_section(user),
        ):
            if section is not None:
                sections.append(section)
    if RoleKind.EXAMINATION_BOARD in kinds:
        sections.append(graduation_home.board_section(user))
    candidates = []
    if RoleKind.TRAINEE in kinds or not kinds:
        # Trainees, and graduates whose role has ended.
        candidates += [graduation_home.trainee_section(user), feedback_home.received_section(user)]
    candidates.append(feedback_home.asked_section(user))
    if kinds - {RoleKind.TRAINEE, RoleKind.PROGRAMME_OFFICE}:
        # Supervisors, doctors and assessors hold a role in a hospital or the university.
        candidates.append(
            training_home.supervisor_section(
                user, extra_groups=feedback_home.supervisor_groups(user)
            )
        )
    if kinds != {RoleKind.TRAINEE}:
        candidates.append(feedback_home.overdue_section(user))
    for section in candidates:
        if section is not None:
            sections.append(section)
    committee = selection_home.committee_section(user)
    if committee is not None:
        sections.append(committee)
    # Applicants hold no role (a trainee keeps the applications that led to the traineeship).
    applications = selection_home.applicant_section(user) if kinds <= {RoleKind.TRAINEE} else None
    if applications is not None:
        sections.append(applications)
    sections.extend(
        s
        for s in organisations_home.home_sections(user)
        if not (s.kind == "applicant" and applications is not None)
    )
    return sections
