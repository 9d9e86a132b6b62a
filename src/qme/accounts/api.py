"""API for people, their roles, and one's own API tokens."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qme.api.kept import kept_list
from qme.api.schemas import (
    ErrorOut,
    InputSchema,
    PersonIn,
    PersonOut,
    PersonPatch,
    ReasonIn,
    RoleIn,
    RoleOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from qme.core.kept import KeptPage
from qme.core.permissions import require, require_visible
from qme.organisations import selectors
from qme.organisations import services as organisation_services
from qme.organisations.models import Department, Organisation, RoleKind

from . import services
from .models import ApiToken, User

router = Router(tags=["people"])

#: The lists kept until what they list changes (qme.api.kept).
PEOPLE = KeptPage("api-people", (Department,))


class PeopleFilters(InputSchema):
    q: str = ""
    organisation_id: int | None = None
    role: RoleKind | None = None


def _person(request: HttpRequest, pk: int) -> User:
    person = get_object_or_404(
        User.objects.prefetch_related(
            Prefetch(
                "roles",
                queryset=selectors.roles_visible_to(request.auth).select_related("organisation"),
            )
        ),
        pk=pk,
    )
    require_visible(request.auth, "accounts.view_person", person)
    return person


@router.get("/me", response=PersonOut)
def me(request: HttpRequest):
    return _person(request, request.auth.pk)


@router.get("/people", response={200: list[PersonOut], 403: ErrorOut})
@kept_list(PEOPLE, PersonOut)
@paginate
def list_people(request: HttpRequest, filters: Query[PeopleFilters]):
    return selectors.people_list(
        request.auth,
        query=filters.q[:100],
        organisation_id=filters.organisation_id,
        role=filters.role or "",
    )


@router.get("/people/{pk}", response={200: PersonOut, 404: ErrorOut})
def get_person(request: HttpRequest, pk: int):
    return _person(request, pk)


@router.post("/people", response={201: PersonOut, 403: ErrorOut, 409: ErrorOut})
def create_person(request: HttpRequest, payload: PersonIn):
    person = services.create_person(actor=request.auth, **payload.dict())
    return Status(201, _person(request, person.pk))


@router.patch(
    "/people/{pk}", response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def update_person(request: HttpRequest, pk: int, payload: PersonPatch):
    person = _person(request, pk)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.update_person(actor=request.auth, person=person, changes=changes)
    return _person(request, pk)


@router.post(
    "/people/{pk}/roles", response={201: RoleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def assign_role(request: HttpRequest, pk: int, payload: RoleIn):
    person = _person(request, pk)
    require(request.auth, "accounts.manage_people")
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation_id": _("There is no such organisation.")})
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise ValidationError({"department_id": _("There is no such department.")})
    role = organisation_services.assign_role(
        actor=request.auth,
        person=person,
        organisation=organisation,
        kind=payload.kind,
        department=department,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, role)


def _set_active(request: HttpRequest, pk: int, *, active: bool, reason: str) -> User:
    person = _person(request, pk)
    services.set_person_active(actor=request.auth, person=person, active=active, reason=reason)
    return _person(request, pk)


@router.post(
    "/people/{pk}/deactivate",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def deactivate_person(request: HttpRequest, pk: int, payload: ReasonIn):
    return _set_active(request, pk, active=False, reason=payload.reason)


@router.post(
    "/people/{pk}/reactivate",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def reactivate_person(request: HttpRequest, pk: int, payload: ReasonIn):
    return _set_active(request, pk, active=True, reason=payload.reason)


@router.get("/me/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest):
    return list(ApiToken.objects.filter(user=request.auth))


@router.post("/me/tokens", response={201: TokenCreatedOut, 409: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn):
    token, secret = services.create_api_token(user=request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "secret": secret})


@router.delete("/me/tokens/{pk}", response={204: None, 404: ErrorOut})
def revoke_token(request: HttpRequest, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.auth)
    services.revoke_api_token(user=request.auth, token=token)
    return Status(204, None)
