"""The selection pages and lists cost a fixed number of queries, however many candidates, scores
or procedures they show: the count with a few is the count with thirty, and stays under a bound."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.positions.models import PositionStatus
from qme.selection import services
from qme.selection.models import Application, ApplicationStatus, Score, ScoreSheet
from tests.factories import UserFactory
from tests.helpers import api
from tests.positions.factories import BulkPositionFactory

from .factories import add_committee, fresh, procedure_for

FEW, MANY = 3, 30


def bulk_candidates(proc, n: int, *, scored: bool = True) -> list[Application]:
    """n more submitted candidates, every member's sheet submitted for each of them."""
    people = [UserFactory() for _ in range(n)]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            position=proc.position,
            applicant=person,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            master_field="Biomedical Engineering",
        )
        for person in people
    )
    if scored:
        stage = proc.stage()
        criteria = list(stage.criteria.all())
        members = list(proc.position.committee.all())
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(stage=stage, application=a, member=m, submitted_at=now)
            for a in applications
            for m in members
        )
        Score.objects.bulk_create(
            Score(sheet=s, criterion=c, value=1 + (s.pk + c.pk) % 5, justification="Fine.")
            for s in sheets
            for c in criteria
        )
    return applications


def count(client, path: str, *, json: bool = False) -> int:
    """The queries of a request, after one request to warm the caches of the process, with
    nothing kept in the shared cache: the whole cost of working the page out."""

    def get():
        return api(client, "get", path) if json else client.get(path)

    get()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200, path
    return len(queries)


@pytest.fixture
def grow(world):
    """grow(n): the procedure with n more scored candidates."""
    proc = procedure_for(world, candidates=1)

    def _grow(n: int):
        bulk_candidates(proc, n)
        return proc

    return _grow


@pytest.mark.parametrize(
    ("who", "page", "most"),
    [
        ("hos_member", "procedure", 20),
        ("office", "procedure", 20),
        ("hos_member", "results", 22),
        ("office", "results", 22),
        ("uni_chair", "decision", 18),
    ],
)
def test_it_shows_a_procedures_pages_in_the_same_queries_with_thirty_candidates(
    world, grow, own_client, who, page, most
):
    proc = grow(FEW)
    person = getattr(proc, who, None) or getattr(world, who)
    client = own_client(person)
    path = {
        "procedure": f"/selection/{proc.position.pk}/",
        "results": f"/selection/{proc.position.pk}/stages/{proc.stage().pk}/",
        "decision": f"/selection/{proc.position.pk}/decision/",
    }[page]
    few = count(client, path)
    grow(MANY - FEW)
    many = count(client, path)
    assert many == few
    assert many <= most


def test_it_lists_candidates_in_the_api_in_the_same_queries_with_thirty(world, grow, own_client):
    proc = grow(FEW)
    client = own_client(proc.hos_member)
    path = f"selection/{proc.position.pk}/candidates?limit=100"
    few = count(client, path, json=True)
    grow(MANY - FEW)
    many = count(client, path, json=True)
    assert api(client, "get", path).json()["count"] == MANY + 1
    assert many == few
    assert many <= 10


def test_it_answers_the_results_api_in_the_same_queries_with_thirty(world, grow, own_client):
    proc = grow(FEW)
    client = own_client(proc.uni_member)
    path = f"selection/{proc.position.pk}/stages/{proc.stage().pk}/results"
    few = count(client, path, json=True)
    grow(MANY - FEW)
    assert count(client, path, json=True) == few <= 15


def _procedures(world, n: int) -> None:
    """n more positions in selection with the same committee (at hospital A)."""
    for _ in range(n):
        position = BulkPositionFactory(
            request__hospital=world.hospital_a,
            hospital=world.hospital_a,
            university=world.university,
            status=PositionStatus.SELECTION,
        )
        position.request.university_supervisor = world.university_supervisor
        position.request.save()
        add_committee(world, position)


@pytest.mark.parametrize("who", ["office", "supervisor_a"])
def test_it_lists_procedures_in_the_same_queries_with_thirty(world, own_client, who):
    _procedures(world, FEW)
    client = own_client(getattr(world, who))
    few = count(client, "/selection/")
    _procedures(world, MANY - FEW)
    many = count(client, "/selection/")
    assert many == few <= 12
    assert len(client.get("/selection/").context["positions"]) == MANY


def test_it_shows_my_applications_in_the_same_queries_with_thirty(world, own_client):
    def apply(n):
        for _ in range(n):
            position = BulkPositionFactory(university=world.university)
            services.start_application(actor=fresh(world.applicant), position=position)

    apply(FEW)
    client = own_client(world.applicant)
    few = count(client, "/applications/")
    home_few = count(client, "/")
    apply(MANY - FEW)
    assert count(client, "/applications/") == few <= 10
    assert count(client, "/") == home_few <= 20
    assert count(client, "applications", json=True) <= 10


def test_it_shows_a_committee_members_home_in_the_same_queries_with_thirty_candidates(
    world, own_client
):
    proc = procedure_for(world, candidates=1)
    other = procedure_for(world, candidates=1)
    client = own_client(proc.hos_member)
    bulk_candidates(proc, FEW, scored=False)
    few = count(client, "/")
    bulk_candidates(proc, MANY - FEW, scored=False)
    bulk_candidates(other, MANY, scored=False)
    many = count(client, "/")
    assert many == few <= 22
    page = client.get("/").content.decode()
    assert f"{MANY + 1} candidates to score" in page
