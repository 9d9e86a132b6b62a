"""After sign-in each person lands on their own home page, with navigation that shows only what
their roles allow, in a fixed number of queries however large the programme grows."""

from __future__ import annotations

import pytest

from qme.audit.services import record_event
from qme.organisations.models import Role, RoleKind
from tests.factories import DepartmentFactory, OrganisationFactory, RoleFactory, UserFactory
from tests.helpers import page_text

PERSONAS = [
    "office",
    "coordinator_a",
    "doctor_a",
    "supervisor_a",
    "university_supervisor",
    "board_member",
    "trainee_a",
    "applicant",
]


def nav_labels(response) -> list[str]:
    return [item.label for item in response.context["nav_items"]]


@pytest.fixture
def busy_programme(world):
    """Thirty more of everything, so that a query per row would show."""
    for n in range(30):
        hospital = OrganisationFactory(name=f"Ziekenhuis Testdorp {n:02d}")
        DepartmentFactory(organisation=hospital)
        RoleFactory(organisation=hospital, kind=RoleKind.TRAINEE)
        for kind in (RoleKind.MEDICAL_DOCTOR, RoleKind.TRAINEE, RoleKind.HOSPITAL_SUPERVISOR):
            RoleFactory(organisation=world.hospital_a, kind=kind)
        Role.objects.create(
            user=UserFactory(), organisation=world.university, kind=RoleKind.PROGRAMME_OFFICE
        )
        record_event(actor=world.office, action="organisation.created", target=hospital)
        UserFactory()  # an account without a role
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_each_persona_their_home_page_in_a_fixed_number_of_queries(
    busy_programme, client_for, django_assert_max_num_queries, persona
):
    client = client_for(getattr(busy_programme, persona))
    # Each role's sections add a fixed number of queries (the office's page has the most
    # sections); the bound does not depend on how much data there is.
    with django_assert_max_num_queries(35):
        response = client.get("/")
    assert response.status_code == 200


def test_it_shows_the_office_what_needs_attention(world, client_for):
    OrganisationFactory(name="Ziekenhuis Zonder Coordinator")
    response = client_for(world.office).get("/")
    text = page_text(response)
    assert "Welcome, Olga" in text
    assert "Programme office" in text
    assert "Ziekenhuis Zonder Coordinator" in text
    assert "have no coordinator" in text or "has no coordinator" in text
    assert {"Organisations", "People", "Audit trail"} <= set(nav_labels(response))


def test_it_shows_a_coordinator_their_hospital(world, client_for):
    response = client_for(world.coordinator_a).get("/")
    text = page_text(response)
    assert "Amstelland Medisch Centrum" in text
    assert "Maasoever" not in text
    labels = nav_labels(response)
    assert "My organisations" in labels
    assert "People" in labels
    assert "Audit trail" not in labels
    [section] = [s for s in response.context["sections"] if s.kind == "hospital_coordinator"]
    [hospital] = section.context["hospitals"]
    assert (hospital.doctor_count, hospital.supervisor_count, hospital.trainee_count) == (1, 1, 1)


def test_it_shows_a_doctor_where_they_work_and_whom_to_ask(world, client_for):
    response = client_for(world.doctor_a).get("/")
    text = page_text(response)
    assert "Amstelland Medisch Centrum" in text
    assert "Cora Coordinator" in text
    assert "cora@example.org" in text
    assert "Ben Coordinator" not in text
    labels = nav_labels(response)
    assert "People" not in labels
    assert "Audit trail" not in labels


def test_it_shows_a_person_with_two_roles_both_sections(world, client_for):
    Role.objects.create(
        user=world.university_supervisor,
        organisation=world.university,
        kind=RoleKind.COMMITTEE_MEMBER,
    )
    response = client_for(world.university_supervisor).get("/")
    titles = [section.title for section in response.context["sections"]]
    assert "University supervisor" in titles
    assert "Selection committee member" in titles


def test_it_welcomes_an_applicant_without_staff_navigation(world, client_for):
    response = client_for(world.applicant).get("/")
    text = page_text(response)
    assert "Welcome, Anna" in text
    assert [s.kind for s in response.context["sections"]] == ["applicant"]
    labels = nav_labels(response)
    assert "People" not in labels
    assert "Audit trail" not in labels
    assert "My organisations" not in labels


def test_it_sends_a_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_it_reports_its_health_without_sign_in(db, client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_shows_a_friendly_page_for_an_unknown_address(world, client_for):
    response = client_for(world.doctor_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "<html" in page_text(response)
    assert "Traceback" not in page_text(response)
