"""Supervisors see their own trainees, hospital coordinators their hospital's, the programme office
everyone, with filters by hospital, university, cohort and status. Everyone else gets a 404, on
the pages and in the API, and a list never shows more than the detail page would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from qme.accounts.models import User
from qme.organisations.models import RoleKind
from qme.training import selectors, services
from qme.training.models import Traineeship
from tests.factories import UniversityFactory, person_with_role
from tests.helpers import api

from .factories import rules_for, traineeship_of
from .helpers import text


@dataclass
class Three:
    tim: Traineeship  # hospital A, the world's university, this year's cohort
    bea: Traineeship  # hospital B, the world's university, a supervisor of its own
    carl: Traineeship  # hospital A, another university, last year's cohort, on leave
    bea_supervisor: User
    carl_supervisor: User


@pytest.fixture
def three(world, catalogue, rules) -> Three:
    today = timezone.localdate()
    rules_for(catalogue, today.year - 1)
    tim = traineeship_of(world)
    bea_supervisor = person_with_role(
        RoleKind.UNIVERSITY_SUPERVISOR, world.university, full_name="Uwe Universiteit"
    )
    bea = traineeship_of(
        world,
        trainee=person_with_role(RoleKind.TRAINEE, world.hospital_b, full_name="Bea Bakker"),
        hospital=world.hospital_b,
        university_supervisor=bea_supervisor,
        design_project_title="Dose tracking in CT",
    )
    delft = UniversityFactory(name="Delft University of Technology", short_name="TU Delft")
    carl_supervisor = person_with_role(
        RoleKind.UNIVERSITY_SUPERVISOR, delft, full_name="Dirk-Jan Delft"
    )
    carl = traineeship_of(
        world,
        trainee=person_with_role(RoleKind.TRAINEE, world.hospital_a, full_name="Carl Claes"),
        university=delft,
        start=dt.date(today.year - 1, 9, 1),
        university_supervisor=carl_supervisor,
        hospital_supervisor=person_with_role(RoleKind.HOSPITAL_SUPERVISOR, world.hospital_a),
        medical_doctor=None,
        design_project_title="Sensor fusion on the ward",
    )
    services.record_leave(
        actor=world.office,
        traineeship=carl,
        kind="parental",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=100),
    )
    return Three(tim, bea, carl, bea_supervisor, carl_supervisor)


def _names(user) -> set[str]:
    return {t.trainee.full_name for t in selectors.traineeship_list(user)}


def _listed(client, query: str = "") -> set[str]:
    response = client.get(f"/training/{query}")
    assert response.status_code == 200
    return {t.trainee.full_name for t in response.context["page"].object_list}


class TestWhoSeesWhom:
    def test_each_sees_the_right_traineeships(self, world, three):
        assert _names(world.office) == {"Tim Trainee", "Bea Bakker", "Carl Claes"}
        assert _names(world.coordinator_a) == {"Tim Trainee", "Carl Claes"}
        assert _names(world.coordinator_b) == {"Bea Bakker"}
        assert _names(world.university_supervisor) == {"Tim Trainee"}
        assert _names(world.supervisor_a) == {"Tim Trainee"}
        assert _names(world.doctor_a) == {"Tim Trainee"}
        assert _names(three.bea_supervisor) == {"Bea Bakker"}
        assert _names(three.carl_supervisor) == {"Carl Claes"}
        assert _names(world.trainee_a) == {"Tim Trainee"}
        assert _names(three.carl.trainee) == {"Carl Claes"}
        assert _names(world.applicant) == set()
        assert _names(world.board_member) == set()

    @pytest.mark.parametrize(
        ("persona", "visible"),
        [
            ("office", {"tim", "bea", "carl"}),
            ("coordinator_a", {"tim", "carl"}),
            ("coordinator_b", {"bea"}),
            ("university_supervisor", {"tim"}),
            ("supervisor_a", {"tim"}),
            ("trainee_a", {"tim"}),
            ("applicant", set()),
            ("board_member", set()),
        ],
    )
    def test_the_list_page_api_and_detail_pages_agree(
        self, world, client_for, three, persona, visible
    ):
        client = client_for(getattr(world, persona))
        everyone = {"tim": three.tim, "bea": three.bea, "carl": three.carl}
        shown = _listed(client)
        assert shown == {everyone[k].trainee.full_name for k in visible}
        response = api(client, "get", "traineeships?limit=100")
        assert response.status_code == 200
        assert {t["id"] for t in response.json()["items"]} == {everyone[k].pk for k in visible}
        for key, traineeship in everyone.items():
            expected = 200 if key in visible else 404
            for path in ["", "plan/", "project/"]:
                assert client.get(f"/training/{traineeship.pk}/{path}").status_code == expected, (
                    key,
                    path,
                )
            for path in ["", "/progress", "/plans", "/records", "/milestones"]:
                response = api(client, "get", f"traineeships/{traineeship.pk}{path}")
                assert response.status_code == expected, (key, path)

    def test_a_supervisor_who_stops_sees_nothing_more(self, world, client_for, three):
        Traineeship.objects.filter(pk=three.tim.pk).update(university_supervisor=None)
        client = client_for(world.university_supervisor)
        assert client.get(f"/training/{three.tim.pk}/").status_code == 404
        assert _listed(client) == set()

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, three):
        for path in ["/training/", f"/training/{three.tim.pk}/", "/training/catalogue/"]:
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=")
        assert api(client, "get", "traineeships").status_code == 401


class TestFilters:
    def test_the_office_filters_by_hospital_university_cohort_and_status(
        self, world, client_for, three
    ):
        client = client_for(world.office)
        last_year = timezone.localdate().year - 1
        assert _listed(client, f"?hospital={world.hospital_b.pk}") == {"Bea Bakker"}
        assert _listed(client, f"?university={three.carl.university_id}") == {"Carl Claes"}
        assert _listed(client, f"?cohort={last_year}") == {"Carl Claes"}
        assert _listed(client, "?status=on_leave") == {"Carl Claes"}
        assert _listed(client, "?status=active") == {"Tim Trainee", "Bea Bakker"}
        assert _listed(client, f"?hospital={world.hospital_a.pk}&status=active") == {"Tim Trainee"}
        assert _listed(client, "?q=dose") == {"Bea Bakker"}
        assert _listed(client, "?q=carl") == {"Carl Claes"}
        page = text(client.get("/training/?status=discontinued"))
        assert "No traineeships match these filters." in page

    def test_a_filter_never_shows_more_than_the_person_may_see(self, world, client_for, three):
        client = client_for(world.coordinator_b)
        assert _listed(client, f"?hospital={world.hospital_a.pk}") == set()
        assert _listed(client, "?status=on_leave") == set()

    def test_the_api_filters_too(self, world, client_for, three):
        client = client_for(world.office)
        last_year = timezone.localdate().year - 1

        def ids(query: str) -> set[int]:
            response = api(client, "get", f"traineeships?{query}")
            assert response.status_code == 200, response.content
            return {t["id"] for t in response.json()["items"]}

        assert ids("status=on_leave") == {three.carl.pk}
        assert ids(f"cohort={last_year}") == {three.carl.pk}
        assert ids(f"hospital={world.hospital_b.pk}") == {three.bea.pk}
        assert ids(f"university={three.carl.university_id}") == {three.carl.pk}
        assert api(client, "get", "traineeships?status=asleep").status_code == 422
