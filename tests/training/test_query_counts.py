"""Pages and API lists of training cost a fixed number of queries, however many traineeships,
plan items, records or versions they show: the same with thirty as with three."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.organisations.models import RoleKind
from qme.training import services
from qme.training.models import (
    ItemRecord,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TrainingPlan,
)
from tests.factories import OrganisationFactory, person_with_role
from tests.helpers import api

from .factories import bulk_items, traineeship_of

MANY = 30


def _queries(call) -> int:
    """The queries of a request, asked once before so that what is made once (settings, caches)
    is not counted), with nothing kept in the cache: the whole cost of working the page out."""
    call()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def _trainees(world, count: int) -> list[Traineeship]:
    """Traineeships supervised by Ulla, at hospital A and at hospitals of their own, each with an
    approved plan of three items, one waiting for sign-off, and a submitted new version."""
    made = []
    for n in range(count):
        hospital = world.hospital_a if n % 3 == 0 else OrganisationFactory()
        trainee = person_with_role(RoleKind.TRAINEE, hospital, full_name=f"Trainee {n:02d}")
        traineeship = traineeship_of(
            world,
            trainee=trainee,
            hospital=hospital,
            start=timezone.localdate() - dt.timedelta(days=30 * n),
        )
        plan = TrainingPlan.objects.create(
            traineeship=traineeship, version=1, status=PlanStatus.APPROVED
        )
        items = bulk_items(plan, 3)
        ItemRecord.objects.create(
            traineeship=traineeship,
            item_key=items[0].key,
            title=items[0].title,
            completed_on=timezone.localdate(),
            status=RecordStatus.RECORDED,
        )
        TrainingPlan.objects.create(
            traineeship=traineeship,
            version=2,
            status=PlanStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        made.append(traineeship)
    return made


@pytest.fixture
def grow(world, rules):
    """grow(n): n more traineeships."""
    return lambda n: _trainees(world, n)


PAGES = [
    ("office", "/training/", 12),
    ("office", "/training/?status=active&cohort={year}", 12),
    ("coordinator_a", "/training/", 14),
    ("university_supervisor", "/training/", 14),
    ("university_supervisor", "/", 25),  # the home page: what waits for the supervisor
]


@pytest.mark.parametrize(("persona", "url", "most"), PAGES)
def test_lists_cost_the_same_for_thirty_as_for_three(world, client_for, grow, persona, url, most):
    client = client_for(getattr(world, persona))
    url = url.format(year=timezone.localdate().year)
    grow(3)
    few = _queries(lambda: client.get(url))
    grow(MANY - 3)
    many = _queries(lambda: client.get(url))
    assert many == few, (few, many)
    assert many <= most, many


API = [
    ("office", "traineeships?limit=100"),
    ("university_supervisor", "traineeships?limit=100"),
    ("coordinator_a", "traineeships?status=active&limit=100"),
    ("trainee_a", "catalogue"),
]


@pytest.mark.parametrize(("persona", "path"), API)
def test_api_lists_cost_the_same_for_thirty_as_for_three(
    world, client_for, grow, catalogue, persona, path
):
    client = client_for(getattr(world, persona))
    grow(3)
    few = _queries(lambda: api(client, "get", path))
    grow(MANY - 3)
    for n in range(MANY):
        catalogue.regulation.editions.create(
            starts_on=dt.date(2030, 1, 1) + dt.timedelta(days=n),
            ends_on=dt.date(2030, 1, 2) + dt.timedelta(days=n),
            place="Delft",
        )
    many = _queries(lambda: api(client, "get", path))
    assert many == few, (few, many)
    assert many <= 8, many


@pytest.fixture
def one(world, rules):
    """Tim's traineeship with an approved plan of `items` components, every third recorded and
    every third of those signed off, two periods of leave, an extension, and a draft new
    version with a component more."""

    def _make(items: int) -> Traineeship:
        traineeship = traineeship_of(world)
        plan = TrainingPlan.objects.create(
            traineeship=traineeship, version=1, status=PlanStatus.APPROVED
        )
        made = bulk_items(plan, items)
        ItemRecord.objects.bulk_create(
            ItemRecord(
                traineeship=traineeship,
                item_key=item.key,
                title=item.title,
                completed_on=timezone.localdate(),
                status=RecordStatus.SIGNED_OFF if n % 9 == 0 else RecordStatus.RECORDED,
            )
            for n, item in enumerate(made)
            if n % 3 == 0
        )
        today = timezone.localdate()
        for start in (today - dt.timedelta(days=60), today + dt.timedelta(days=60)):
            services.record_leave(
                actor=world.office,
                traineeship=traineeship,
                kind="sick",
                starts_on=start,
                ends_on=start + dt.timedelta(days=5),
            )
        services.grant_extension(
            actor=world.office, traineeship=traineeship, days=30, reason="Catch up."
        )
        draft = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        services.add_plan_item(
            actor=world.trainee_a,
            plan=draft,
            kind="course",
            title="One more course",
            ec=Decimal(3),
            planned_start=today,
            planned_end=today + dt.timedelta(days=10),
        )
        return traineeship

    return _make


@pytest.mark.parametrize(
    ("persona", "path", "most"),
    [
        ("trainee_a", "/training/{pk}/", 25),
        ("university_supervisor", "/training/{pk}/", 25),
        ("office", "/training/{pk}/", 25),
        ("trainee_a", "/training/{pk}/plan/", 25),
        ("university_supervisor", "/training/{pk}/plan/", 25),
        ("trainee_a", "/", 35),  # the trainee's home page
    ],
)
def test_a_traineeship_with_thirty_items_costs_what_one_with_three_does(
    world, client_for, one, persona, path, most
):
    client = client_for(getattr(world, persona))
    small = one(3)
    few = _queries(lambda: client.get(path.format(pk=small.pk)))
    Traineeship.objects.filter(pk=small.pk).update(status="discontinued")
    large = one(MANY)
    many = _queries(lambda: client.get(path.format(pk=large.pk)))
    assert many == few, (few, many)
    assert many <= most, many


@pytest.mark.parametrize(
    "path",
    [
        "traineeships/{pk}",
        "traineeships/{pk}/progress",
        "traineeships/{pk}/plans",
        "traineeships/{pk}/records",
        "traineeships/{pk}/milestones",
    ],
)
def test_the_api_of_a_traineeship_with_thirty_items_costs_what_three_do(
    world, client_for, one, path
):
    client = client_for(world.university_supervisor)
    small = one(3)
    few = _queries(lambda: api(client, "get", path.format(pk=small.pk)))
    Traineeship.objects.filter(pk=small.pk).update(status="discontinued")
    large = one(MANY)
    many = _queries(lambda: api(client, "get", path.format(pk=large.pk)))
    assert many == few, (few, many)
    assert many <= 12, many


def test_the_versions_of_a_plan_cost_the_same_for_ten_as_for_two(world, client_for, rules):
    traineeship = traineeship_of(world)
    client = client_for(world.university_supervisor)
    path = f"traineeships/{traineeship.pk}/plans"

    def versions(first: int, last: int) -> None:
        for version in range(first, last + 1):
            plan = TrainingPlan.objects.create(
                traineeship=traineeship, version=version, status=PlanStatus.SUPERSEDED
            )
            bulk_items(plan, 3)

    versions(1, 2)
    few = _queries(lambda: api(client, "get", path))
    versions(3, 10)
    response = api(client, "get", path)
    assert len(response.json()) == 10
    many = _queries(lambda: api(client, "get", path))
    assert many == few, (few, many)
