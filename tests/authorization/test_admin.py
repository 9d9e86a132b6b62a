"""The Django admin is closed to every role of the application: only a superuser gets in."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

from .objects import ROLES

ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/apitoken/",
    "/admin/organisations/organisation/",
    "/admin/auditlog/logentry/",
]


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_the_application_gets_into_the_admin(role, data, db, client):
    user = data.users[role]
    if user is not None:
        client.force_login(user)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302, (role, path)
        assert response["Location"].startswith("/admin/login/"), (role, path)
    response = client.post(
        "/admin/accounts/user/add/", {"email": "intruder@example.org", "password1": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_superuser_does(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path
