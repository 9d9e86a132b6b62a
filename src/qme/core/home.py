"""Each person's home page: one section per role they hold, contributed by the domain apps."""

from __future__ import annotations

from qme.accounts.models import User
from qme.feedback import home as feedback_home
from qme.organisations import home as organisations_home
from qme.organisations import roles
from qme.organisations.home import HomeSection
from qme.organisations.models import RoleKind
from qme.notifications import home as notifications_home
from qme.positions import home as positions_home
from qme.selection import home as selection_home
from qme.training import home as training_home


def home_sections(user: User) -> list[HomeSection]:
    kinds = roles.role_kinds(user)
    sections: list[HomeSection] = []
    if RoleKind.PROGRAMME_OFFICE in kinds:
        sections.append(positions_home.office_section(user))
        sections.append(notifications_home.office_section(user))
    if RoleKind.HOSPITAL_COORDINATOR in kinds:
        sections.append(positions_home.coordinator_section(user))
    for section in (
        training_home.trainee_section(user),
        feedback_home.received_section(user),
        feedback_home.overdue_section(user),
        training_home.supervisor_section(user),
    ):
        if section is not None:
            sections.append(section)
    committee = selection_home.committee_section(user)
    if committee is not None:
        sections.append(committee)
    applications = selection_home.applicant_section(user)
    if applications is not None:
        sections.append(applications)
    sections.extend(
        s
        for s in organisations_home.home_sections(user)
        if not (s.kind == "applicant" and applications is not None)
    )
    return sections
