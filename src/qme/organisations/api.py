"""API for organisations, departments and roles: the same services and rules as the pages."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qme.api.kept import kept_list
from qme.api.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    EndRoleIn,
    ErrorOut,
    InputSchema,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    RoleOut,
)
from qme.core.kept import KeptPage
from qme.core.permissions import require_visible

from . import selectors, services
from .models import Department, Organisation, OrganisationKind, Region, Role

router = Router(tags=["organisations"])

#: The lists kept until what they list changes (qme.api.kept).
ORGANISATIONS = KeptPage("api-organisations", (Department,))


class OrganisationFilters(InputSchema):
    q: str = ""
    kind: OrganisationKind | None = None
    region: Region | None = None


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    require_visible(request.auth, "organisations.view_organisation", organisation)
    return organisation


@router.get("/organisations", response=list[OrganisationOut])
@kept_list(ORGANISATIONS, OrganisationOut)
@paginate
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]):
    return selectors.organisation_list(
        request.auth,
        query=filters.q[:100],
        kind=filters.kind or "",
        region=filters.region or "",
    )


@router.get("/organisations/{pk}", response={200: OrganisationOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, pk: int):
    return _organisation(request, pk)


@router.post("/organisations", response={201: OrganisationOut, 403: ErrorOut, 409: ErrorOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn):
    data = payload.dict()
    data["website"] = str(data["website"]) if data["website"] else ""
    return Status(201, services.create_organisation(actor=request.auth, **data))


@router.patch(
    "/organisations/{pk}",
    response={200: OrganisationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def update_organisation(request: HttpRequest, pk: int, payload: OrganisationPatch):
    organisation = _organisation(request, pk)
    changes = payload.dict(exclude_unset=True)
    if "website" in changes:
        changes["website"] = str(changes["website"]) if changes["website"] else ""
    changes = {k: v for k, v in changes.items() if v is not None or k == "website"}
    return services.update_organisation(
        actor=request.auth, organisation=organisation, changes=changes
    )


@router.get("/organisations/{pk}/departments", response={200: list[DepartmentOut], 404: ErrorOut})
def list_departments(request: HttpRequest, pk: int):
    return list(selectors.departments_of(_organisation(request, pk)))


@router.post(
    "/organisations/{pk}/departments",
    response={201: DepartmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def create_department(request: HttpRequest, pk: int, payload: DepartmentIn):
    organisation = _organisation(request, pk)
    return Status(
        201,
        services.create_department(
            actor=request.auth, organisation=organisation, name=payload.name
        ),
    )


@router.patch(
    "/organisations/{pk}/departments/{department_pk}",
    response={200: DepartmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def update_department(request: HttpRequest, pk: int, department_pk: int, payload: DepartmentPatch):
    organisation = _organisation(request, pk)
    department = get_object_or_404(Department, pk=department_pk, organisation=organisation)
    return services.update_department(
        actor=request.auth,
        department=department,
        name=department.name if payload.name is None else payload.name,
        is_active=department.is_active if payload.is_active is None else payload.is_active,
    )


@router.get("/organisations/{pk}/roles", response={200: list[RoleOut], 404: ErrorOut})
def list_roles_at(request: HttpRequest, pk: int):
    return list(selectors.roles_at(_organisation(request, pk)).select_related("organisation"))


@router.post(
    "/roles/{pk}/end", response={200: RoleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def end_role(request: HttpRequest, pk: int, payload: EndRoleIn):
    role = get_object_or_404(Role.objects.select_related("organisation", "user"), pk=pk)
    require_visible(request.auth, "accounts.view_person", role.user)
    return services.end_role(
        actor=request.auth, role=role, reason=payload.reason, ends_on=payload.ends_on
    )
