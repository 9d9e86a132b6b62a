"""The organisations API: the same services and rules as the pages, in JSON."""

from __future__ import annotations

import pytest

from qme.audit.models import AuditEvent
from qme.organisations.models import Department, Organisation, Role, RoleKind
from tests.factories import DepartmentFactory, OrganisationFactory, RoleFactory
from tests.helpers import HOSTILE_TEXT, api, row_counts

NEW_HOSPITAL = {
    "kind": "hospital",
    "name": "Ziekenhuis Gelderse Vallei-Test",
    "short_name": "GV",
    "city": "Ede",
    "region": "GE",
    "website": "https://zgv.example.org",
}


def error_fields(response) -> set[str]:
    """The fields a 422 answer names."""
    assert response.status_code == 422, response.content
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


class TestReading:
    def test_it_lists_organisations_with_a_count(self, world, client_for):
        body = api(client_for(world.office), "get", "organisations").json()
        assert body["count"] == 3
        assert [o["name"] for o in body["items"]] == [
            "Amstelland Medisch Centrum",
            "University of Twente",
            "Ziekenhuis De Maasoever",
        ]

    def test_it_filters_by_search_kind_and_province(self, world, client_for):
        client = client_for(world.office)

        def names(query: str) -> list[str]:
            return [o["name"] for o in api(client, "get", f"organisations?{query}").json()["items"]]

        assert names("q=rotterdam") == ["Ziekenhuis De Maasoever"]
        assert names("kind=university") == ["University of Twente"]
        assert names("region=NH") == ["Amstelland Medisch Centrum"]
        assert names("q=" + "x" * 10_000) == []

    @pytest.mark.parametrize("query", ["kind=spaceship", "region=XX", "limit=abc", "offset=-5"])
    def test_it_names_a_wrong_filter(self, world, client_for, query):
        response = api(client_for(world.office), "get", f"organisations?{query}")
        assert error_fields(response) & {"kind", "region", "limit", "offset"}

    def test_it_gets_one_organisation(self, world, client_for):
        body = api(client_for(world.office), "get", f"organisations/{world.hospital_a.pk}").json()
        assert body == {
            "id": world.hospital_a.pk,
            "kind": "hospital",
            "name": "Amstelland Medisch Centrum",
            "short_name": "Amstelland",
            "city": "Amsterdam",
            "region": "NH",
            "website": "",
            "is_active": True,
        }

    @pytest.mark.parametrize("pk", ["987654", "99999999999999999999999", "-1"])
    def test_it_answers_404_with_json_for_an_unknown_organisation(self, world, client_for, pk):
        response = api(client_for(world.office), "get", f"organisations/{pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_it_names_an_id_that_is_not_a_number(self, world, client_for):
        response = api(client_for(world.office), "get", "organisations/abc")
        assert error_fields(response) == {"pk"}

    def test_it_lists_departments_and_roles(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_a, name="Radiologie")
        client = client_for(world.coordinator_a)
        departments = api(client, "get", f"organisations/{world.hospital_a.pk}/departments")
        assert departments.json() == [
            {
                "id": department.pk,
                "organisation_id": world.hospital_a.pk,
                "name": "Radiologie",
                "is_active": True,
            }
        ]
        roles = api(client, "get", f"organisations/{world.hospital_a.pk}/roles").json()
        assert {(r["user_id"], r["kind"]) for r in roles} == {
            (world.coordinator_a.pk, "hospital_coordinator"),
            (world.doctor_a.pk, "medical_doctor"),
            (world.supervisor_a.pk, "hospital_supervisor"),
            (world.trainee_a.pk, "trainee"),
        }
        assert {r["organisation_name"] for r in roles} == {"Amstelland Medisch Centrum"}

    def test_it_lists_many_organisations_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries
    ):
        for n in range(30):
            hospital = OrganisationFactory(name=f"Ziekenhuis Testdorp {n:02d}")
            DepartmentFactory(organisation=hospital)
            RoleFactory(organisation=hospital)
        client = client_for(world.office)
        with django_assert_max_num_queries(8):
            response = api(client, "get", "organisations?limit=100")
        assert response.json()["count"] == 33
        with django_assert_max_num_queries(8):
            response = api(client, "get", f"organisations/{world.hospital_a.pk}/roles")
        assert response.status_code == 200


class TestCreating:
    def test_it_creates_an_organisation_and_records_it(self, world, client_for):
        response = api(client_for(world.office), "post", "organisations", NEW_HOSPITAL)
        assert response.status_code == 201
        body = response.json()
        organisation = Organisation.objects.get(pk=body["id"])
        assert organisation.name == NEW_HOSPITAL["name"]
        assert body["website"] == "https://zgv.example.org/"
        assert body["is_active"] is True
        event = AuditEvent.objects.get(action="organisation.created")
        assert (event.actor, event.target_id) == (world.office, str(organisation.pk))

    def test_it_creates_one_organisation_when_sent_twice(self, world, client_for):
        client = client_for(world.office)
        assert api(client, "post", "organisations", NEW_HOSPITAL).status_code == 201
        again = api(
            client,
            "post",
            "organisations",
            {**NEW_HOSPITAL, "name": " ZIEKENHUIS GELDERSE VALLEI-TEST "},
        )
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate"
        assert Organisation.objects.filter(name__icontains="gelderse").count() == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "x" * 10_000}, "name"),
            ({"name": 12345}, "name"),
            ({"name": None}, "name"),
            ({"name": ["a", "b"]}, "name"),
            ({"name": "nul\x00byte"}, "name"),
            ({"city": ""}, "city"),
            ({"city": "   "}, "city"),
            ({"short_name": "s" * 41}, "short_name"),
            ({"kind": "spaceship"}, "kind"),
            ({"kind": "<script>alert(1)</script>"}, "kind"),
            ({"region": "'; DROP TABLE organisations_organisation; --"}, "region"),
            ({"website": "javascript:alert(1)"}, "website"),
            ({"website": "https://" + "a" * 300 + ".nl"}, "website"),
            ({"is_active": "maybe"}, "is_active"),
        ],
    )
    def test_it_names_the_field_of_bad_input_and_stores_nothing(
        self, world, client_for, changes, field
    ):
        before = row_counts()
        response = api(
            client_for(world.office), "post", "organisations", {**NEW_HOSPITAL, **changes}
        )
        assert field in error_fields(response)
        assert row_counts() == before

    @pytest.mark.parametrize("missing", ["kind", "name", "city", "region"])
    def test_it_names_a_missing_field(self, world, client_for, missing):
        payload = {k: v for k, v in NEW_HOSPITAL.items() if k != missing}
        response = api(client_for(world.office), "post", "organisations", payload)
        assert missing in error_fields(response)

    @pytest.mark.parametrize("body", ["", "not json", "[1, 2, 3]", '{"name": ', "null"])
    def test_it_answers_a_broken_body_with_422(self, world, client_for, body):
        before = row_counts()
        response = api(client_for(world.office), "post", "organisations", body)
        assert response.status_code in (400, 422)
        assert "detail" in response.json()
        assert row_counts() == before

    @pytest.mark.parametrize(
        "name", ["<script>alert('x')</script>", "Robert'); DROP TABLE organisations_role; --"]
    )
    def test_it_stores_markup_and_sql_as_plain_text(self, world, client_for, name):
        response = api(
            client_for(world.office), "post", "organisations", {**NEW_HOSPITAL, "name": name}
        )
        assert response.status_code == 201
        assert response.json()["name"] == name
        assert Role.objects.count() == 8


class TestUpdating:
    def test_it_changes_only_the_fields_sent_and_records_them(self, world, client_for):
        response = api(
            client_for(world.office),
            "patch",
            f"organisations/{world.hospital_b.pk}",
            {"city": "Schiedam", "website": "https://maasoever.example.org"},
        )
        assert response.status_code == 200
        world.hospital_b.refresh_from_db()
        assert world.hospital_b.city == "Schiedam"
        assert world.hospital_b.name == "Ziekenhuis De Maasoever"
        assert world.hospital_b.website == "https://maasoever.example.org/"
        event = AuditEvent.objects.get(action="organisation.updated")
        assert sorted(event.data["fields"]) == ["city", "website"]
        assert event.actor == world.office

    def test_it_refuses_to_change_the_kind_of_an_organisation_with_people(self, world, client_for):
        response = api(
            client_for(world.office),
            "patch",
            f"organisations/{world.hospital_a.pk}",
            {"kind": "university"},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "kind_in_use"
        world.hospital_a.refresh_from_db()
        assert world.hospital_a.kind == "hospital"

    def test_it_refuses_the_name_of_another_organisation(self, world, client_for):
        response = api(
            client_for(world.office),
            "patch",
            f"organisations/{world.hospital_b.pk}",
            {"name": "Amstelland Medisch Centrum"},
        )
        assert response.status_code in (409, 422)
        world.hospital_b.refresh_from_db()
        assert world.hospital_b.name == "Ziekenhuis De Maasoever"

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_never_crashes_on_a_hostile_city(self, world, client_for, value):
        response = api(
            client_for(world.office),
            "patch",
            f"organisations/{world.hospital_b.pk}",
            {"city": value},
        )
        assert response.status_code in (200, 422)
        world.hospital_b.refresh_from_db()
        if response.status_code == 422:
            assert "city" in error_fields(response)
            assert world.hospital_b.city == "Rotterdam"
        else:
            assert world.hospital_b.city == value


class TestDepartments:
    def test_it_adds_a_department(self, world, client_for):
        response = api(
            client_for(world.office),
            "post",
            f"organisations/{world.hospital_a.pk}/departments",
            {"name": "Klinische Fysica"},
        )
        assert response.status_code == 201
        assert response.json()["organisation_id"] == world.hospital_a.pk
        assert AuditEvent.objects.filter(action="department.created").count() == 1

    def test_it_adds_one_department_when_sent_twice(self, world, client_for):
        client = client_for(world.office)
        url = f"organisations/{world.hospital_a.pk}/departments"
        assert api(client, "post", url, {"name": "Radiologie"}).status_code == 201
        again = api(client, "post", url, {"name": "RADIOLOGIE"})
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate"
        assert world.hospital_a.departments.count() == 1

    @pytest.mark.parametrize("name", ["", "   ", "d" * 201, 42, None, "a\x00b"])
    def test_it_names_a_bad_department_name(self, world, client_for, name):
        before = row_counts()
        response = api(
            client_for(world.office),
            "post",
            f"organisations/{world.hospital_a.pk}/departments",
            {"name": name},
        )
        assert "name" in error_fields(response)
        assert row_counts() == before

    def test_it_renames_and_deactivates_a_department(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_a, name="Radiologie")
        client = client_for(world.office)
        url = f"organisations/{world.hospital_a.pk}/departments/{department.pk}"
        response = api(client, "patch", url, {"is_active": False})
        assert response.status_code == 200
        assert response.json() == {
            "id": department.pk,
            "organisation_id": world.hospital_a.pk,
            "name": "Radiologie",
            "is_active": False,
        }
        assert api(client, "patch", url, {"name": "Beeldvorming"}).json()["name"] == "Beeldvorming"
        assert AuditEvent.objects.filter(action="department.updated").count() == 2

    def test_it_answers_404_for_a_department_of_another_organisation(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_b)
        response = api(
            client_for(world.office),
            "patch",
            f"organisations/{world.hospital_a.pk}/departments/{department.pk}",
            {"name": "Stolen"},
        )
        assert response.status_code == 404
        department.refresh_from_db()
        assert department.name != "Stolen"


class TestEndingARole:
    def test_it_ends_a_role_with_a_reason(self, world, client_for):
        role = world.doctor_a.roles.get()
        response = api(
            client_for(world.office),
            "post",
            f"roles/{role.pk}/end",
            {"reason": "Moved to another hospital"},
        )
        assert response.status_code == 200
        role.refresh_from_db()
        assert role.ends_on is not None
        event = AuditEvent.objects.get(action="role.ended")
        assert event.reason == "Moved to another hospital"
        assert event.actor == world.office
        again = api(client_for(world.office), "post", f"roles/{role.pk}/end", {"reason": "Twice"})
        assert again.status_code == 409
        assert again.json()["code"] == "already_ended"

    @pytest.mark.parametrize(
        "payload",
        [{}, {"reason": ""}, {"reason": "r" * 501}, {"reason": "ok", "ends_on": "yesterday"}],
    )
    def test_it_names_a_missing_or_bad_reason(self, world, client_for, payload):
        role = world.doctor_a.roles.get()
        response = api(client_for(world.office), "post", f"roles/{role.pk}/end", payload)
        assert error_fields(response) & {"reason", "ends_on"}
        role.refresh_from_db()
        assert role.ends_on is None

    def test_it_refuses_a_reason_of_spaces(self, world, client_for):
        role = world.doctor_a.roles.get()
        response = api(client_for(world.office), "post", f"roles/{role.pk}/end", {"reason": "   "})
        assert response.status_code in (409, 422)
        role.refresh_from_db()
        assert role.ends_on is None

    def test_it_refuses_an_end_before_the_start(self, world, client_for):
        role = world.doctor_a.roles.get()
        response = api(
            client_for(world.office),
            "post",
            f"roles/{role.pk}/end",
            {"reason": "typo", "ends_on": "2000-01-01"},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_date"

    def test_it_answers_404_for_an_unknown_role(self, world, client_for):
        response = api(client_for(world.office), "post", "roles/424242/end", {"reason": "x"})
        assert response.status_code == 404


def test_it_publishes_the_openapi_document(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/organisations",
        "/api/v1/organisations/{pk}",
        "/api/v1/organisations/{pk}/departments",
        "/api/v1/organisations/{pk}/departments/{department_pk}",
        "/api/v1/people",
        "/api/v1/people/{pk}/roles",
        "/api/v1/people/{pk}/deactivate",
        "/api/v1/me/tokens",
    ]:
        assert path in paths, path
    assert Department.objects.count() == 0
    assert RoleKind.TRAINEE in response.content.decode()
