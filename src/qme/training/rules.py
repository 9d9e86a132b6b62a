"""Who may see and do what with traineeships: the trainee, their supervisors and doctor, the
hospital's coordinator (to look), and the programme office."""

from __future__ import annotations

import rules

from qme.organisations import roles
from qme.organisations.models import RoleKind
from qme.organisations.rules import is_programme_office


@rules.predicate
def is_trainee_of(user, traineeship) -> bool:
    return traineeship is not None and user.is_authenticated and traineeship.trainee_id == user.pk


@rules.predicate
def supervises(user, traineeship) -> bool:
    return (
        traineeship is not None
        and user.is_authenticated
        and user.pk
        in (
            traineeship.university_supervisor_id,
            traineeship.hospital_supervisor_id,
            traineeship.medical_doctor_id,
        )
    )


@rules.predicate
def is_university_supervisor_of(user, traineeship) -> bool:
    return (
        traineeship is not None
        and user.is_authenticated
        and traineeship.university_supervisor_id == user.pk
    )


@rules.predicate
def is_hospital_supervisor_of(user, traineeship) -> bool:
    return (
        traineeship is not None
        and user.is_authenticated
        and user.pk
        in (
            traineeship.hospital_supervisor_id,
            traineeship.medical_doctor_id,
        )
    )


@rules.predicate
def coordinates_hospital_of(user, traineeship) -> bool:
    return traineeship is not None and traineeship.hospital_id in roles.organisation_ids(
        user, RoleKind.HOSPITAL_COORDINATOR
    )


rules.add_perm(
    "training.view_traineeship",
    is_programme_office | is_trainee_of | supervises | coordinates_hospital_of,
)
rules.add_perm("training.edit_plan", is_trainee_of)
rules.add_perm("training.approve_plan", is_university_supervisor_of | is_hospital_supervisor_of)
rules.add_perm("training.record_item", is_trainee_of)
rules.add_perm("training.sign_off", is_programme_office | supervises)
rules.add_perm("training.edit_project", is_trainee_of | supervises | is_programme_office)
rules.add_perm("training.manage_traineeship", is_programme_office)
rules.add_perm("training.manage_curriculum", is_programme_office)
