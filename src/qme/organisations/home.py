"""What each role sees on the home page. One section per role kind the person holds; each
section runs a fixed number of queries, whatever the size of the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.audit.models import AuditEvent

from . import roles
from .models import Organisation, OrganisationKind, Role, RoleKind


@dataclass
class HomeSection:
    kind: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _programme_office(user: User) -> HomeSection:
    counts = Organisation.objects.aggregate(
        universities=Count("pk", filter=Q(kind=OrganisationKind.UNIVERSITY, is_active=True)),
        care=Count("pk", filter=~Q(kind=OrganisationKind.UNIVERSITY) & Q(is_active=True)),
    )
    coordinator_roles = Role.objects.current().filter(
        organisation=OuterRef("pk"), kind=RoleKind.HOSPITAL_COORDINATOR
    )
    without_coordinator = (
        Organisation.objects.care_providers()
        .active()
        .filter(~Exists(coordinator_roles))
        .order_by("name")
    )
    people_without_role = User.objects.filter(is_active=True, roles__isnull=True)
    return HomeSection(
        kind="programme_office",
        title=str(_("Programme office")),
        template="home/programme_office.html",
        context={
            "counts": counts,
            "people_count": User.objects.filter(is_active=True).count(),
            "without_coordinator": list(without_coordinator[:10]),
            "without_coordinator_count": without_coordinator.count(),
            "people_without_role_count": people_without_role.count(),
            "recent_events": list(AuditEvent.objects.select_related("target_type")[:8]),
        },
    )


def _coordinator(user: User) -> HomeSection:
    hospital_ids = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    hospitals = list(
        Organisation.objects.filter(pk__in=hospital_ids)
        .annotate(
            department_count=Count("departments", distinct=True),
            doctor_count=Count(
                "roles", filter=Q(roles__kind=RoleKind.MEDICAL_DOCTOR), distinct=True
            ),
            supervisor_count=Count(
                "roles", filter=Q(roles__kind=RoleKind.HOSPITAL_SUPERVISOR), distinct=True
            ),
            trainee_count=Count("roles", filter=Q(roles__kind=RoleKind.TRAINEE), distinct=True),
        )
        .order_by("name")
    )
    return HomeSection(
        kind="hospital_coordinator",
        title=str(_("Hospital coordinator")),
        template="home/hospital_coordinator.html",
        context={"hospitals": hospitals},
    )


def _member(user: User, kind: str) -> HomeSection:
    """Doctors, supervisors, committee and board members, trainees: where they work, and who
    coordinates the programme there."""
    organisation_ids = roles.organisation_ids(user, kind)
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("name"))
    contacts = list(
        Role.objects.current()
        .filter(
            organisation_id__in=organisation_ids,
            kind__in=[RoleKind.HOSPITAL_COORDINATOR, RoleKind.PROGRAMME_OFFICE],
        )
        .exclude(user=user)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")[:20]
    )
    return HomeSection(
        kind=kind,
        title=str(RoleKind(kind).label),
        template="home/member.html",
        context={"organisations": organisations, "contacts": contacts, "role_kind": kind},
    )


def home_sections(user: User) -> list[HomeSection]:
    kinds = roles.role_kinds(user)
    sections: list[HomeSection] = []
    if RoleKind.PROGRAMME_OFFICE in kinds:
        sections.append(_programme_office(user))
    if RoleKind.HOSPITAL_COORDINATOR in kinds:
        sections.append(_coordinator(user))
    for kind in RoleKind.values:
        if kind in kinds and kind not in (RoleKind.PROGRAMME_OFFICE, RoleKind.HOSPITAL_COORDINATOR):
            sections.append(_member(user, kind))
    if not sections:
        sections.append(
            HomeSection(kind="applicant", title=str(_("Welcome")), template="home/applicant.html")
        )
    return sections
