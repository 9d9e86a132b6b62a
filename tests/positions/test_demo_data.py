"""`qme seed` shows requests and positions in every state; `--scale national` adds hundreds over
ten years. Both keep the rules the services keep."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from qme.core import seeding
from qme.organisations.models import OrganisationKind
from qme.positions.models import Position, PositionRequest, PositionStatus, RequestStatus

from .factories import POSITION_STATES


def _by_status(model) -> Counter:
    return Counter(model.objects.values_list("status", flat=True))


def _assert_consistent() -> None:
    """Every approved request, and only those, has a position; a position belongs to its
    request's hospital and to a university; a published one has a publication date."""
    approved = PositionRequest.objects.filter(status=RequestStatus.APPROVED)
    assert not approved.filter(position__isnull=True).exists()
    assert (
        not PositionRequest.objects.exclude(status=RequestStatus.APPROVED)
        .filter(position__isnull=False)
        .exists()
    )
    assert (
        not PositionRequest.objects.exclude(status=RequestStatus.DRAFT)
        .filter(submitted_at__isnull=True)
        .exists()
    )
    positions = Position.objects.all()
    assert not positions.exclude(hospital=F("request__hospital")).exists()
    assert not positions.exclude(university__kind=OrganisationKind.UNIVERSITY).exists()
    assert not positions.filter(application_deadline__gt=F("start_date")).exists()
    assert not positions.exclude(status=PositionStatus.DRAFT).filter(published_at=None).exists()


@pytest.mark.django_db
def test_it_seeds_requests_and_positions_in_every_state():
    seeding.seed_demo()
    requests, positions = _by_status(PositionRequest), _by_status(Position)
    assert set(requests) == set(RequestStatus.values), requests
    assert set(positions) >= set(POSITION_STATES), positions
    _assert_consistent()


@pytest.mark.django_db
def test_it_seeds_once():
    seeding.seed_demo()
    counts = (PositionRequest.objects.count(), Position.objects.count())
    seeding.seed_demo()
    assert (PositionRequest.objects.count(), Position.objects.count()) == counts


@pytest.mark.django_db
def test_it_puts_the_open_demo_positions_on_the_public_page(client):
    seeding.seed_demo()
    client.cookies["qme_language"] = "en"
    response = client.get("/positions/")
    shown = {p.pk for p in response.context["page"].object_list}
    assert shown == set(Position.objects.open_for_applications().values_list("pk", flat=True))
    assert shown


@pytest.mark.django_db
def test_it_seeds_a_national_volume_over_ten_years():
    seeding.seed_demo()
    # The positions at national volume; the other volumes as small as they go (each position
    # still gets an application and each trainee two feedback entries).
    seeding.seed_national(hospitals=12, people=150, graduates=12, applications=1, feedback=1)
    national = PositionRequest.objects.filter(title__startswith="National project")
    assert national.count() >= 300
    assert Position.objects.filter(request__in=national).count() >= 100
    years = {d.year for d in national.values_list("submitted_at", flat=True) if d}
    assert max(years) - min(years) >= 9
    assert set(_by_status(PositionRequest)) == set(RequestStatus.values)
    assert set(_by_status(Position)) >= set(POSITION_STATES)
    _assert_consistent()
    today = timezone.localdate()
    assert not Position.objects.filter(
        status=PositionStatus.OPEN, application_deadline__lt=today - dt.timedelta(days=1)
    ).exists()
