"""What each role sees on the home page. One section per role kind the person holds; each
section runs a fixed number of queries, whatever the size of the data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.reports import cache as versioned

from . import roles
from .models import Organisation, OrganisationKind, Role, RoleKind


@dataclass
class HomeSection:
    kind: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


#: How many items of one list a home page shows; the count says how many there are in all.
FIRST_N = 10


@dataclass
class ActionItem:
    """One thing that needs the person's action, linked to the page where it is done."""

    label: str
    url: str
    meta: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass
class ActionGroup:
    """A list of one kind of action: its count in all, the first items, and the page with all
    of them when there is one."""

    key: str
    title: str
    count: int
    items: list[ActionItem]
    all_url: str = ""


def group(
    key: str, title: str, count: int, items: Callable[[], list[ActionItem]], all_url: str = ""
) -> ActionGroup:
    """An action group whose items are read only when there are any (a count of 0 costs no
    second query)."""
    return ActionGroup(key, title, count, items() if count else [], all_url)


def listed(
    key: str,
    title: str,
    qs: QuerySet,
    to_item: Callable[[Any], ActionItem],
    all_url: str = "",
) -> ActionGroup:
    """An action group from an ordered queryset: the count in all and the first items in one
    query (first_rows)."""
    rows, count = first_rows(qs, FIRST_N)
    return ActionGroup(key, title, count, [to_item(r) for r in rows], all_url)


def first_rows(qs: QuerySet, n: int) -> tuple[list, int]:
    """The first ``n`` rows of an ordered queryset and the number of rows in all, in one query.

    The count is an uncorrelated scalar subquery (computed once, from the indexes of the
    filter) rather than a window over the result: with ``COUNT(*) OVER ()`` PostgreSQL still
    plans for stopping after ``n`` rows but must read every row, so it walks a sorted index of a
    large table to the end (a supervisor with hundreds of trainees: 145 ms instead of 9 ms).
    """
    if qs.query.group_by is not None:
        # Rows that are groups (annotated with aggregates) are counted by a window over them.
        rows = list(qs.annotate(home_total=Window(Count("pk")))[:n])
        return rows, (rows[0].home_total if rows else 0)
    count = qs.order_by().annotate(
        home_n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    rows = list(qs.annotate(home_total=Subquery(count.values("home_n")))[:n])
    return rows, (rows[0].home_total if rows else 0)


def from_rows(
    key: str,
    title: str,
    rows: list,
    to_item: Callable[[Any], ActionItem],
    all_url: str = "",
) -> ActionGroup:
    """An action group from rows already read (all of them: their number is the count)."""
    return ActionGroup(key, title, len(rows), [to_item(r) for r in rows[:FIRST_N]], all_url)


def action_section(
    kind: str,
    title: str,
    groups: list[ActionGroup],
    *,
    empty: str = "",
    intro: str = "",
    footer: tuple[str, str] | None = None,
) -> HomeSection:
    """A home section of action lists (template home/actions.html). Groups without items are
    left out; `empty` says what it means when none is left; `footer` is a (label, url) link
    under the lists."""
    return HomeSection(
        kind=kind,
        title=title,
        template="home/actions.html",
        context={
            "groups": [g for g in groups if g.count],
            "all_groups": groups,
            "empty": empty,
            "intro": intro,
            "footer": footer,
        },
    )


#: What the programme office's figures of organisations and people are counted from.
OFFICE_FIGURES_READS = (Organisation, Role, User)


def _office_figures() -> dict[str, object]:
    """The organisations and people the office's home page counts. Counting every person (and
    those without a role) reads the whole table: kept in the versioned cache until a person,
    role or organisation is saved or deleted."""
    return {
        "counts": Organisation.objects.aggregate(
            universities=Count("pk", filter=Q(kind=OrganisationKind.UNIVERSITY, is_active=True)),
            care=Count("pk", filter=~Q(kind=OrganisationKind.UNIVERSITY) & Q(is_active=True)),
        ),
        "people_count": User.objects.filter(is_active=True).count(),
        "people_without_role_count": User.objects.filter(
            is_active=True, roles__isnull=True
        ).count(),
    }


def _programme_office(user: User) -> HomeSection:
    figures = versioned.remember("home:office-figures", OFFICE_FIGURES_READS, None, _office_figures)
    coordinator_roles = Role.objects.current().filter(
        organisation=OuterRef("pk"), kind=RoleKind.HOSPITAL_COORDINATOR
    )
    without_coordinator = (
        Organisation.objects.care_providers()
        .active()
        .filter(~Exists(coordinator_roles))
        .order_by("name")
    )
    without = list(without_coordinator.annotate(home_total=Window(Count("pk")))[:FIRST_N])
    return HomeSection(
        kind="programme_office",
        title=str(_("Programme office")),
        template="home/programme_office.html",
        context={
            **figures,
            "without_coordinator": without,
            "without_coordinator_count": without[0].home_total if without else 0,
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
