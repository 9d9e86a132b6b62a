"""Who may see and do what with organisations, departments, people and roles.

Each predicate has a queryset twin in selectors.py; a list never shows more than the detail
page would. Default deny: a permission not named here is refused.
"""

from __future__ import annotations

import rules

from . import roles
from .models import Department, Organisation, RoleKind


@rules.predicate
def is_programme_office(user) -> bool:
    return roles.is_programme_office(user)


@rules.predicate
def holds_role_at_organisation(user, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return organisation.pk in roles.organisation_ids(user)


@rules.predicate
def holds_role_at_department_organisation(user, department: Department | None) -> bool:
    if department is None:
        return False
    return department.organisation_id in roles.organisation_ids(user)


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.is_authenticated and person.pk == user.pk


@rules.predicate
def coordinates_an_organisation_of(user, person) -> bool:
    if person is None:
        return False
    coordinated = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    if not coordinated:
        return False
    return person.roles.current().filter(organisation_id__in=coordinated).exists()


rules.add_perm("organisations.list_organisations", rules.is_authenticated)
rules.add_perm("organisations.view_organisation", is_programme_office | holds_role_at_organisation)
rules.add_perm("organisations.manage_organisations", is_programme_office)
rules.add_perm(
    "organisations.view_department",
    is_programme_office | holds_role_at_department_organisation,
)
rules.add_perm("accounts.list_people", is_programme_office | rules.is_authenticated)
rules.add_perm(
    "accounts.view_person", is_programme_office | is_self | coordinates_an_organisation_of
)
rules.add_perm("accounts.manage_people", is_programme_office)
rules.add_perm("audit.view_trail", is_programme_office)
