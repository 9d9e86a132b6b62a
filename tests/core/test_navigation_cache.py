"""A signed-in person's navigation is worked out once and kept until what it depends on changes:
a role given or ended, a traineeship, an application or a committee seat shows on the next page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.organisations.models import Role, RoleKind
from qme.selection.models import CommitteeMember, Side
from tests.factories import UserFactory
from tests.positions.factories import open_position

pytestmark = pytest.mark.django_db


def _sections(response) -> list[str]:
    return [item.section for item in response.context["nav_items"]]


def test_the_navigation_is_read_once_and_kept(world, client_for):
    client = client_for(world.coordinator_a)
    with CaptureQueriesContext(connection) as first:
        client.get("/notifications/")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/notifications/")
    assert "reports" in _sections(response)
    asked = [q["sql"] for q in first.captured_queries if "selection_committeemember" in q["sql"]]
    assert asked, "the first page works the navigation out"
    assert not [q for q in second.captured_queries if "selection_committeemember" in q["sql"]]
    assert len(second) < len(first)


def test_a_new_role_shows_on_the_next_page_and_an_ended_one_goes(world, client_for):
    person = UserFactory(full_name="Nina New")
    client = client_for(person)
    assert "reports" not in _sections(client.get("/notifications/"))
    role = Role.objects.create(
        user=person, organisation=world.hospital_a, kind=RoleKind.HOSPITAL_COORDINATOR
    )
    assert "reports" in _sections(client.get("/notifications/"))
    role.starts_on = timezone.localdate() - dt.timedelta(days=30)
    role.ends_on = timezone.localdate() - dt.timedelta(days=1)
    role.save()
    assert "reports" not in _sections(client.get("/notifications/"))


def test_a_committee_seat_shows_selection_on_the_next_page(world, client_for):
    client = client_for(world.doctor_a)
    assert "selection" not in _sections(client.get("/notifications/"))
    CommitteeMember.objects.create(
        position=open_position(world), user=world.doctor_a, side=Side.HOSPITAL
    )
    assert "selection" in _sections(client.get("/notifications/"))


def _own_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_person_and_language_has_their_own(world):
    office = _own_client(world.office)
    trainee = _own_client(world.trainee_a)
    assert "audit" in _sections(office.get("/notifications/"))
    assert "audit" not in _sections(trainee.get("/notifications/"))
    assert "audit" in _sections(office.get("/notifications/"))
    world.office.language = "nl"
    world.office.save(update_fields=["language"])
    labels = [item.label for item in office.get("/notifications/").context["nav_items"]]
    assert "Organisaties" in labels
