import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict, HttpUrl, field_validator

from qme.accounts.models import User
from qme.organisations.models import OrganisationKind, Region, RoleKind


class InputSchema(Schema):
    """What a client sends: text is trimmed and null characters are refused, as in the forms,
    so "   " counts as empty and no database is asked to store a NUL byte."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_null_characters(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value


class ErrorOut(Schema):
    detail: str
    code: str = "error"


class FieldErrorOut(Schema):
    detail: list[dict]


class OrganisationOut(Schema):
    id: int
    kind: OrganisationKind
    name: str
    short_name: str
    city: str
    region: Region
    website: str
    is_active: bool


class OrganisationIn(InputSchema):
    kind: OrganisationKind
    name: str = Field(min_length=1, max_length=200)
    short_name: str = Field("", max_length=40)
    city: str = Field(min_length=1, max_length=100)
    region: Region
    website: HttpUrl | None = None
    is_active: bool = True


class OrganisationPatch(InputSchema):
    kind: OrganisationKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=40)
    city: str | None = Field(None, min_length=1, max_length=100)
    region: Region | None = None
    website: HttpUrl | None = None
    is_active: bool | None = None


class DepartmentOut(Schema):
    id: int
    organisation_id: int
    name: str
    is_active: bool


class DepartmentIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)


class RoleOut(Schema):
    id: int
    user_id: int
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    department_id: int | None
    kind: RoleKind
    starts_on: dt.date
    ends_on: dt.date | None


class RoleIn(InputSchema):
    organisation_id: int
    kind: RoleKind
    department_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class DepartmentPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    is_active: bool | None = None


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


class EndRoleIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)
    ends_on: dt.date | None = None


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    preferred_name: str
    language: User.Language
    is_active: bool
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj: User) -> list:
        return list(obj.roles.all())


class PersonIn(InputSchema):
    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    preferred_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    language: User.Language = User.Language.DUTCH


class PersonPatch(InputSchema):
    email: str | None = Field(None, min_length=3, max_length=254)
    full_name: str | None = Field(None, min_length=1, max_length=200)
    preferred_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    language: User.Language | None = None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    secret: str


class TokenIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
