"""Django's model permissions, for the admin's staff only.

Everything the application itself decides is a rule (`rules.permissions.ObjectPermissionBackend`,
the `rules.py` of each app). Django's `ModelBackend` is consulted after the rules for every
permission they refuse, and reads the person's permissions and their groups' permissions from the
database: two queries on nearly every page, for permissions only the admin uses. The admin lets in
staff only, so for everyone else the model permissions are empty without asking the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not (user_obj.is_staff or user_obj.is_superuser):
            return set()
        return super()._get_permissions(user_obj, obj, from_name)
