"""Who sees the reports: the programme office all of them, a hospital coordinator the same reports
for their own hospital only, whatever the filters ask; everyone else is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from qme.reports.views import REPORTS
from tests.helpers import api

from .factories import application_to, position_at, traineeship_at
from .test_figures import body, table

pytestmark = pytest.mark.django_db

PAGES = [
    "/reports/",
    *[f"/reports/{slug}/" for slug in REPORTS],
    "/reports/pipeline/pipeline.csv",
    "/reports/regions/provinces.xlsx",
]


@pytest.fixture
def two_hospitals(world):
    for hospital in (world.hospital_a, world.hospital_b):
        position = position_at(hospital, world.university, world.office, dt.date(2025, 9, 1))
        application_to(position)
        traineeship_at(hospital, world.university, dt.date(2025, 9, 1))
    return world


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_an_anonymous_visitor_to_sign_in(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["trainee_a", "doctor_a", "supervisor_a", "applicant"])
@pytest.mark.parametrize("url", PAGES)
def test_it_refuses_people_without_the_role(world, client_for, persona, url):
    assert client_for(getattr(world, persona)).get(url).status_code == 403


@pytest.mark.parametrize("persona", ["trainee_a", "university_supervisor", "board_member"])
def test_it_refuses_them_in_the_api_too(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert api(client, "get", "reports").status_code == 403
    assert api(client, "get", "reports/pipeline").status_code == 403


def test_it_asks_the_api_to_authenticate(client, world):
    assert api(client, "get", "reports/pipeline").status_code == 401


def test_it_shows_reports_in_the_navigation_of_the_office_and_coordinators(world, client_for):
    assert 'href="/reports/"' in client_for(world.office).get("/").content.decode()
    assert 'href="/reports/"' in client_for(world.coordinator_a).get("/").content.decode()
    assert 'href="/reports/"' not in client_for(world.trainee_a).get("/").content.decode()


def test_it_answers_404_for_a_report_or_table_that_does_not_exist(world, client_for):
    client = client_for(world.office)
    assert client.get("/reports/nothing/").status_code == 404
    assert client.get("/reports/pipeline/nothing.csv").status_code == 404
    assert client.get("/reports/nothing/pipeline.csv").status_code == 404
    assert api(client, "get", "reports/nothing").status_code == 404


@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_shows_a_coordinator_their_own_hospital_only(two_hospitals, client_for, slug):
    world = two_hospitals
    client = client_for(world.coordinator_a)
    for query in ("", f"?hospital={world.hospital_b.pk}", "?region=ZH"):
        page = body(client.get(f"/reports/{slug}/{query}"))
        assert "Maasoever" not in page
        data = api(client, "get", f"reports/{slug}{query}")
        assert "Maasoever" not in data.content.decode()
        for key in _tables(slug):
            assert (
                "Maasoever" not in client.get(f"/reports/{slug}/{key}.csv{query}").content.decode()
            )


def test_it_counts_only_the_coordinators_hospital(two_hospitals, client_for):
    world = two_hospitals
    client = client_for(world.coordinator_a)
    pipeline = table(client, "pipeline", "pipeline")
    assert pipeline["rows"] == [["Amstelland Medisch Centrum", 1, 1, 1, 1.0, 0, 1]]
    assert pipeline["totals"] == ["All hospitals", 1, 1, 1, 1.0, 0, 1]
    provinces = table(client, "regions", "provinces")
    assert provinces["totals"] == ["The Netherlands", 1, 1, 1]
    page = client.get("/reports/pipeline/").content.decode()
    assert "You see your own hospital only." in page
    # The hospital filter offers their own hospital and nothing else.
    assert "Maasoever" not in page


def test_it_says_a_filter_for_another_hospital_is_left_out(two_hospitals, client_for):
    world = two_hospitals
    client = client_for(world.coordinator_a)
    page = client.get(f"/reports/pipeline/?hospital={world.hospital_b.pk}").content.decode()
    assert "This filter is left out." in page
    response = api(client, "get", f"reports/pipeline?hospital={world.hospital_b.pk}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "hospital"]


def test_it_shows_the_office_every_hospital(two_hospitals, client_for):
    client = client_for(two_hospitals.office)
    rows = table(client, "pipeline", "pipeline")["rows"]
    assert [row[0] for row in rows] == ["Amstelland Medisch Centrum", "Ziekenhuis De Maasoever"]


def _tables(slug: str) -> list[str]:
    return {
        "pipeline": ["pipeline"],
        "cohort-progress": ["months", "trainees"],
        "completion": ["cohorts"],
        "feedback-cadence": ["hospitals", "supervisors"],
        "review-outcomes": ["outcomes"],
        "regions": ["provinces"],
    }[slug]
