"""Anyone signed in sees what the system holds about them and downloads it as a ZIP with
personal-data.json and their own files (access under the GDPR); each download is audited. The
programme office may do the same on a person's behalf; nobody else may."""

from __future__ import annotations

import pytest

from qme.audit.models import AuditEvent
from qme.selection.models import Application
from tests.helpers import api
from tests.selection.factories import PDF_BYTES, procedure_for

from .builders import json_in, unzip


@pytest.fixture
def proc(world):
    """Anna Applicant and two other candidates applied for a position of hospital A."""
    return procedure_for(world)


def test_the_page_lists_what_is_held(world, proc, client_for):
    response = client_for(world.applicant).get("/personal-data/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your data" in text
    assert 'Applications <span class="muted">(1)</span>' in text
    assert "Selection" in text
    assert "Download your data (ZIP)" in text


def test_an_applicant_downloads_their_applications_and_documents(world, proc, client_for):
    archive = unzip(client_for(world.applicant).post("/personal-data/download/"))
    data = json_in(archive, "personal-data.json")
    assert data["person"] == {"name": "Anna Applicant", "e-mail address": "anna@example.org"}
    profile = data["data"]["accounts"]["profile"]
    assert profile["e-mail address"] == "anna@example.org"
    applications = data["data"]["selection"]["applications"]
    assert len(applications) == 1
    own = Application.objects.get(applicant=world.applicant)
    assert applications[0]["status"] == "Submitted"
    assert applications[0]["place of residence"] == "Zwolle"
    assert applications[0]["field of the master's degree"] == "Biomedical Engineering"
    # The four documents, byte for byte, under the names the JSON gives.
    assert len(applications[0]["documents"]) == 4
    for name in applications[0]["documents"]:
        assert archive.read(name) == PDF_BYTES
    assert sorted(data["files"]) == sorted(applications[0]["documents"])
    assert own.cv.name  # still stored: a download changes nothing


def test_the_download_holds_nobody_else_s_data(world, proc, client_for):
    archive = unzip(client_for(world.applicant).post("/personal-data/download/"))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for other in proc.candidates[1:]:
        assert other.applicant.email.encode() not in everything
        assert other.applicant.full_name.encode() not in everything
    for member in proc.members:
        assert member.email.encode() not in everything
    assert len([n for n in archive.namelist() if n.startswith("applications/")]) == 4


def test_each_download_is_audited(world, proc, client_for):
    client = client_for(world.applicant)
    client.post("/personal-data/download/")
    client.post("/personal-data/download/")
    events = AuditEvent.objects.filter(action="privacy.personal_data_downloaded")
    assert events.count() == 2
    assert {e.actor_id for e in events} == {world.applicant.pk}


def test_a_committee_member_sees_their_seat_without_the_candidates(world, proc, client_for):
    archive = unzip(client_for(proc.hos_chair).post("/personal-data/download/"))
    data = json_in(archive, "personal-data.json")
    seats = data["data"]["selection"]["selection committees"]
    assert seats[0]["chair"] is True
    everything = archive.read("personal-data.json")
    for candidate in proc.candidates:
        assert candidate.applicant.email.encode() not in everything


def test_a_graduate_downloads_everything_including_their_record(world, graduate, client_for):
    archive = unzip(client_for(world.trainee_a).post("/personal-data/download/"))
    data = json_in(archive, "personal-data.json")
    own = data["data"]["training"]["your traineeships"]
    assert own[0]["hospital"] == "Amstelland Medisch Centrum"
    assert data["data"]["graduation"]["diplomas"][0]["number"] == graduate.diploma.number
    assert any(name.startswith("evidence/") for name in archive.namelist())
    assert any(name.startswith("deliverables/") for name in archive.namelist())


def test_every_kind_of_data_has_a_label(world, graduate, client_for):
    from qme.privacy import services
    from qme.privacy.labels import LABELS

    for person in (world.trainee_a, world.supervisor_a, world.office, world.board_member):
        for app, sections in services.personal_data(person).items():
            if app == "notifications":  # its own keys; unknown ones show as written
                continue
            for key in sections:
                assert key in LABELS, key


def test_a_get_does_not_download(world, client_for):
    assert client_for(world.applicant).get("/personal-data/download/").status_code == 405


def test_signed_out_the_page_and_the_download_ask_for_a_sign_in(client):
    for response in (client.get("/personal-data/"), client.post("/personal-data/download/")):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_office_downloads_on_a_person_s_behalf(world, proc, client_for):
    archive = unzip(
        client_for(world.office).post(f"/personal-data/people/{world.applicant.pk}/download/")
    )
    data = json_in(archive, "personal-data.json")
    assert data["person"]["e-mail address"] == "anna@example.org"
    event = AuditEvent.objects.get(action="privacy.personal_data_downloaded")
    assert event.actor_id == world.office.pk


@pytest.mark.parametrize("persona", ["coordinator_a", "supervisor_a", "trainee_a", "board_member"])
def test_nobody_else_downloads_a_person_s_data(world, proc, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.post(f"/personal-data/people/{world.applicant.pk}/download/").status_code == 403
    assert api(client, "get", f"privacy/people/{world.applicant.pk}").status_code == 403


def test_the_api_gives_one_s_own_data(world, proc, client_for):
    answer = api(client_for(world.applicant), "get", "privacy/me")
    assert answer.status_code == 200
    assert answer.json()["data"]["selection"]["applications"][0]["status"] == "Submitted"
    assert AuditEvent.objects.filter(action="privacy.personal_data_downloaded").count() == 1


def test_signed_out_the_api_answers_401(client):
    assert api(client, "get", "privacy/me").status_code == 401


def test_the_page_costs_the_same_queries_with_more_applications(
    world, client_for, django_assert_max_num_queries
):
    procedure_for(world, candidates=1)
    client = client_for(world.applicant)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get("/personal-data/").status_code == 200
    for _ in range(3):
        proc = procedure_for(world, candidates=0)
        from tests.selection.factories import submitted_application

        submitted_application(proc.position, world.applicant)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/personal-data/").status_code == 200
