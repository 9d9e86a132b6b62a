"""Personas: a programme officer, a coordinator of each of two hospitals, a doctor, a hospital
supervisor, a university supervisor, a board member, a trainee and an applicant."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from auditlog.context import disable_auditlog
from django.test.utils import override_settings

from qme.accounts.models import User
from qme.organisations.models import Organisation, RoleKind

from .factories import OrganisationFactory, UniversityFactory, UserFactory, person_with_role
from .sharing import shared_db

__all__ = ["shared_db"]  # data built once for many tests: tests/sharing.py

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, the test database does not wait for the disk at each commit: a crash of a
    test run loses nothing anyone needs, and the live server's tests commit every request."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session", autouse=True)
def _static_files_found_when_asked():
    """WhiteNoise finds each static file when it is asked for, instead of listing and stat-ing
    every static file of every app whenever a test client starts (50 ms a test)."""
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test its own signing keys: parallel test processes never share a key directory.
    settings.QME_SIGNING_KEY_DIR = tmp_path / "keys"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


@pytest.fixture(autouse=True)
def _kept_pages_name_what_they_read(monkeypatch):
    """Every page kept by `qme.core.kept` is checked, in every test that renders it, to read no
    table but those of the models it names: a table it does not name could change without the
    kept page being rendered again."""
    from django.db import connection

    from qme.core import kept

    original = kept.KeptPage.keep

    def keep(self, request, parts, compute):
        statements: list[str] = []

        def seen(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(seen):
            result = original(self, request, parts, compute)
        read = {table for sql in statements for table in _TABLE.findall(sql)}
        named = {model._meta.db_table for model in self.reads}
        assert read <= named, f"kept page {self.name!r} reads {sorted(read - named)} unnamed"
        return result

    monkeypatch.setattr(kept.KeptPage, "keep", keep)


@dataclass
class World:
    university: Organisation
    hospital_a: Organisation
    hospital_b: Organisation
    office: User
    coordinator_a: User
    coordinator_b: User
    doctor_a: User
    supervisor_a: User
    university_supervisor: User
    board_member: User
    trainee_a: User
    applicant: User


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """The personas (the `world` fixture), for data built outside a test (tests/sharing.py).

    Built without auditlog's copies of the new rows: nothing reads the history of how the
    personas came to be, and those rows were a third of what every test spent on its world."""
    with disable_auditlog():
        return _build_world()


def _build_world() -> World:
    university = UniversityFactory(name="University of Twente", short_name="UT", city="Enschede")
    hospital_a = OrganisationFactory(
        name="Amstelland Medisch Centrum", short_name="Amstelland", city="Amsterdam", region="NH"
    )
    hospital_b = OrganisationFactory(
        name="Ziekenhuis De Maasoever", short_name="Maasoever", city="Rotterdam", region="ZH"
    )
    office = person_with_role(
        RoleKind.PROGRAMME_OFFICE, university, full_name="Olga Office", email="office@example.org"
    )
    TOTP.activate(office, TOTP_SECRET)
    board = person_with_role(
        RoleKind.EXAMINATION_BOARD, university, full_name="Bert Board", email="board@example.org"
    )
    TOTP.activate(board, TOTP_SECRET)
    return World(
        university=university,
        hospital_a=hospital_a,
        hospital_b=hospital_b,
        office=office,
        coordinator_a=person_with_role(
            RoleKind.HOSPITAL_COORDINATOR,
            hospital_a,
            full_name="Cora Coordinator",
            email="cora@example.org",
        ),
        coordinator_b=person_with_role(
            RoleKind.HOSPITAL_COORDINATOR,
            hospital_b,
            full_name="Ben Coordinator",
            email="ben@example.org",
        ),
        doctor_a=person_with_role(
            RoleKind.MEDICAL_DOCTOR, hospital_a, full_name="Dirk Doctor", email="dirk@example.org"
        ),
        supervisor_a=person_with_role(
            RoleKind.HOSPITAL_SUPERVISOR,
            hospital_a,
            full_name="Sara Supervisor",
            email="sara@example.org",
        ),
        university_supervisor=person_with_role(
            RoleKind.UNIVERSITY_SUPERVISOR,
            university,
            full_name="Ulla University",
            email="ulla@example.org",
        ),
        board_member=board,
        trainee_a=person_with_role(
            RoleKind.TRAINEE, hospital_a, full_name="Tim Trainee", email="tim@example.org"
        ),
        applicant=UserFactory(full_name="Anna Applicant", email="anna@example.org"),
    )


@pytest.fixture
def client_for(client):
    """client_for(user): a test client signed in as that person (two-factor step done)."""

    def _sign_in(user: User):
        client.force_login(user)
        return client

    return _sign_in
