"""State changes of organisations, departments and roles. Every one is checked and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.permissions import require

from . import roles as held_roles
from .models import Department, Organisation, Role

ORGANISATION_FIELDS = ("kind", "name", "short_name", "city", "region", "website", "is_active")


@transaction.atomic
def create_organisation(*, actor: User, **fields: Any) -> Organisation:
    require(actor, "organisations.manage_organisations")
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    if Organisation.objects.filter(name__iexact=fields.get("name", "").strip()).exists():
        raise ActionRefused(_("An organisation with this name already exists."), code="duplicate")
    organisation = Organisation(**fields)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:  # created by someone else at the same moment
        raise ActionRefused(
            _("An organisation with this name already exists."), code="duplicate"
        ) from exc
    record_event(actor=actor, action="organisation.created", target=organisation)
    return organisation


@transaction.atomic
def update_organisation(
    *, actor: User, organisation: Organisation, changes: dict[str, Any]
) -> Organisation:
    require(actor, "organisations.manage_organisations")
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    changed = [f for f, v in changes.items() if getattr(organisation, f) != v]
    if not changed:
        return organisation
    if "kind" in changed and organisation.roles.exists():
        raise ActionRefused(
            _("The kind of an organisation in which people hold roles cannot change."),
            code="kind_in_use",
        )
    if (
        "name" in changed
        and Organisation.objects.filter(name__iexact=str(changes["name"]).strip())
        .exclude(pk=organisation.pk)
        .exists()
    ):
        raise ActionRefused(_("An organisation with this name already exists."), code="duplicate")
    for field in changed:
        setattr(organisation, field, changes[field])
    organisation.full_clean()
    organisation.save(update_fields=changed)
    record_event(
        actor=actor, action="organisation.updated", target=organisation, data={"fields": changed}
    )
    return organisation


@transaction.atomic
def create_department(*, actor: User, organisation: Organisation, name: str) -> Department:
    require(actor, "organisations.manage_organisations")
    name = name.strip()
    if organisation.departments.filter(name__iexact=name).exists():
        raise ActionRefused(
            _("This organisation already has a department with this name."), code="duplicate"
        )
    department = Department(organisation=organisation, name=name)
    department.full_clean()
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError as exc:  # created by someone else at the same moment
        raise ActionRefused(
            _("This organisation already has a department with this name."), code="duplicate"
        ) from exc
    record_event(actor=actor, action="department.created", target=department)
    return department


@transaction.atomic
def update_department(
    *, actor: User, department: Department, name: str, is_active: bool
) -> Department:
    require(actor, "organisations.manage_organisations")
    name = name.strip()
    if (
        department.organisation.departments.filter(name__iexact=name)
        .exclude(pk=department.pk)
        .exists()
    ):
        raise ActionRefused(
            _("This organisation already has a department with this name."), code="duplicate"
        )
    changed = [
        f for f, v in (("name", name), ("is_active", is_active)) if getattr(department, f) != v
    ]
    if not changed:
        return department
    department.name = name
    department.is_active = is_active
    department.full_clean()
    department.save(update_fields=changed)
    record_event(
        actor=actor, action="department.updated", target=department, data={"fields": changed}
    )
    return department


@transaction.atomic
def assign_role(
    *,
    actor: User | None,
    person: User,
    organisation: Organisation,
    kind: str,
    department: Department | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Role:
    """Give a person a role in an organisation. Holding the same role twice is refused."""
    if actor is not None:
        require(actor, "accounts.manage_people")
    if Role.objects.filter(user=person, organisation=organisation, kind=kind).exists():
        raise ActionRefused(
            _("This person already holds this role in this organisation."), code="duplicate"
        )
    role = Role(
        user=person,
        organisation=organisation,
        kind=kind,
        department=department,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
    )
    role.full_clean()
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError as exc:  # a concurrent assignment of the same role
        raise ActionRefused(
            _("This person already holds this role in this organisation."), code="duplicate"
        ) from exc
    held_roles.forget_roles(person)
    record_event(
        actor=actor,
        action="role.assigned",
        target=person,
        data={"role": kind, "organisation": organisation.name, "organisation_id": organisation.pk},
    )
    return role


@transaction.atomic
def end_role(*, actor: User, role: Role, reason: str, ends_on: dt.date | None = None) -> Role:
    """End a role. The record stays, so history shows who held it when."""
    require(actor, "accounts.manage_people")
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    ends_on = ends_on or timezone.localdate()
    if role.ends_on is not None and role.ends_on <= ends_on:
        raise ActionRefused(_("This role has already ended."), code="already_ended")
    if ends_on < role.starts_on:
        raise ActionRefused(_("A role cannot end before it starts."), code="invalid_date")
    role.ends_on = ends_on
    role.save(update_fields=["ends_on"])
    held_roles.forget_roles(role.user)
    record_event(
        actor=actor,
        action="role.ended",
        target=role.user,
        reason=reason.strip(),
        data={
            "role": role.kind,
            "organisation": role.organisation.name,
            "ends_on": ends_on.isoformat(),
        },
    )
    return role
