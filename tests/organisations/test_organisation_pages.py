"""The programme office manages organisations and their departments in the app itself."""

from __future__ import annotations

import pytest

from qme.audit.models import AuditEvent
from qme.organisations.models import Department, Organisation, OrganisationKind, Role, RoleKind
from tests.factories import DepartmentFactory, OrganisationFactory, RoleFactory, UserFactory
from tests.helpers import HOSTILE_TEXT, page_text, row_counts

NEW_HOSPITAL = {
    "kind": "hospital",
    "name": "Ziekenhuis Gelderse Vallei-Test",
    "short_name": "GV",
    "city": "Ede",
    "region": "GE",
    "website": "https://zgv.example.org",
    "is_active": "on",
}


def _field_error(response, field: str) -> str:
    """The error list rendered right under a field, or '' when there is none."""
    text = page_text(response)
    marker = f'id="id_{field}_error"'
    if marker not in text:
        return ""
    start = text.index(marker)
    return text[start : text.index("</ul>", start)]


class TestTheList:
    def test_it_lists_every_organisation_to_the_programme_office(self, world, client_for):
        response = client_for(world.office).get("/organisations/")
        assert response.status_code == 200
        names = [o.name for o in response.context["page"].object_list]
        assert names == sorted(
            ["University of Twente", "Amstelland Medisch Centrum", "Ziekenhuis De Maasoever"]
        )
        assert "Add an organisation" in page_text(response)

    def test_it_filters_by_search_kind_province_and_status(self, world, client_for):
        OrganisationFactory(name="Gesloten Kliniek", city="Assen", region="DR", is_active=False)
        client = client_for(world.office)

        def names(query: str) -> list[str]:
            return [o.name for o in client.get(f"/organisations/?{query}").context["page"]]

        assert names("q=rotterdam") == ["Ziekenhuis De Maasoever"]
        assert names("kind=university") == ["University of Twente"]
        assert names("region=NH") == ["Amstelland Medisch Centrum"]
        assert names("active=no") == ["Gesloten Kliniek"]

    def test_it_answers_an_htmx_search_with_the_results_only(self, world, client_for):
        response = client_for(world.office).get(
            "/organisations/?q=Amstel", headers={"HX-Request": "true"}
        )
        text = page_text(response)
        assert response.status_code == 200
        assert 'id="results"' in text
        assert "<html" not in text
        assert "Amstelland Medisch Centrum" in text

    @pytest.mark.parametrize(
        "query",
        [
            "kind=spaceship",
            "region=XX",
            "q=" + "x" * 10_000,
            "q=%3Cscript%3Ealert(1)%3C/script%3E",
            "q=%27%3B%20DROP%20TABLE%20organisations_organisation%3B--",
            "page=abc",
            "page=999999",
            "page=-1",
            "active=maybe",
        ],
    )
    def test_it_survives_odd_filters(self, world, client_for, query):
        response = client_for(world.office).get(f"/organisations/?{query}")
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in page_text(response)
        assert Organisation.objects.count() == 3

    def test_it_pages_through_many_organisations_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries
    ):
        for n in range(30):
            hospital = OrganisationFactory(name=f"Ziekenhuis Testdorp {n:02d}")
            DepartmentFactory(organisation=hospital)
            RoleFactory(organisation=hospital)
        client = client_for(world.office)
        with django_assert_max_num_queries(12):
            first = client.get("/organisations/")
        with django_assert_max_num_queries(12):
            second = client.get("/organisations/?page=2")
        assert first.status_code == second.status_code == 200
        assert "Page 1 of 2" in page_text(first)
        assert len(first.context["page"].object_list) == 25
        assert len(second.context["page"].object_list) == 8


class TestTheDetailPage:
    def test_it_shows_departments_and_people(self, world, client_for):
        DepartmentFactory(organisation=world.hospital_a, name="Klinische Fysica")
        response = client_for(world.office).get(f"/organisations/{world.hospital_a.pk}/")
        text = page_text(response)
        assert response.status_code == 200
        for expected in ["Klinische Fysica", "Cora Coordinator", "Dirk Doctor", "Tim Trainee"]:
            assert expected in text
        assert "Edit" in text
        assert "History" in text

    def test_it_shows_a_member_without_edit_links(self, world, client_for):
        response = client_for(world.doctor_a).get(f"/organisations/{world.hospital_a.pk}/")
        text = page_text(response)
        assert response.status_code == 200
        assert "Cora Coordinator" in text
        assert f"/organisations/{world.hospital_a.pk}/edit/" not in text

    def test_it_answers_404_for_an_unknown_or_huge_id(self, world, client_for):
        client = client_for(world.office)
        assert client.get("/organisations/987654/").status_code == 404
        assert client.get("/organisations/99999999999999999999999/").status_code == 404
        assert client.get("/organisations/abc/").status_code == 404

    def test_it_shows_many_people_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries
    ):
        departments = [DepartmentFactory(organisation=world.hospital_a) for _ in range(5)]
        for n in range(30):
            RoleFactory(organisation=world.hospital_a, department=departments[n % 5])
        client = client_for(world.office)
        with django_assert_max_num_queries(12):
            response = client.get(f"/organisations/{world.hospital_a.pk}/")
        assert response.status_code == 200


class TestCreatingAnOrganisation:
    def test_it_creates_an_organisation_and_records_who_did_it(self, world, client_for):
        client = client_for(world.office)
        assert client.get("/organisations/new/").status_code == 200
        response = client.post("/organisations/new/", NEW_HOSPITAL)
        organisation = Organisation.objects.get(name=NEW_HOSPITAL["name"])
        assert response.status_code == 302
        assert response["Location"] == f"/organisations/{organisation.pk}/"
        assert organisation.kind == OrganisationKind.HOSPITAL
        assert organisation.city == "Ede"
        assert organisation.website == "https://zgv.example.org"
        event = AuditEvent.objects.get(action="organisation.created")
        assert event.actor == world.office
        assert event.target_id == str(organisation.pk)
        followed = client.get(response["Location"])
        assert "has been added" in page_text(followed)

    def test_it_creates_one_organisation_when_the_form_is_sent_twice(self, world, client_for):
        client = client_for(world.office)
        assert client.post("/organisations/new/", NEW_HOSPITAL).status_code == 302
        second = client.post("/organisations/new/", NEW_HOSPITAL)
        assert second.status_code == 200
        assert "already exists" in page_text(second)
        assert Organisation.objects.filter(name=NEW_HOSPITAL["name"]).count() == 1
        assert AuditEvent.objects.filter(action="organisation.created").count() == 1

    def test_it_refuses_a_name_that_differs_only_in_case(self, world, client_for):
        response = client_for(world.office).post(
            "/organisations/new/", {**NEW_HOSPITAL, "name": "  amstelland medisch centrum "}
        )
        assert response.status_code == 200
        assert "already exists" in page_text(response)
        assert Organisation.objects.count() == 3

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("name", "", "This field is required."),
            ("name", "   ", "This field is required."),
            ("name", "x" * 10_000, "at most 200 characters"),
            ("short_name", "x" * 10_000, "at most 40 characters"),
            ("city", "", "This field is required."),
            ("city", "y" * 10_000, "at most 100 characters"),
            ("kind", "", "This field is required."),
            ("kind", "spaceship", "Select a valid choice"),
            ("kind", "<script>alert(1)</script>", "Select a valid choice"),
            ("region", "XX", "Select a valid choice"),
            ("region", "'; DROP TABLE organisations_organisation; --", "Select a valid choice"),
            ("website", "javascript:alert(1)", "Enter a valid URL"),
            ("website", "not a url", "Enter a valid URL"),
            ("website", "https://" + "a" * 10_000 + ".nl", "at most 200 characters"),
            ("name", "nul\x00byte", "Null characters are not allowed"),
        ],
    )
    def test_it_shows_the_error_next_to_the_field_and_stores_nothing(
        self, world, client_for, field, value, message
    ):
        before = row_counts()
        response = client_for(world.office).post(
            "/organisations/new/", {**NEW_HOSPITAL, field: value}
        )
        assert response.status_code == 200
        assert message in _field_error(response, field)
        assert "<script>alert(1)</script>" not in page_text(response)
        assert row_counts() == before

    @pytest.mark.parametrize(
        "name",
        ["<script>alert('x')</script>", "Robert'); DROP TABLE organisations_organisation; --"],
    )
    def test_it_stores_markup_and_sql_as_plain_text(self, world, client_for, name):
        client = client_for(world.office)
        response = client.post("/organisations/new/", {**NEW_HOSPITAL, "name": name})
        assert response.status_code == 302
        assert Organisation.objects.filter(name=name).exists()
        page = page_text(client.get(response["Location"]))
        assert name not in page or "<" not in name
        assert "&lt;script&gt;" in page or "<" not in name
        assert Organisation.objects.count() == 4

    def test_it_ignores_fields_that_are_not_on_the_form(self, world, client_for):
        response = client_for(world.office).post(
            "/organisations/new/", {**NEW_HOSPITAL, "id": 1, "created_at": "2000-01-01"}
        )
        assert response.status_code == 302
        organisation = Organisation.objects.get(name=NEW_HOSPITAL["name"])
        assert organisation.pk != 1
        assert organisation.created_at.year > 2000


class TestEditingAnOrganisation:
    def test_it_saves_changes_and_records_which_fields_changed(self, world, client_for):
        client = client_for(world.office)
        url = f"/organisations/{world.hospital_b.pk}/edit/"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "kind": "hospital",
                "name": "Ziekenhuis De Maasoever",
                "short_name": "Maasoever",
                "city": "Schiedam",
                "region": "ZH",
                "website": "",
            },
        )
        assert response.status_code == 302
        world.hospital_b.refresh_from_db()
        assert world.hospital_b.city == "Schiedam"
        assert world.hospital_b.is_active is False
        event = AuditEvent.objects.get(action="organisation.updated")
        assert event.actor == world.office
        assert sorted(event.data["fields"]) == ["city", "is_active"]

    def test_it_records_nothing_when_nothing_changed(self, world, client_for):
        hospital = world.hospital_b
        response = client_for(world.office).post(
            f"/organisations/{hospital.pk}/edit/",
            {
                "kind": hospital.kind,
                "name": hospital.name,
                "short_name": hospital.short_name,
                "city": hospital.city,
                "region": hospital.region,
                "website": hospital.website,
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        assert not AuditEvent.objects.filter(action="organisation.updated").exists()

    def test_it_refuses_to_make_a_hospital_with_people_a_university(self, world, client_for):
        before = row_counts()
        response = client_for(world.office).post(
            f"/organisations/{world.hospital_a.pk}/edit/",
            {**NEW_HOSPITAL, "name": world.hospital_a.name, "kind": "university"},
        )
        assert response.status_code == 200
        assert "cannot change" in page_text(response)
        world.hospital_a.refresh_from_db()
        assert world.hospital_a.kind == OrganisationKind.HOSPITAL
        assert world.hospital_a.city == "Amsterdam"
        assert row_counts() == before

    def test_it_refuses_the_name_of_another_organisation(self, world, client_for):
        response = client_for(world.office).post(
            f"/organisations/{world.hospital_b.pk}/edit/",
            {**NEW_HOSPITAL, "name": "Amstelland Medisch Centrum"},
        )
        assert response.status_code == 200
        assert "already exists" in page_text(response)
        world.hospital_b.refresh_from_db()
        assert world.hospital_b.name == "Ziekenhuis De Maasoever"

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_never_crashes_on_a_hostile_city(self, world, client_for, value):
        response = client_for(world.office).post(
            f"/organisations/{world.hospital_b.pk}/edit/",
            {**NEW_HOSPITAL, "name": "Ziekenhuis De Maasoever", "city": value},
        )
        assert response.status_code in (200, 302)
        world.hospital_b.refresh_from_db()
        assert world.hospital_b.city in ("Rotterdam", value)
        if response.status_code == 200:
            assert _field_error(response, "city")
            assert world.hospital_b.city == "Rotterdam"


class TestDepartments:
    def test_it_adds_a_department_and_records_it(self, world, client_for):
        client = client_for(world.office)
        url = f"/organisations/{world.hospital_a.pk}/departments/new/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"name": "  Medische Technologie  "})
        assert response.status_code == 302
        department = world.hospital_a.departments.get()
        assert department.name == "Medische Technologie"
        event = AuditEvent.objects.get(action="department.created")
        assert (event.actor, event.target_id) == (world.office, str(department.pk))

    def test_it_adds_one_department_when_the_form_is_sent_twice(self, world, client_for):
        client = client_for(world.office)
        url = f"/organisations/{world.hospital_a.pk}/departments/new/"
        assert client.post(url, {"name": "Radiologie"}).status_code == 302
        second = client.post(url, {"name": "radiologie"})
        assert second.status_code == 200
        assert "already has a department with this name" in _field_error(second, "name")
        assert world.hospital_a.departments.count() == 1

    def test_it_allows_the_same_department_name_in_another_organisation(self, world, client_for):
        DepartmentFactory(organisation=world.hospital_b, name="Radiologie")
        response = client_for(world.office).post(
            f"/organisations/{world.hospital_a.pk}/departments/new/", {"name": "Radiologie"}
        )
        assert response.status_code == 302
        assert Department.objects.filter(name="Radiologie").count() == 2

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("", "This field is required."),
            ("   ", "This field is required."),
            ("d" * 10_000, "at most 200 characters"),
            ("a\x00b", "Null characters are not allowed"),
        ],
    )
    def test_it_shows_the_error_next_to_the_name(self, world, client_for, value, message):
        before = row_counts()
        response = client_for(world.office).post(
            f"/organisations/{world.hospital_a.pk}/departments/new/", {"name": value}
        )
        assert response.status_code == 200
        assert message in _field_error(response, "name")
        assert row_counts() == before

    def test_it_renames_and_deactivates_a_department(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_a, name="Radiologie")
        client = client_for(world.office)
        url = f"/organisations/{world.hospital_a.pk}/departments/{department.pk}/edit/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"name": "Beeldvorming"})
        assert response.status_code == 302
        department.refresh_from_db()
        assert (department.name, department.is_active) == ("Beeldvorming", False)
        event = AuditEvent.objects.get(action="department.updated")
        assert sorted(event.data["fields"]) == ["is_active", "name"]

    def test_it_refuses_to_rename_a_department_to_a_sibling_name(self, world, client_for):
        DepartmentFactory(organisation=world.hospital_a, name="Radiologie")
        other = DepartmentFactory(organisation=world.hospital_a, name="Cardiologie")
        response = client_for(world.office).post(
            f"/organisations/{world.hospital_a.pk}/departments/{other.pk}/edit/",
            {"name": "RADIOLOGIE", "is_active": "on"},
        )
        assert response.status_code == 200
        assert "already has a department" in _field_error(response, "name")
        other.refresh_from_db()
        assert other.name == "Cardiologie"

    def test_it_answers_404_for_an_unknown_department(self, world, client_for):
        response = client_for(world.office).get(
            f"/organisations/{world.hospital_a.pk}/departments/424242/edit/"
        )
        assert response.status_code == 404


def test_it_shows_the_people_count_per_department(world, client_for):
    department = DepartmentFactory(organisation=world.hospital_a, name="Klinische Fysica")
    for _ in range(3):
        Role.objects.create(
            user=UserFactory(),
            organisation=world.hospital_a,
            department=department,
            kind=RoleKind.MEDICAL_DOCTOR,
        )
    text = page_text(client_for(world.office).get(f"/organisations/{world.hospital_a.pk}/"))
    assert "3 people" in text
