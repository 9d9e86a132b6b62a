"""Cora, coordinator of hospital A, drafts a request, sees what is missing, and submits it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.organisations.models import RoleKind
from qme.positions import services
from qme.positions.models import PositionRequest, RequestStatus
from tests.factories import DepartmentFactory, person_with_role
from tests.helpers import api, page_text

from .factories import (
    changes_requested_request,
    draft_request,
    office_person,
    request_in,
    submitted_request,
)
from .helpers import link_in, messages_of, snapshot


def _form_data(world, **overrides) -> dict:
    department = DepartmentFactory(organisation=world.hospital_a, name="Neonatologie")
    data = {
        "department": department.pk,
        "title": "Closed-loop ventilation for premature infants",
        "clinical_problem": "Saturation swings.",
        "project_outline": "Design a controller.",
        "expected_result": "A controller the ward uses.",
        "medical_doctor": world.doctor_a.pk,
        "hospital_supervisor": world.supervisor_a.pk,
        "intended_start": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "commits_employment": "on",
        "commits_funding": "on",
        "commits_workplace": "on",
        "training_climate": "Clinical physicists on the ward.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestDrafting:
    def test_it_saves_a_draft_for_her_own_hospital(self, world, client_for):
        client = client_for(world.coordinator_a)
        form = client.get("/requests/new/")
        assert form.status_code == 200
        assert "Amstelland Medisch Centrum" in page_text(form)
        response = client.post("/requests/new/", {"title": "  Smart infusion pumps  "})
        request = PositionRequest.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/requests/{request.pk}/"
        assert request.hospital == world.hospital_a
        assert request.created_by == world.coordinator_a
        assert request.status == RequestStatus.DRAFT
        assert request.title == "Smart infusion pumps"
        assert request.submission_count == 0
        event = AuditEvent.objects.get(action="request.created")
        assert event.actor == world.coordinator_a
        assert event.target_id == str(request.pk)

    def test_it_saves_a_complete_draft_with_every_field(self, world, client_for):
        client = client_for(world.coordinator_a)
        response = client.post("/requests/new/", _form_data(world))
        assert response.status_code == 302
        request = PositionRequest.objects.get()
        assert request.medical_doctor == world.doctor_a
        assert request.hospital_supervisor == world.supervisor_a
        assert request.commits_employment
        assert request.commits_funding
        assert request.commits_workplace
        assert services.missing_for_submission(request) == []

    def test_it_refuses_a_draft_for_another_hospital(self, world, client_for):
        client = client_for(world.coordinator_a)
        before = snapshot()
        response = client.post(
            f"/requests/new/?hospital={world.hospital_b.pk}",
            {"hospital": world.hospital_b.pk, "title": "Sneaky"},
        )
        assert response.status_code in (403, 404)
        assert snapshot() == before
        with pytest.raises(ActionRefused, match="your own hospital"):
            services.create_request(
                actor=world.coordinator_a, hospital=world.hospital_b, title="Sneaky"
            )
        response = api(
            client, "post", "requests", {"hospital_id": world.hospital_b.pk, "title": "Sneaky"}
        )
        assert response.status_code == 409
        assert "own hospital" in response.json()["detail"]
        assert snapshot() == before

    def test_it_refuses_people_and_departments_of_another_hospital(self, world, client_for):
        doctor_b = person_with_role(RoleKind.MEDICAL_DOCTOR, world.hospital_b)
        department_b = DepartmentFactory(organisation=world.hospital_b)
        client = client_for(world.coordinator_a)
        data = _form_data(world, medical_doctor=doctor_b.pk, department=department_b.pk)
        before = snapshot()
        response = client.post("/requests/new/", data)
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"medical_doctor", "department"}
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["office", "doctor_a", "applicant", "trainee_a"])
    def test_it_lets_only_coordinators_create_requests(self, world, client_for, persona):
        client = client_for(getattr(world, persona))
        assert client.get("/requests/new/").status_code == 403
        assert client.post("/requests/new/", {"title": "x"}).status_code == 403
        assert PositionRequest.objects.count() == 0

    def test_it_sends_a_visitor_to_the_sign_in_page(self, world, client):
        response = client.get("/requests/new/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/requests/new/"


class TestWhatIsMissing:
    def test_it_lists_what_is_still_missing_on_the_detail_page(self, world, client_for):
        request = draft_request(world, complete=False)
        text = page_text(client_for(world.coordinator_a).get(f"/requests/{request.pk}/"))
        assert "Still missing before you can submit" in text
        for message in (
            "Choose the department.",
            "Describe the clinical problem.",
            "Name the medical doctor who is the clinical partner.",
            "Name the hospital supervisor.",
            "Give the intended start date.",
            "Confirm that the funding is in place.",
            "Describe the training climate: who is around to learn from.",
        ):
            assert message in text
        assert "Submit the request" not in text

    def test_it_says_a_start_in_the_past_is_missing(self, world):
        request = draft_request(world, intended_start=timezone.localdate())
        assert services.missing_for_submission(request) == [
            ("intended_start", "The intended start must be in the future.")
        ]

    def test_it_offers_the_submit_button_when_complete(self, world, client_for):
        request = draft_request(world)
        text = page_text(client_for(world.coordinator_a).get(f"/requests/{request.pk}/"))
        assert "Ready to submit" in text
        assert "Submit the request" in text

    def test_it_names_the_missing_items_in_the_api(self, world, client_for):
        request = draft_request(world, complete=False)
        body = api(client_for(world.coordinator_a), "get", f"requests/{request.pk}").json()
        assert "Describe the clinical problem." in body["missing"]
        assert body["status"] == "draft"


class TestSubmitting:
    def test_it_refuses_to_submit_an_incomplete_request_and_changes_nothing(
        self, world, client_for, emails
    ):
        request = draft_request(world, complete=False)
        client = client_for(world.coordinator_a)
        before = snapshot()
        with emails() as sent:
            response = client.post(f"/requests/{request.pk}/submit/", follow=True)
        assert response.status_code == 200
        [message] = messages_of(response)
        assert "Describe the clinical problem." in message
        assert sent == []
        assert snapshot() == before
        with emails() as sent:
            response = api(client, "post", f"requests/{request.pk}/submit")
        assert response.status_code == 409
        assert response.json()["code"] == "incomplete"
        assert sent == []
        assert snapshot() == before

    def test_it_submits_a_complete_request_and_tells_the_office_in_their_language(
        self, world, client_for, emails
    ):
        dutch_office = office_person(
            world,
            full_name="Pieter Programmabureau",
            email="pieter@example.org",
            language="nl",
        )
        request = draft_request(world)
        with emails() as sent:
            response = client_for(world.coordinator_a).post(
                f"/requests/{request.pk}/submit/", follow=True
            )
        assert messages_of(response) == [
            "The request has been submitted. The programme office has been notified."
        ]
        request.refresh_from_db()
        assert request.status == RequestStatus.SUBMITTED
        assert request.submission_count == 1
        assert request.submitted_at is not None
        assert AuditEvent.objects.filter(action="request.submitted").count() == 1
        by_address = {m.to[0]: m for m in sent}
        assert set(by_address) == {"office@example.org", "pieter@example.org"}
        english, dutch = by_address["office@example.org"], by_address["pieter@example.org"]
        assert english.subject == f"[QME] New position request: {request.title}"
        assert english.body.startswith("Dear Olga")
        assert dutch.body.startswith("Beste Pieter")
        for message in sent:
            assert link_in(message) == f"/requests/{request.pk}/"
        office_page = client_for(dutch_office).get(link_in(dutch))
        assert office_page.status_code == 200

    def test_it_submits_once_when_the_button_is_pressed_twice(self, world, client_for, emails):
        request = draft_request(world)
        client = client_for(world.coordinator_a)
        with emails() as sent:
            first = client.post(f"/requests/{request.pk}/submit/", follow=True)
            second = client.post(f"/requests/{request.pk}/submit/", follow=True)
            third = api(client, "post", f"requests/{request.pk}/submit")
        request.refresh_from_db()
        assert request.status == RequestStatus.SUBMITTED
        assert request.submission_count == 1
        assert len(sent) == 1
        assert AuditEvent.objects.filter(action="request.submitted").count() == 1
        assert first.status_code == second.status_code == 200
        assert messages_of(second) == ["This request has already been submitted."]
        assert third.status_code == 409
        assert third.json()["code"] == "already_submitted"

    def test_it_lets_only_the_own_coordinator_submit(self, world, client_for):
        request = draft_request(world)
        before = snapshot()
        assert client_for(world.office).post(f"/requests/{request.pk}/submit/").status_code == 403
        assert (
            client_for(world.coordinator_b).post(f"/requests/{request.pk}/submit/").status_code
            == 404
        )
        assert snapshot() == before


class TestEditingAfterSubmission:
    def test_it_refuses_to_edit_a_submitted_request(self, world, client_for):
        request = submitted_request(world)
        client = client_for(world.coordinator_a)
        before = snapshot()
        assert client.get(f"/requests/{request.pk}/edit/").status_code == 403
        assert client.post(f"/requests/{request.pk}/edit/", {"title": "New"}).status_code == 403
        response = api(client, "patch", f"requests/{request.pk}", {"title": "New"})
        assert response.status_code in (403, 409)
        assert f"/requests/{request.pk}/edit/" not in page_text(
            client.get(f"/requests/{request.pk}/")
        )
        assert snapshot() == before

    def test_it_allows_editing_again_after_the_office_asks_for_changes(self, world, client_for):
        request = changes_requested_request(world)
        client = client_for(world.coordinator_a)
        assert client.get(f"/requests/{request.pk}/edit/").status_code == 200
        data = _form_data(world, title="Closed-loop ventilation, with day-to-day supervision")
        response = client.post(f"/requests/{request.pk}/edit/", data)
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.title == "Closed-loop ventilation, with day-to-day supervision"
        assert request.status == RequestStatus.CHANGES_REQUESTED
        event = AuditEvent.objects.filter(action="request.updated").get()
        assert "title" in event.data["fields"]
        response = api(client, "patch", f"requests/{request.pk}", {"expected_result": "Better"})
        assert response.status_code == 200
        assert response.json()["expected_result"] == "Better"

    @pytest.mark.parametrize("status", ["approved", "declined", "withdrawn"])
    def test_it_refuses_to_edit_a_decided_request(self, world, client_for, status):
        request = request_in(world, status)
        client = client_for(world.coordinator_a)
        before = snapshot()
        assert client.get(f"/requests/{request.pk}/edit/").status_code == 403
        assert api(client, "patch", f"requests/{request.pk}", {"title": "x"}).status_code in (
            403,
            409,
        )
        assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_it_submits_once_when_two_tabs_submit_at_the_same_moment(world):
    """Two requests race for the same row: the lock lets one submit, the other is told."""
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs two connections to one server: PostgreSQL")
    request = draft_request(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            services.submit_request(actor=world.coordinator_a, request=request)
            outcomes.append("submitted")
        except ActionRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_submitted", "submitted"]
    request.refresh_from_db()
    assert request.submission_count == 1
    assert AuditEvent.objects.filter(action="request.submitted").count() == 1
    assert len(mail.outbox) == 1
