"""`qme seed` loads the demo data and can run again without changing anything; `--scale
national` builds the large synthetic data set for benchmarks, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from qme.accounts.models import User
from qme.core.seeding import DEMO_LOGINS
from qme.organisations.models import Department, Organisation, Role, RoleKind


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "departments": Department.objects.count(),
        "people": User.objects.count(),
        "roles": Role.objects.count(),
    }


def test_it_loads_the_demo_and_is_idempotent(db):
    call_command("seed")
    first = counts()
    assert Organisation.objects.universities().count() == 4
    for login in DEMO_LOGINS:
        assert User.objects.filter(email=login.email).exists(), login.email
    call_command("seed")
    assert counts() == first


def test_it_gives_every_role_a_demo_sign_in(db):
    call_command("seed")
    held = set(
        Role.objects.filter(user__email__in=[login.email for login in DEMO_LOGINS]).values_list(
            "kind", flat=True
        )
    )
    assert held == set(RoleKind.values)


@pytest.mark.django_db(transaction=False)
def test_it_builds_the_national_data_set_only_once():
    call_command("seed", "--scale", "national")
    first = counts()
    assert Organisation.objects.care_providers().count() >= 60
    assert first["people"] >= 5000
    assert Role.objects.filter(user__email__endswith="@national.qme.example").count() >= 5000
    call_command("seed", "--scale", "national")
    assert counts() == first
