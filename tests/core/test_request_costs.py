"""What every signed-in page costs: the person's roles (for the two-factor check and the rules)
and the unread count in the header are kept per person in the versioned cache, and the versions
are read once per request. A change still counts on the very next request."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qme.feedback.models import ProgrammeSettings
from qme.notifications.models import Notification
from qme.organisations.models import Role, RoleKind
from qme.reports import cache as versioned
from qme.training.models import Traineeship


def test_a_kept_page_costs_the_session_and_the_person_only(world, client_for):
    ProgrammeSettings.current()  # made on first use: a write that would renew the page
    client = client_for(world.supervisor_a)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in queries.captured_queries]
    assert tables == ['"django_session"', '"accounts_user"']


def test_a_new_programme_office_role_asks_for_two_factor_on_the_next_request(world, client_for):
    client = client_for(world.supervisor_a)
    assert client.get("/").status_code == 200
    Role.objects.create(
        user=world.supervisor_a, organisation=world.university, kind=RoleKind.PROGRAMME_OFFICE
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_an_ended_role_takes_its_pages_away_on_the_next_request(world, client_for):
    client = client_for(world.coordinator_a)
    assert client.get(reverse("people:list")).status_code == 200
    Role.objects.filter(user=world.coordinator_a).delete()
    assert client.get(reverse("people:list")).status_code == 403


def test_a_new_notification_is_counted_in_the_header_at_once(world, client_for):
    client = client_for(world.supervisor_a)
    assert 'class="count-badge"' not in client.get("/").content.decode()
    Notification.objects.create(recipient=world.supervisor_a, kind="x", title="New", link="/")
    assert 'class="count-badge"' in client.get("/").content.decode()


def test_a_write_within_a_request_is_seen_by_what_the_request_reads_after_it(world):
    computed = []

    def count() -> int:
        computed.append(1)
        return Traineeship.objects.count()

    versioned._start_request()  # what request_started does (its other receivers close connections)
    try:
        versioned.remember("test:count", (Traineeship,), None, count)
        versioned.remember("test:count", (Traineeship,), None, count)
        assert len(computed) == 1, "the second call of the request takes what was kept"
        versioned.changed(Traineeship)
        versioned.remember("test:count", (Traineeship,), None, count)
        assert len(computed) == 2, "a write of the request makes it out of date"
    finally:
        versioned._end_request()


def test_a_removed_authenticator_asks_for_two_factor_on_the_next_request(world, client_for):
    client = client_for(world.office)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    Authenticator.objects.filter(user=world.office).delete()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
