"""The people API: accounts, roles and status, by the same services and rules as the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from qme.accounts.models import User
from qme.accounts.services import create_api_token
from qme.audit.models import AuditEvent
from qme.organisations.models import RoleKind
from tests.factories import DepartmentFactory, RoleFactory, UserFactory
from tests.helpers import HOSTILE_TEXT, api, row_counts

NEW_PERSON = {
    "email": "Noor.Nieuwkomer@Example.org",
    "full_name": "Noor Nieuwkomer",
    "language": "en",
}


def error_fields(response) -> set[str]:
    assert response.status_code == 422, response.content
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


class TestReading:
    def test_it_lists_people_with_their_roles(self, world, client_for):
        body = api(client_for(world.office), "get", "people?q=dirk").json()
        assert body["count"] == 1
        [dirk] = body["items"]
        assert dirk["email"] == "dirk@example.org"
        assert [(r["kind"], r["organisation_name"]) for r in dirk["roles"]] == [
            ("medical_doctor", "Amstelland Medisch Centrum")
        ]

    def test_it_filters_by_organisation_and_role(self, world, client_for):
        client = client_for(world.office)
        body = api(client, "get", f"people?organisation_id={world.hospital_a.pk}&role=trainee")
        assert [p["email"] for p in body.json()["items"]] == ["tim@example.org"]

    def test_it_lists_a_person_with_several_roles_once_and_counts_people(self, world, client_for):
        many = UserFactory(full_name="Mila Meerdere", email="mila@example.org")
        department = DepartmentFactory(organisation=world.hospital_a)
        RoleFactory(user=many, organisation=world.hospital_a, department=department)
        RoleFactory(user=many, organisation=world.hospital_a, kind=RoleKind.TRAINEE)
        RoleFactory(user=many, organisation=world.hospital_b, kind=RoleKind.TRAINEE)
        client = client_for(world.office)
        for query in ("", f"organisation_id={world.hospital_a.pk}", "role=trainee", "q=mila"):
            body = api(client, "get", f"people?limit=1000&{query}").json()
            emails = [p["email"] for p in body["items"]]
            assert emails.count("mila@example.org") == 1, query
            assert body["count"] == len(emails) == len(set(emails)), query
        assert api(client, "get", "people?limit=1").json()["count"] == User.objects.count()

    @pytest.mark.parametrize(
        "query", ["organisation_id=abc", "role=emperor", "organisation_id=1.5", "limit=-1"]
    )
    def test_it_names_a_wrong_filter(self, world, client_for, query):
        response = api(client_for(world.office), "get", f"people?{query}")
        assert error_fields(response) & {"organisation_id", "role", "limit"}

    @pytest.mark.parametrize("q", ["x" * 10_000, "%3Cscript%3E", "%27%20OR%201%3D1--", "a%00b"])
    def test_it_survives_an_odd_search(self, world, client_for, q):
        response = api(client_for(world.office), "get", f"people?q={q}")
        assert response.status_code in (200, 422)

    def test_it_tells_a_person_about_themselves(self, world, client_for):
        body = api(client_for(world.trainee_a), "get", "me").json()
        assert body["email"] == "tim@example.org"
        assert body["roles"][0]["kind"] == "trainee"

    def test_it_shows_the_applicant_only_themselves(self, world, client_for):
        client = client_for(world.applicant)
        body = api(client, "get", "people").json()
        assert [p["email"] for p in body["items"]] == ["anna@example.org"]
        assert api(client, "get", f"people/{world.trainee_a.pk}").status_code == 404

    @pytest.mark.parametrize("persona", ["office", "coordinator_a"])
    def test_it_lists_many_people_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries, persona
    ):
        department = DepartmentFactory(organisation=world.hospital_a)
        for _ in range(30):
            person = UserFactory()
            RoleFactory(user=person, organisation=world.hospital_a, department=department)
            RoleFactory(user=person, organisation=world.hospital_b, kind=RoleKind.TRAINEE)
        client = client_for(getattr(world, persona))
        with django_assert_max_num_queries(8):
            response = api(client, "get", "people?limit=100")
        assert response.json()["count"] >= 34


class TestCreating:
    def test_it_creates_and_invites_a_person(
        self, world, client_for, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = api(client_for(world.office), "post", "people", NEW_PERSON)
        assert response.status_code == 201
        body = response.json()
        assert body["email"] == "noor.nieuwkomer@example.org"
        assert body["roles"] == []
        assert mail.outbox[0].to == ["noor.nieuwkomer@example.org"]
        event = AuditEvent.objects.get(action="person.created")
        assert (event.actor, event.target_id) == (world.office, str(body["id"]))

    def test_it_creates_one_person_when_sent_twice(
        self, world, client_for, django_capture_on_commit_callbacks
    ):
        client = client_for(world.office)
        with django_capture_on_commit_callbacks(execute=True):
            assert api(client, "post", "people", NEW_PERSON).status_code == 201
            again = api(
                client, "post", "people", {**NEW_PERSON, "email": " NOOR.nieuwkomer@example.ORG"}
            )
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate"
        assert User.objects.filter(email="noor.nieuwkomer@example.org").count() == 1
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"email": ""}, "email"),
            ({"email": "not-an-email"}, "email"),
            ({"email": "<script>alert(1)</script>"}, "email"),
            ({"email": "x@example.org'; DROP TABLE accounts_user; --"}, "email"),
            ({"email": "a" * 10_000 + "@example.org"}, "email"),
            ({"email": 42}, "email"),
            ({"full_name": ""}, "full_name"),
            ({"full_name": "   "}, "full_name"),
            ({"full_name": "n" * 10_000}, "full_name"),
            ({"full_name": None}, "full_name"),
            ({"full_name": "a\x00b"}, "full_name"),
            ({"preferred_name": "p" * 101}, "preferred_name"),
            ({"phone": "1" * 41}, "phone"),
            ({"language": "xx"}, "language"),
            ({"language": ["nl"]}, "language"),
        ],
    )
    def test_it_names_the_field_of_bad_input_and_stores_nothing(
        self, world, client_for, django_capture_on_commit_callbacks, changes, field
    ):
        before = row_counts()
        with django_capture_on_commit_callbacks(execute=True):
            response = api(client_for(world.office), "post", "people", {**NEW_PERSON, **changes})
        assert field in error_fields(response)
        assert row_counts() == before
        assert mail.outbox == []

    def test_it_ignores_fields_it_does_not_know(self, world, client_for):
        response = api(
            client_for(world.office),
            "post",
            "people",
            {**NEW_PERSON, "is_superuser": True, "is_staff": True, "password": "hunter2"},
        )
        assert response.status_code == 201
        person = User.objects.get(pk=response.json()["id"])
        assert not person.is_superuser
        assert not person.is_staff
        assert not person.has_usable_password()


class TestUpdating:
    def test_it_lets_the_office_change_a_person(self, world, client_for):
        response = api(
            client_for(world.office),
            "patch",
            f"people/{world.trainee_a.pk}",
            {"email": "Tim.New@Example.org", "language": "nl"},
        )
        assert response.status_code == 200
        assert response.json()["email"] == "tim.new@example.org"
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.language == "nl"
        assert sorted(AuditEvent.objects.get(action="person.updated").data["fields"]) == [
            "email",
            "language",
        ]

    def test_it_lets_a_person_change_their_own_name_but_not_their_email(self, world, client_for):
        client = client_for(world.trainee_a)
        path = f"people/{world.trainee_a.pk}"
        assert api(client, "patch", path, {"full_name": "Tim T."}).json()["full_name"] == "Tim T."
        response = api(client, "patch", path, {"email": "elsewhere@example.org"})
        assert response.status_code == 409
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.email == "tim@example.org"

    def test_it_refuses_someone_elses_email_address(self, world, client_for):
        response = api(
            client_for(world.office),
            "patch",
            f"people/{world.trainee_a.pk}",
            {"email": "DIRK@example.org"},
        )
        assert response.status_code == 409
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.email == "tim@example.org"

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_never_crashes_on_a_hostile_name(self, world, client_for, value):
        response = api(
            client_for(world.office), "patch", f"people/{world.trainee_a.pk}", {"full_name": value}
        )
        assert response.status_code in (200, 422)
        world.trainee_a.refresh_from_db()
        if response.status_code == 422:
            assert "full_name" in error_fields(response)
            assert world.trainee_a.full_name == "Tim Trainee"
        else:
            assert world.trainee_a.full_name == value.strip()

    def test_it_refuses_an_invalid_email_address(self, world, client_for):
        response = api(
            client_for(world.office), "patch", f"people/{world.trainee_a.pk}", {"email": "nope"}
        )
        assert "email" in error_fields(response)
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.email == "tim@example.org"


class TestRoles:
    def test_it_assigns_a_role(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_b)
        response = api(
            client_for(world.office),
            "post",
            f"people/{world.applicant.pk}/roles",
            {
                "organisation_id": world.hospital_b.pk,
                "kind": "trainee",
                "department_id": department.pk,
                "starts_on": "2026-09-01",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["kind"], body["department_id"], body["starts_on"]) == (
            "trainee",
            department.pk,
            "2026-09-01",
        )
        assert AuditEvent.objects.get(action="role.assigned").actor == world.office

    def test_it_assigns_a_role_once(self, world, client_for):
        client = client_for(world.office)
        payload = {"organisation_id": world.hospital_b.pk, "kind": "trainee"}
        path = f"people/{world.applicant.pk}/roles"
        assert api(client, "post", path, payload).status_code == 201
        again = api(client, "post", path, payload)
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate"
        assert world.applicant.roles.count() == 1

    @pytest.mark.parametrize(
        ("kind", "organisation"),
        [
            ("university_supervisor", "hospital_a"),
            ("programme_office", "hospital_b"),
            ("trainee", "university"),
            ("hospital_coordinator", "university"),
        ],
    )
    def test_it_refuses_a_role_that_does_not_fit_the_organisation(
        self, world, client_for, kind, organisation
    ):
        before = row_counts()
        response = api(
            client_for(world.office),
            "post",
            f"people/{world.applicant.pk}/roles",
            {"organisation_id": getattr(world, organisation).pk, "kind": kind},
        )
        assert "organisation" in error_fields(response)
        assert row_counts() == before

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"organisation_id": 424242}, "organisation_id"),
            ({"organisation_id": "abc"}, "organisation_id"),
            ({"organisation_id": None}, "organisation_id"),
            ({"department_id": 424242}, "department_id"),
            ({"kind": "emperor"}, "kind"),
            ({"starts_on": "2024-13-45"}, "starts_on"),
            ({"ends_on": "<script>"}, "ends_on"),
            ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "__all__"),
        ],
    )
    def test_it_names_the_field_of_bad_input(self, world, client_for, changes, field):
        before = row_counts()
        payload = {"organisation_id": world.hospital_a.pk, "kind": "trainee", **changes}
        response = api(
            client_for(world.office), "post", f"people/{world.applicant.pk}/roles", payload
        )
        assert field in error_fields(response)
        assert row_counts() == before

    def test_it_refuses_a_department_of_another_organisation(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_b)
        response = api(
            client_for(world.office),
            "post",
            f"people/{world.applicant.pk}/roles",
            {
                "organisation_id": world.hospital_a.pk,
                "kind": "trainee",
                "department_id": department.pk,
            },
        )
        assert "department" in error_fields(response)
        assert not world.applicant.roles.exists()


class TestDeactivating:
    def test_it_deactivates_and_reactivates_with_a_reason(self, world, client_for):
        client = client_for(world.office)
        script = Client()
        _token, secret = create_api_token(user=world.trainee_a, name="script")
        assert api(script, "get", "me", token=secret).status_code == 200

        response = api(
            client, "post", f"people/{world.trainee_a.pk}/deactivate", {"reason": "Left"}
        )
        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert AuditEvent.objects.get(action="person.deactivated").reason == "Left"
        assert api(script, "get", "me", token=secret).status_code == 401

        response = api(
            client, "post", f"people/{world.trainee_a.pk}/reactivate", {"reason": "Back"}
        )
        assert response.json()["is_active"] is True
        assert AuditEvent.objects.get(action="person.activated").reason == "Back"

    @pytest.mark.parametrize(
        "payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "r" * 501}]
    )
    def test_it_requires_a_reason(self, world, client_for, payload):
        response = api(
            client_for(world.office), "post", f"people/{world.trainee_a.pk}/deactivate", payload
        )
        assert "reason" in error_fields(response)
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.is_active

    def test_it_does_not_let_the_office_deactivate_itself(self, world, client_for):
        response = api(
            client_for(world.office),
            "post",
            f"people/{world.office.pk}/deactivate",
            {"reason": "x"},
        )
        assert response.status_code == 409
        world.office.refresh_from_db()
        assert world.office.is_active
