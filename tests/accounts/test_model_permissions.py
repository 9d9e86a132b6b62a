"""What the application lets a person do is decided by its rules; Django's model permissions are
for the admin's staff only, and asking for them costs nobody else a query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from qme.accounts.models import User

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permissions read yet


def test_a_refused_permission_costs_no_query_for_someone_who_is_not_staff(
    world, django_assert_num_queries
):
    trainee = _fresh(world.trainee_a)
    with django_assert_num_queries(0):
        assert not trainee.has_perm("accounts.view_user")
        assert trainee.get_all_permissions() == set()


def test_a_model_permission_counts_for_staff_only(world):
    permission = Permission.objects.get(codename="view_user", content_type__app_label="accounts")
    staff = world.office
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    for person in (staff, world.trainee_a):
        person.user_permissions.add(permission)
    assert _fresh(staff).has_perm("accounts.view_user")
    assert not _fresh(world.trainee_a).has_perm("accounts.view_user")


def test_the_rules_still_decide_for_everyone(world):
    assert _fresh(world.office).has_perm("audit.view_trail")
    assert not _fresh(world.trainee_a).has_perm("audit.view_trail")
