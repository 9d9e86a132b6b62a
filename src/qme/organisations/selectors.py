"""Read-side queries: the objects a person may see. Twins of the predicates in rules.py."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from qme.accounts.models import User

from . import roles
from .models import Department, Organisation, Role, RoleKind


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if roles.is_programme_office(user):
        return qs
    return qs.filter(pk__in=roles.organisation_ids(user))


def organisation_list(
    user: User, *, query: str = "", kind: str = "", region: str = "", active: str = ""
) -> QuerySet[Organisation]:
    qs = organisations_visible_to(user)
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(city__icontains=query)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region=region)
    if active in ("yes", "no"):
        qs = qs.filter(is_active=active == "yes")
    return qs.annotate(
        department_count=Count("departments", distinct=True),
        people_count=Count("roles__user", distinct=True),
    ).order_by("name")


def people_visible_to(user: User) -> QuerySet[User]:
    qs = User.objects.all()
    if roles.is_programme_office(user):
        return qs
    coordinated = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    today_roles = Role.objects.current().filter(organisation_id__in=coordinated)
    return qs.filter(Q(pk=user.pk) | Q(pk__in=today_roles.values("user_id")))


def people_list(
    user: User,
    *,
    query: str = "",
    organisation_id: int | None = None,
    role: str = "",
    active: str = "",
) -> QuerySet[User]:
    qs = people_visible_to(user)
    if query:
        qs = qs.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if organisation_id:
        qs = qs.filter(roles__organisation_id=organisation_id)
    if role:
        qs = qs.filter(roles__kind=role)
    if active in ("yes", "no"):
        qs = qs.filter(is_active=active == "yes")
    return (
        qs.distinct()
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.select_related("organisation", "department").order_by(
                    "organisation__name", "kind"
                ),
            )
        )
        .order_by("full_name", "email")
    )


def departments_of(organisation: Organisation) -> QuerySet[Department]:
    return organisation.departments.annotate(
        people_count=Count("roles__user", distinct=True)
    ).order_by("name")


def roles_at(organisation: Organisation) -> QuerySet[Role]:
    return organisation.roles.select_related("user", "department").order_by(
        "kind", "user__full_name"
    )


def roles_of(person: User) -> QuerySet[Role]:
    return person.roles.select_related("organisation", "department").order_by(
        "organisation__name", "kind"
    )
