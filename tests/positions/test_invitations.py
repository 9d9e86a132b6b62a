"""Cora names a doctor or a supervisor who has no account yet: she invites them by e-mail; they
get an account with that role at her hospital and are named on the request."""

from __future__ import annotations

import pytest

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.organisations.models import Role
from tests.helpers import HOSTILE_TEXT, page_text

from .factories import draft_request, submitted_request
from .helpers import link_in, messages_of, snapshot


def _invite(client, request, **data):
    payload = {
        "kind": "medical_doctor",
        "full_name": "Noor Nieuwkomer",
        "email": "Noor.Nieuwkomer@example.org",
        "language": "en",
        **data,
    }
    return client.post(f"/requests/{request.pk}/invite/", payload, follow=True)


@pytest.mark.parametrize(
    ("kind", "field"),
    [("medical_doctor", "medical_doctor"), ("hospital_supervisor", "hospital_supervisor")],
)
def test_it_invites_a_person_and_names_them_on_the_request(world, client_for, emails, kind, field):
    request = draft_request(world, complete=False)
    client = client_for(world.coordinator_a)
    with emails() as sent:
        response = _invite(client, request, kind=kind)
    assert messages_of(response) == ["Noor Nieuwkomer has been invited and named on this request."]
    person = User.objects.get(email="noor.nieuwkomer@example.org")
    assert person.full_name == "Noor Nieuwkomer"
    assert person.language == "en"
    assert AuditEvent.objects.get(action="person.created").actor == world.coordinator_a
    assert not person.has_usable_password()
    assert (
        Role.objects.current()
        .filter(user=person, organisation=world.hospital_a, kind=kind)
        .exists()
    )
    request.refresh_from_db()
    assert getattr(request, field) == person
    assert "Noor Nieuwkomer" in page_text(response)
    [invitation] = sent
    assert invitation.to == ["noor.nieuwkomer@example.org"]
    assert invitation.body.startswith("Dear Noor")
    assert "/password/reset/key/" in link_in(invitation)
    event = AuditEvent.objects.get(action="person.invited")
    assert event.actor == world.coordinator_a
    assert event.data == {"role": kind, "organisation": "Amstelland Medisch Centrum"}


def test_it_names_a_colleague_who_already_has_an_account_without_a_new_one(
    world, client_for, emails
):
    request = draft_request(world, complete=False)
    users = User.objects.count()
    with emails() as sent:
        _invite(client_for(world.coordinator_a), request, email="DIRK@example.org")
    request.refresh_from_db()
    assert request.medical_doctor == world.doctor_a
    assert User.objects.count() == users
    assert Role.objects.filter(user=world.doctor_a).count() == 1
    assert sent == []


def test_it_invites_in_dutch_when_asked(world, client_for, emails):
    request = draft_request(world, complete=False)
    with emails() as sent:
        _invite(client_for(world.coordinator_a), request, language="nl")
    assert sent[0].body.startswith("Beste Noor")


@pytest.mark.parametrize(
    "data",
    [
        {"email": ""},
        {"email": "not-an-address"},
        {"email": "x" * 10_000 + "@example.org"},
        {"email": "'; DROP TABLE accounts_user; --@example.org"},
        {"full_name": ""},
        {"full_name": "   "},
        {"full_name": "x" * 10_000},
        {"full_name": "Noor\x00Nul"},
        {"kind": "hospital_coordinator"},
        {"kind": "programme_office"},
        {"kind": ""},
        {"language": "fr"},
    ],
)
def test_it_refuses_bad_invitations_and_creates_nobody(world, client_for, emails, data):
    request = draft_request(world, complete=False)
    before = snapshot()
    with emails() as sent:
        response = _invite(client_for(world.coordinator_a), request, **data)
    assert response.status_code == 200
    assert messages_of(response)
    assert sent == []
    assert snapshot() == before


@pytest.mark.parametrize(
    "value", [v for v in HOSTILE_TEXT if v.strip() and "\x00" not in v and len(v) <= 200]
)
def test_it_stores_a_hostile_looking_name_as_text(world, client_for, value):
    request = draft_request(world, complete=False)
    response = _invite(client_for(world.coordinator_a), request, full_name=value)
    assert response.status_code == 200
    person = User.objects.get(email="noor.nieuwkomer@example.org")
    assert person.full_name == value.strip()
    assert "<script>alert" not in page_text(response)


def test_it_refuses_to_invite_on_a_submitted_request(world, client_for):
    request = submitted_request(world)
    before = snapshot()
    response = client_for(world.coordinator_a).post(
        f"/requests/{request.pk}/invite/",
        {"kind": "medical_doctor", "full_name": "X", "email": "x@example.org", "language": "nl"},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_it_leaves_inviting_to_the_hospital(world, client_for):
    request = draft_request(world, complete=False)
    before = snapshot()
    response = client_for(world.office).post(
        f"/requests/{request.pk}/invite/",
        {"kind": "medical_doctor", "full_name": "X", "email": "x@example.org", "language": "nl"},
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("persona", "kind"),
    [
        ("supervisor_a", "medical_doctor"),  # a colleague, but not a doctor
        ("applicant", "medical_doctor"),  # an account that holds no role at all
        ("coordinator_b", "hospital_supervisor"),  # someone of another hospital
    ],
)
def test_it_gives_no_role_to_an_existing_account(world, client_for, emails, persona, kind):
    """Naming someone by their e-mail address never gives an existing account a role: the
    coordinator is told to ask the programme office, and nothing changes."""
    request = draft_request(world, complete=False)
    person = getattr(world, persona)
    before = snapshot()
    roles = set(Role.objects.filter(user=person).values_list("pk", flat=True))
    with emails() as sent:
        response = _invite(
            client_for(world.coordinator_a), request, kind=kind, email=person.email.upper()
        )
    [message] = messages_of(response)
    assert "belongs to an existing account" in message
    assert "Ask the programme office" in message
    assert set(Role.objects.filter(user=person).values_list("pk", flat=True)) == roles
    assert sent == []
    assert snapshot() == before
