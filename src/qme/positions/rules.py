"""Who may see and do what with position requests and positions. Twins in selectors.py."""

from __future__ import annotations

import rules

from qme.organisations import roles
from qme.organisations.models import RoleKind
from qme.organisations.rules import is_programme_office


@rules.predicate
def coordinates_hospital_of(user, obj) -> bool:
    if obj is None:
        return False
    return obj.hospital_id in roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)


@rules.predicate
def is_hospital_coordinator(user) -> bool:
    return bool(roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR))


@rules.predicate
def is_named_on_request(user, request) -> bool:
    """The doctor and the supervisors named on a request read it: their e-mails link to it."""
    if request is None or not user.is_authenticated:
        return False
    return user.pk in (
        request.medical_doctor_id,
        request.hospital_supervisor_id,
        request.university_supervisor_id,
    )


@rules.predicate
def is_editable(user, request) -> bool:
    return request is not None and request.is_editable


rules.add_perm("positions.create_request", is_hospital_coordinator)
rules.add_perm("positions.list_requests", is_programme_office | is_hospital_coordinator)
rules.add_perm(
    "positions.view_request",
    is_programme_office | coordinates_hospital_of | is_named_on_request,
)
rules.add_perm("positions.edit_request", coordinates_hospital_of & is_editable)
rules.add_perm("positions.submit_request", coordinates_hospital_of)
rules.add_perm("positions.withdraw_request", coordinates_hospital_of)
rules.add_perm("positions.comment_request", is_programme_office | coordinates_hospital_of)
rules.add_perm("positions.review_request", is_programme_office)
rules.add_perm("positions.list_positions", is_programme_office | is_hospital_coordinator)
rules.add_perm("positions.view_position", is_programme_office | coordinates_hospital_of)
rules.add_perm("positions.manage_position", is_programme_office)
