"""Each person keeps their own name, phone and language up to date; the e-mail address is the
programme office's to change."""

from __future__ import annotations

import pytest

from qme.audit.models import AuditEvent
from tests.helpers import page_text, row_counts


def test_it_shows_the_persons_own_roles(world, client_for):
    response = client_for(world.coordinator_a).get("/accounts/profile/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Hospital coordinator, Amstelland Medisch Centrum" in text
    assert "cora@example.org" in text


def test_it_saves_changes_and_records_them(world, client_for):
    response = client_for(world.trainee_a).post(
        "/accounts/profile/",
        {
            "full_name": "Tim Trainee",
            "preferred_name": "Timmy",
            "phone": "0612345678",
            "language": "en",
        },
    )
    assert response.status_code == 302
    world.trainee_a.refresh_from_db()
    assert (world.trainee_a.preferred_name, world.trainee_a.phone) == ("Timmy", "0612345678")
    event = AuditEvent.objects.get(action="person.updated")
    assert event.actor == world.trainee_a
    assert sorted(event.data["fields"]) == ["phone", "preferred_name"]


def test_it_ignores_an_email_address_sent_along(world, client_for):
    client_for(world.trainee_a).post(
        "/accounts/profile/",
        {
            "full_name": "Tim Trainee",
            "language": "en",
            "email": "elsewhere@example.org",
            "is_staff": "on",
        },
    )
    world.trainee_a.refresh_from_db()
    assert world.trainee_a.email == "tim@example.org"
    assert not world.trainee_a.is_staff


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("full_name", "   ", "This field is required."),
        ("full_name", "n" * 10_000, "at most 200 characters"),
        ("full_name", "a\x00b", "Null characters are not allowed"),
        ("preferred_name", "p" * 10_000, "at most 100 characters"),
        ("phone", "<script>" * 10, "at most 40 characters"),
        ("language", "klingon", "Select a valid choice"),
        ("language", "", "This field is required."),
    ],
)
def test_it_shows_the_error_next_to_the_field(world, client_for, field, value, message):
    before = row_counts()
    data = {"full_name": "Tim Trainee", "preferred_name": "", "phone": "", "language": "en"}
    response = client_for(world.trainee_a).post("/accounts/profile/", {**data, field: value})
    assert response.status_code == 200
    text = page_text(response)
    assert f'id="id_{field}_error"' in text
    assert message in text
    assert row_counts() == before


def test_it_shows_markup_in_a_name_as_text(world, client_for):
    client = client_for(world.trainee_a)
    client.post("/accounts/profile/", {"full_name": "<b>Tim</b>", "language": "en", "phone": ""})
    text = page_text(client.get("/accounts/profile/"))
    assert "<b>Tim</b>" not in text
    assert "&lt;b&gt;Tim&lt;/b&gt;" in text
