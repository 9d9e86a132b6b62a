"""The figures of each report on a known data set, as the page, the API and the downloads show
them; and the filters narrow them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.feedback.models import Outcome, Side
from qme.positions.models import RequestStatus
from qme.training.models import PlanStatus, TraineeshipStatus
from tests.factories import OrganisationFactory, UniversityFactory
from tests.helpers import api

from .factories import (
    application_to,
    feedback_on,
    graduate,
    offer_for,
    plan_for,
    position_at,
    request_at,
    review_of,
    traineeship_at,
)

pytestmark = pytest.mark.django_db

D = dt.date


def body(response) -> str:
    """The page after its filter form: the charts and tables."""
    page = response.content.decode()
    return page.split('class="filters card"', 1)[1].split("</form>", 1)[1]


def table(client, slug: str, key: str, query: str = "") -> dict:
    response = api(client, "get", f"reports/{slug}{query}")
    assert response.status_code == 200, response.content
    return next(t for t in response.json()["tables"] if t["key"] == key)


@pytest.fixture
def pipeline_data(world):
    """Hospital A (Noord-Holland): four requests (one a draft), two positions of 2025 with five
    applications (and a draft), an offer and a trainee. Hospital B (Zuid-Holland): a position
    of 2026 with two applications, an offer and a trainee."""
    a, b, office = world.hospital_a, world.hospital_b, world.office
    request_at(a, office, intended_start=D(2025, 9, 1))
    request_at(a, office, intended_start=D(2025, 9, 1), submitted=False)
    first = position_at(a, world.university, office, D(2025, 9, 1))
    second = position_at(a, world.university, office, D(2025, 9, 1))
    applications = [application_to(first) for _ in range(3)]
    application_to(first, submitted=False)
    applications += [application_to(second) for _ in range(2)]
    offer_for(applications[0], office)
    traineeship_at(a, world.university, D(2025, 9, 1))
    position_b = position_at(b, world.university, office, D(2026, 9, 1))
    offer_for(application_to(position_b), office)
    application_to(position_b)
    traineeship_at(b, world.university, D(2026, 9, 1))
    return world


def test_it_counts_the_pipeline_per_hospital(pipeline_data, client_for):
    client = client_for(pipeline_data.office)
    pipeline = table(client, "pipeline", "pipeline")
    assert pipeline["rows"] == [
        ["Amstelland Medisch Centrum", 3, 2, 5, 2.5, 1, 1],
        ["Ziekenhuis De Maasoever", 1, 1, 2, 2.0, 1, 1],
    ]
    assert pipeline["totals"] == ["All hospitals", 4, 3, 7, 2.3, 2, 2]
    page = client.get("/reports/pipeline/").content.decode()
    assert "Amstelland Medisch Centrum" in page
    assert '<svg class="chart"' in page
    assert '<title id="chart-pipeline-t">' in page
    assert '<desc id="chart-pipeline-d">' in page
    assert "Applications: 7" in page  # the chart's own figure for a stage


def test_it_narrows_the_pipeline_by_every_filter(pipeline_data, client_for):
    world = pipeline_data
    client = client_for(world.office)
    assert table(client, "pipeline", "pipeline", "?region=ZH")["rows"] == [
        ["Ziekenhuis De Maasoever", 1, 1, 2, 2.0, 1, 1]
    ]
    assert table(client, "pipeline", "pipeline", "?cohort=2025")["rows"] == [
        ["Amstelland Medisch Centrum", 3, 2, 5, 2.5, 1, 1]
    ]
    assert table(client, "pipeline", "pipeline", f"?hospital={world.hospital_b.pk}")["rows"] == [
        ["Ziekenhuis De Maasoever", 1, 1, 2, 2.0, 1, 1]
    ]
    other = UniversityFactory(name="Erasmus Universiteit")
    assert table(client, "pipeline", "pipeline", f"?university={other.pk}")["rows"] == []
    # The request without a university yet is left out when a university is chosen.
    assert table(client, "pipeline", "pipeline", f"?university={world.university.pk}")[
        "totals"
    ] == ["All hospitals", 3, 3, 7, 2.3, 2, 2]
    page = body(client.get("/reports/pipeline/?region=ZH"))
    assert "Maasoever" in page
    assert "Amstelland" not in page


def test_it_shows_the_completion_rate_and_time_per_cohort(world, client_for):
    a, b, office = world.hospital_a, world.hospital_b, world.office
    start = D(2022, 9, 1)
    graduate(traineeship_at(a, world.university, start), start + dt.timedelta(730), office)
    graduate(traineeship_at(a, world.university, start), start + dt.timedelta(790), office)
    traineeship_at(a, world.university, start, status=TraineeshipStatus.DISCONTINUED)
    traineeship_at(a, world.university, start, status=TraineeshipStatus.EXTENDED)
    later = D(2023, 9, 1)
    graduate(traineeship_at(b, world.university, later), later + dt.timedelta(700), office)

    client = client_for(world.office)
    cohorts = table(client, "completion", "cohorts")
    assert cohorts["rows"] == [
        ["2022", 4, 2, 1, 1, 50.0, 25.0, 24.0, 26.0],
        ["2023", 1, 1, 0, 0, 100.0, 23.0, 23.0, 23.0],
    ]
    assert table(client, "completion", "cohorts", "?region=ZH")["rows"] == [
        ["2023", 1, 1, 0, 0, 100.0, 23.0, 23.0, 23.0]
    ]
    assert table(client, "completion", "cohorts", "?cohort=2022")["rows"][0][0] == "2022"
    assert len(table(client, "completion", "cohorts", "?cohort=2022")["rows"]) == 1


@pytest.fixture
def cadence_data(world):
    """Two active trainees at hospital A, started 200 days ago, supervised by Ulla (university)
    and Sara (hospital). T1 had feedback 100, 70, 50, 40, 10 and 5 days ago; T2 once, 5 days ago,
    from the hospital, and never from the university."""
    today = timezone.localdate()
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    people = {
        "university_supervisor": world.university_supervisor,
        "hospital_supervisor": world.supervisor_a,
    }
    t1 = traineeship_at(world.hospital_a, world.university, ago(200), **people)
    t2 = traineeship_at(world.hospital_a, world.university, ago(200), **people)
    for days in (100, 70, 40, 5):
        feedback_on(t1, world.university_supervisor, Side.UNIVERSITY, ago(days))
    for days in (50, 10):
        feedback_on(t1, world.supervisor_a, Side.HOSPITAL, ago(days))
    feedback_on(t2, world.supervisor_a, Side.HOSPITAL, ago(5))
    # Not active: not counted.
    gone = traineeship_at(
        world.hospital_a, world.university, ago(300), status=TraineeshipStatus.DISCONTINUED
    )
    feedback_on(gone, world.supervisor_a, Side.HOSPITAL, ago(3))
    return world


def test_it_measures_the_feedback_cadence_per_hospital(cadence_data, client_for):
    client = client_for(cadence_data.office)
    hospitals = table(client, "feedback-cadence", "hospitals")
    # 7 entries, 6 in 90 days; T1's 95 days over 5 gaps: 19 days; T2 has no university feedback.
    assert hospitals["rows"] == [["Amstelland Medisch Centrum", 2, 7, 6, 19.0, 1, 50.0]]
    page = client.get("/reports/feedback-cadence/").content.decode()
    assert "28 days" in page  # the interval drawn in the chart


def test_it_measures_the_feedback_cadence_per_supervisor(cadence_data, client_for):
    client = client_for(cadence_data.office)
    supervisors = table(client, "feedback-cadence", "supervisors")
    assert supervisors["rows"] == [
        # Ulla: 100, 70, 40, 5 days ago for T1 (95 days, 3 gaps); nothing for T2 (overdue).
        ["Ulla University", "University", 2, 4, 3, 31.7, 1],
        # Sara: 50 and 10 for T1 (40 days, 1 gap), 5 for T2; nobody overdue.
        ["Sara Supervisor", "Hospital", 2, 3, 3, 40.0, 0],
    ]
    assert table(client, "feedback-cadence", "supervisors", "?region=ZH")["rows"] == []


def test_it_counts_review_outcomes_per_quarter(world, client_for):
    trainee = traineeship_at(world.hospital_a, world.university, D(2024, 9, 1))
    review_of(trainee, D(2025, 2, 10), Outcome.SATISFACTORY)
    review_of(trainee, D(2025, 3, 30), Outcome.TARGETED_TRAINING)
    review_of(trainee, D(2025, 5, 1), Outcome.SATISFACTORY)
    review_of(trainee, D(2025, 5, 2), Outcome.SATISFACTORY)
    review_of(trainee, D(2025, 6, 1), "")  # not held yet: no outcome
    traineeship_at(world.hospital_b, world.university, D(2023, 9, 1))  # cohort 2023, no reviews
    client = client_for(world.office)
    outcomes = table(client, "review-outcomes", "outcomes")
    assert outcomes["columns"] == [
        "Quarter",
        "Satisfactory",
        "Targeted training needed",
        "Extra time needed",
        "Incomplete evidence",
        "Released from the programme",
        "All outcomes",
    ]
    assert outcomes["rows"] == [["2025 Q1", 1, 1, 0, 0, 0, 2], ["2025 Q2", 2, 0, 0, 0, 0, 2]]
    assert outcomes["totals"] == ["All quarters", 3, 1, 0, 0, 0, 4]
    assert table(client, "review-outcomes", "outcomes", "?cohort=2023")["rows"] == []
    assert table(client, "review-outcomes", "outcomes", "?region=ZH")["rows"] == []


def test_it_counts_participating_hospitals_per_province(world, client_for):
    position_at(world.hospital_a, world.university, world.office, D(2025, 9, 1))
    traineeship_at(world.hospital_b, world.university, D(2025, 9, 1))
    other = OrganisationFactory(name="Zaans Ziekenhuis", region="NH")
    position_at(other, world.university, world.office, D(2026, 9, 1))
    OrganisationFactory(name="Martini Groningen", region="GR")  # takes no part
    client = client_for(world.office)
    provinces = table(client, "regions", "provinces")
    by_name = {row[0]: row[1:] for row in provinces["rows"]}
    assert len(by_name) == 12
    assert by_name["Noord-Holland"] == [2, 2, 0]
    assert by_name["Zuid-Holland"] == [1, 0, 1]
    assert by_name["Groningen"] == [0, 0, 0]
    assert provinces["totals"] == ["The Netherlands", 3, 2, 1]
    assert table(client, "regions", "provinces", "?cohort=2026")["totals"] == [
        "The Netherlands",
        1,
        1,
        0,
    ]
    assert table(client, "regions", "provinces", "?region=ZH")["rows"] == [
        ["Zuid-Holland", 1, 0, 1]
    ]
    page = client.get("/reports/regions/").content.decode()
    assert "<title>Noord-Holland: 2</title>" in page
    assert "<title>Groningen: 0</title>" in page


@pytest.fixture
def cohort_data(world):
    """Cohort 2025: T1 plans 10 + 20 + 30 EC and has signed off the first two; T2 plans 15 + 45 EC
    and has signed off the 15. An older, replaced plan of T1 is left out."""
    t1 = traineeship_at(world.hospital_a, world.university, D(2025, 1, 1))
    t1.trainee.full_name = "Aafke Eerste"
    t1.trainee.save(update_fields=["full_name"])
    plan_for(
        t1,
        [(50, D(2025, 2, 15), D(2025, 2, 1))],
        status=PlanStatus.SUPERSEDED,
        version=1,
    )
    plan_for(
        t1,
        [
            (10, D(2025, 2, 15), D(2025, 2, 10)),
            (20, D(2025, 4, 30), D(2025, 5, 5)),
            (30, D(2025, 6, 30), None),
        ],
        version=2,
    )
    t2 = traineeship_at(world.hospital_b, world.university, D(2025, 3, 1))
    t2.trainee.full_name = "Bram Tweede"
    t2.trainee.save(update_fields=["full_name"])
    plan_for(t2, [(15, D(2025, 3, 31), D(2025, 3, 20)), (45, D(2025, 6, 15), None)])
    return world


def test_it_shows_cohort_progress_per_trainee_against_the_plan(cohort_data, client_for):
    client = client_for(cohort_data.office)
    trainees = table(client, "cohort-progress", "trainees")
    assert trainees["rows"] == [
        ["Aafke Eerste", "Amstelland Medisch Centrum", 60.0, 30.0, 120.0, 50.0],
        ["Bram Tweede", "Ziekenhuis De Maasoever", 60.0, 15.0, 120.0, 25.0],
    ]
    months = table(client, "cohort-progress", "months")
    assert months["rows"] == [
        ["2025-02", 5.0, 5.0],
        ["2025-03", 12.5, 12.5],
        ["2025-04", 22.5, 12.5],
        ["2025-05", 22.5, 22.5],
        ["2025-06", 60.0, 22.5],
    ]
    page = client.get("/reports/cohort-progress/").content.decode()
    assert "Cohort 2025: 2 trainees." in page
    assert "<polyline" in page


def test_it_shows_the_chosen_cohort_and_the_latest_by_default(cohort_data, client_for):
    world = cohort_data
    traineeship_at(world.hospital_a, world.university, D(2026, 9, 1))
    client = client_for(world.office)
    assert len(table(client, "cohort-progress", "trainees")["rows"]) == 1  # 2026
    assert len(table(client, "cohort-progress", "trainees", "?cohort=2025")["rows"]) == 2
    assert table(client, "cohort-progress", "trainees", "?cohort=2025&region=ZH")["rows"] == [
        ["Bram Tweede", "Ziekenhuis De Maasoever", 60.0, 15.0, 120.0, 25.0]
    ]


def test_it_leaves_requests_that_were_never_submitted_out(world, client_for):
    request_at(world.hospital_a, world.office, submitted=False)
    request_at(world.hospital_a, world.office, status=RequestStatus.DECLINED)
    client = client_for(world.office)
    assert table(client, "pipeline", "pipeline")["totals"][1] == 1


def test_it_speaks_the_language_of_the_reader(pipeline_data, client_for):
    office = pipeline_data.office
    office.language = "nl"
    office.save(update_fields=["language"])
    client = client_for(office)
    page = body(client.get("/reports/pipeline/"))
    assert '<th scope="col">Ziekenhuis</th>' in page
    assert "Aanvragen: 4" in page  # the chart's label of a stage, in Dutch
    pipeline = table(client, "pipeline", "pipeline")
    assert pipeline["columns"][0] == "Ziekenhuis"
    provinces = body(client.get("/reports/regions/"))
    assert "<title>Noord-Holland: 1</title>" in provinces
