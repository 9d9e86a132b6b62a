"""Factories for everything the personas do not cover."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from qme.accounts.models import User
from qme.organisations.models import (
    Department,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    RoleKind,
)

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.HOSPITAL
    name = factory.Sequence(lambda n: f"Ziekenhuis Testdorp {n}")
    short_name = factory.Sequence(lambda n: f"ZT{n}")
    city = "Utrecht"
    region = Region.UTRECHT


class UniversityFactory(OrganisationFactory):
    kind = OrganisationKind.UNIVERSITY
    name = factory.Sequence(lambda n: f"Technische Universiteit {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Klinische Fysica {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    language = "en"
    # Hashed when created, with the fast hasher the test settings choose.
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def email_address(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = RoleKind.MEDICAL_DOCTOR


def person_with_role(kind: str, organisation: Organisation, **user_fields) -> User:
    user = UserFactory(**user_fields)
    Role.objects.create(user=user, organisation=organisation, kind=kind)
    return user
