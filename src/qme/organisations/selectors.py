"""Read-side queries: the objects a person may see. Twins of the predicates in rules.py."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

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
    # Counted per organisation shown (a subquery on the organisation's index), not by joining
    # every department and role of every organisation and grouping them: a page of 50 reads 50
    # organisations' roles, and counting the pages reads no role at all.
    return qs.annotate(
        department_count=_count_of(Department.objects.all(), "pk"),
        people_count=_count_of(Role.objects.all(), "user", distinct=True),
    ).order_by("name")


def _count_of(rows: QuerySet, field: str, *, distinct: bool = False) -> Coalesce:
    """How many of `rows` (by `field`) belong to the organisation of the outer query."""
    counted = (
        rows.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count(field, distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def people_visible_to(user: User) -> QuerySet[User]:
    qs = User.objects.all()
    if roles.is_programme_office(user):
        return qs
    coordinated = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    today_roles = Role.objects.current().filter(organisation_id__in=coordinated)
    return qs.filter(Q(pk=user.pk) | Q(pk__in=today_roles.values("user_id")))


def roles_visible_to(user: User) -> QuerySet[Role]:
    """Roles shown beside people: all for the programme office; one's own roles; and the roles
    held at an organisation the person coordinates (not what a colleague does elsewhere)."""
    qs = Role.objects.all()
    if roles.is_programme_office(user):
        return qs
    coordinated = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    return qs.filter(Q(user_id=user.pk) | Q(organisation_id__in=coordinated))


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
    if role == "none":
        qs = qs.filter(~Exists(Role.objects.filter(user=OuterRef("pk"))))
        role = ""
    if organisation_id or role:
        matching = roles_visible_to(user)
        if organisation_id:
            matching = matching.filter(organisation_id=organisation_id)
        if role:
            matching = matching.filter(kind=role)
        qs = qs.filter(pk__in=matching.values("user_id"))
    if active in ("yes", "no"):
        qs = qs.filter(is_active=active == "yes")
    # Every filter is a subquery, so each person comes once without a DISTINCT (which made the
    # paginator count the distinct rows of every column of every person).
    return qs.prefetch_related(
        Prefetch(
            "roles",
            queryset=roles_visible_to(user)
            .select_related("organisation", "department")
            .order_by("organisation__name", "kind"),
        )
    ).order_by("full_name", "email")


def departments_of(organisation: Organisation) -> QuerySet[Department]:
    return organisation.departments.annotate(
        people_count=Count("roles__user", distinct=True)
    ).order_by("name")


def roles_at(organisation: Organisation) -> QuerySet[Role]:
    return organisation.roles.select_related("user", "department").order_by(
        "kind", "user__full_name"
    )


def roles_of(person: User, *, viewer: User) -> QuerySet[Role]:
    return (
        roles_visible_to(viewer)
        .filter(user=person)
        .select_related("organisation", "department")
        .order_by("organisation__name", "kind")
    )
