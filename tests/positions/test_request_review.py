"""Olga of the programme office works through the queue: she approves, asks for changes, or
declines; Cora answers, resolves and resubmits, or withdraws. Everyone concerned hears of it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.organisations.models import RoleKind
from qme.positions.models import Position, PositionStatus, RequestComment, RequestStatus
from tests.factories import UniversityFactory, person_with_role
from tests.helpers import api, page_text

from .factories import (
    approved_position,
    changes_requested_request,
    draft_request,
    submitted_request,
)
from .helpers import error_fields, link_in, messages_of, snapshot

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return sorted(r.title for r in response.context["page"].object_list)


class TestTheQueue:
    @pytest.fixture
    def queue(self, world, time_machine):
        time_machine.move_to(dt.datetime(2031, 3, 2, 10, tzinfo=AMSTERDAM), tick=False)
        march = submitted_request(world, title="A in March")
        time_machine.move_to(dt.datetime(2031, 5, 20, 10, tzinfo=AMSTERDAM), tick=False)
        may = submitted_request(world, hospital=world.hospital_b, title="B in May")
        draft = draft_request(world, title="A still a draft")
        return march, may, draft

    def test_it_lists_every_request_to_the_office(self, world, client_for, queue):
        response = client_for(world.office).get("/requests/")
        assert _titles(response) == ["A in March", "A still a draft", "B in May"]

    def test_it_filters_by_status_hospital_province_and_submitted_date(
        self, world, client_for, queue
    ):
        client = client_for(world.office)
        assert _titles(client.get("/requests/?status=draft")) == ["A still a draft"]
        assert _titles(client.get(f"/requests/?hospital={world.hospital_b.pk}")) == ["B in May"]
        assert _titles(client.get("/requests/?region=NH")) == ["A in March", "A still a draft"]
        assert _titles(client.get("/requests/?submitted_from=2031-04-01")) == ["B in May"]
        assert _titles(client.get("/requests/?submitted_until=2031-03-02")) == ["A in March"]
        assert _titles(
            client.get("/requests/?submitted_from=2031-03-01&submitted_until=2031-05-31")
        ) == ["A in March", "B in May"]
        assert _titles(client.get("/requests/?status=submitted&region=ZH")) == ["B in May"]

    def test_it_filters_the_api_list_the_same_way(self, world, client_for, queue):
        client = client_for(world.office)

        def titles(query: str) -> list[str]:
            response = api(client, "get", f"requests?{query}")
            assert response.status_code == 200, response.content
            return sorted(r["title"] for r in response.json()["items"])

        assert titles("") == ["A in March", "A still a draft", "B in May"]
        assert titles("status=submitted") == ["A in March", "B in May"]
        assert titles(f"hospital_id={world.hospital_a.pk}") == ["A in March", "A still a draft"]
        assert titles("region=ZH") == ["B in May"]
        assert titles("submitted_from=2031-04-01") == ["B in May"]
        assert titles("submitted_until=2031-04-01") == ["A in March"]

    def test_it_shows_a_coordinator_only_her_own_hospital(self, world, client_for, queue):
        assert _titles(client_for(world.coordinator_a).get("/requests/")) == [
            "A in March",
            "A still a draft",
        ]
        assert _titles(client_for(world.coordinator_b).get("/requests/")) == ["B in May"]
        # Filtering for the other hospital gives nothing of it.
        response = client_for(world.coordinator_b).get(f"/requests/?hospital={world.hospital_a.pk}")
        assert "A in March" not in page_text(response)

    @pytest.mark.parametrize("persona", ["doctor_a", "applicant", "university_supervisor"])
    def test_it_is_not_for_people_without_a_review_or_hospital_role(
        self, world, client_for, persona
    ):
        client = client_for(getattr(world, persona))
        assert client.get("/requests/").status_code == 403
        assert api(client, "get", "requests").status_code == 403


class TestApproving:
    def test_it_approves_into_a_draft_position_and_tells_everyone_concerned(
        self, world, client_for, emails
    ):
        request = submitted_request(world)
        client = client_for(world.office)
        form = client.get(f"/requests/{request.pk}/approve/")
        assert form.status_code == 200
        with emails() as sent:
            response = client.post(
                f"/requests/{request.pk}/approve/",
                {
                    "university": world.university.pk,
                    "university_supervisor": world.university_supervisor.pk,
                    "reason": "A strong clinical case.",
                },
            )
        position = Position.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/manage/positions/{position.pk}/edit/"
        request.refresh_from_db()
        assert request.status == RequestStatus.APPROVED
        assert request.decided_by == world.office
        assert request.university == world.university
        assert request.university_supervisor == world.university_supervisor
        assert position.status == PositionStatus.DRAFT
        assert position.hospital == world.hospital_a
        assert position.university == world.university
        assert position.title_en == request.title
        assert position.application_deadline <= position.start_date
        event = AuditEvent.objects.get(action="request.approved")
        assert event.actor == world.office
        assert event.reason == "A strong clinical case."
        recipients = {m.to[0]: m for m in sent}
        assert set(recipients) == {
            "cora@example.org",
            "dirk@example.org",
            "sara@example.org",
            "ulla@example.org",
        }
        for person in (
            world.coordinator_a,
            world.doctor_a,
            world.supervisor_a,
            world.university_supervisor,
        ):
            message = recipients[person.email]
            assert message.subject == f"[QME] Request approved: {request.title}"
            assert "University of Twente" in message.body
            link = link_in(message)
            assert link == f"/requests/{request.pk}/"
            assert client_for(person).get(link).status_code == 200, person

    def test_it_names_a_university_that_is_not_one(self, world, client_for):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.office).post(
            f"/requests/{request.pk}/approve/",
            {
                "university": world.hospital_b.pk,
                "university_supervisor": world.university_supervisor.pk,
            },
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"university"}
        assert snapshot() == before

    def test_it_names_a_supervisor_of_another_university(self, world, client_for):
        request = submitted_request(world)
        other = UniversityFactory(name="Universiteit Leiden")
        stranger = person_with_role(RoleKind.UNIVERSITY_SUPERVISOR, other, full_name="Lea Leiden")
        before = snapshot()
        response = client_for(world.office).post(
            f"/requests/{request.pk}/approve/",
            {"university": world.university.pk, "university_supervisor": stranger.pk},
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"university_supervisor"}
        assert snapshot() == before
        response = api(
            client_for(world.office),
            "post",
            f"requests/{request.pk}/approve",
            {"university_id": world.university.pk, "university_supervisor_id": stranger.pk},
        )
        assert error_fields(response) & {"university_supervisor", "university_supervisor_id"}
        response = api(
            client_for(world.office),
            "post",
            f"requests/{request.pk}/approve",
            {
                "university_id": world.hospital_a.pk,
                "university_supervisor_id": world.university_supervisor.pk,
            },
        )
        assert error_fields(response) & {"university", "university_id"}
        assert snapshot() == before

    def test_it_offers_a_supervisor_whose_role_began_after_the_server_started(
        self, world, client_for, time_machine
    ):
        """The choice of supervisors is worked out on every visit, not once per process: a
        server that runs past midnight still offers the people whose role begins that day."""
        request = submitted_request(world)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        time_machine.move_to(
            dt.datetime.combine(tomorrow, dt.time(9), tzinfo=AMSTERDAM), tick=False
        )
        newcomer = person_with_role(
            RoleKind.UNIVERSITY_SUPERVISOR, world.university, full_name="Nora Newcomer"
        )
        assert newcomer.roles.get().starts_on == tomorrow
        response = client_for(world.office).get(f"/requests/{request.pk}/approve/")
        offered = response.context["form"].fields["university_supervisor"].queryset
        assert newcomer in offered
        response = client_for(world.office).post(
            f"/requests/{request.pk}/approve/",
            {"university": world.university.pk, "university_supervisor": newcomer.pk},
        )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.university_supervisor == newcomer

    def test_it_lets_only_the_office_decide(self, world, client_for):
        request = submitted_request(world)
        client = client_for(world.coordinator_a)
        before = snapshot()
        data = {
            "university": world.university.pk,
            "university_supervisor": world.university_supervisor.pk,
            "reason": "x",
            "comment": "x",
        }
        for action in ("approve", "decline", "changes"):
            assert client.post(f"/requests/{request.pk}/{action}/", data).status_code == 403
        for action in ("approve", "decline", "request-changes"):
            payload = {
                "university_id": world.university.pk,
                "university_supervisor_id": world.university_supervisor.pk,
                "reason": "x",
            }
            assert api(client, "post", f"requests/{request.pk}/{action}", payload).status_code in (
                403,
                404,
            )
        assert snapshot() == before


class TestAskingForChanges:
    def test_it_runs_the_whole_conversation_and_keeps_its_history(self, world, client_for, emails):
        request = submitted_request(world)
        office = client_for(world.office)
        with emails() as sent:
            response = office.post(
                f"/requests/{request.pk}/changes/",
                {"comment": "Who supervises the trainee day to day?"},
                follow=True,
            )
        assert messages_of(response) == [
            "The request has been returned to the coordinator with your comments."
        ]
        request.refresh_from_db()
        assert request.status == RequestStatus.CHANGES_REQUESTED
        question = RequestComment.objects.get()
        assert question.is_change_request
        assert question.author == world.office
        [message] = sent
        assert message.to == ["cora@example.org"]
        assert "Who supervises the trainee day to day?" in message.body
        assert link_in(message) == f"/requests/{request.pk}/"
        assert AuditEvent.objects.get(action="request.changes_requested").reason == (
            "Who supervises the trainee day to day?"
        )

        cora = client_for(world.coordinator_a)
        page = page_text(cora.get(link_in(message)))
        assert "Who supervises the trainee day to day?" in page
        assert "Submit again" in page
        with emails() as sent:
            cora.post(
                f"/requests/{request.pk}/comments/",
                {"body": "Sara Supervisor, every day.", "reply_to": question.pk},
            )
        answer = RequestComment.objects.get(reply_to=question)
        assert answer.author == world.coordinator_a
        assert [m.to for m in sent] == [["office@example.org"]]
        assert link_in(sent[0]) == f"/requests/{request.pk}/#comments"
        cora.post(f"/requests/{request.pk}/comments/{question.pk}/resolve/")
        question.refresh_from_db()
        assert question.resolved_by == world.coordinator_a
        with emails() as sent:
            cora.post(f"/requests/{request.pk}/submit/")
        request.refresh_from_db()
        assert request.status == RequestStatus.SUBMITTED
        assert request.submission_count == 2
        assert [m.subject for m in sent] == [f"[QME] Request submitted again: {request.title}"]
        assert AuditEvent.objects.filter(action="request.resubmitted").count() == 1

        history = page_text(client_for(world.office).get(f"/requests/{request.pk}/"))
        assert "Who supervises the trainee day to day?" in history
        assert "Sara Supervisor, every day." in history
        assert "resolved" in history
        assert "2 times" in history
        actions = list(
            AuditEvent.objects.filter(target_id=str(request.pk))
            .order_by("occurred_at", "id")
            .values_list("action", flat=True)
        )
        assert actions == [
            "request.created",
            "request.submitted",
            "request.changes_requested",
            "request.commented",
            "request.comment_resolved",
            "request.resubmitted",
        ]

    @pytest.mark.parametrize("comment", ["", "   "])
    def test_it_needs_a_comment(self, world, client_for, comment):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.office).post(
            f"/requests/{request.pk}/changes/", {"comment": comment}, follow=True
        )
        assert messages_of(response) == ["Say what should change."]
        assert snapshot() == before

    def test_it_shows_the_conversation_through_the_api(self, world, client_for):
        request = changes_requested_request(world)
        client = client_for(world.coordinator_a)
        [question] = api(client, "get", f"requests/{request.pk}/comments").json()
        answer = api(
            client,
            "post",
            f"requests/{request.pk}/comments",
            {"body": "Answered.", "reply_to": question["id"]},
        )
        assert answer.status_code == 201
        assert answer.json()["reply_to_id"] == question["id"]
        resolved = api(client, "post", f"requests/{request.pk}/comments/{question['id']}/resolve")
        assert resolved.status_code == 200
        assert resolved.json()["resolved_at"] is not None
        assert len(api(client, "get", f"requests/{request.pk}/comments").json()) == 2


class TestDeclining:
    def test_it_declines_with_reasons_and_tells_the_coordinator(self, world, client_for, emails):
        request = submitted_request(world)
        client = client_for(world.office)
        assert client.get(f"/requests/{request.pk}/decline/").status_code == 200
        with emails() as sent:
            response = client.post(
                f"/requests/{request.pk}/decline/", {"reason": "No design question."}
            )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == RequestStatus.DECLINED
        assert request.decision_reason == "No design question."
        assert AuditEvent.objects.get(action="request.declined").reason == "No design question."
        [message] = sent
        assert message.to == ["cora@example.org"]
        assert "No design question." in message.body
        assert client_for(world.coordinator_a).get(link_in(message)).status_code == 200
        assert "No design question." in page_text(
            client_for(world.coordinator_a).get(f"/requests/{request.pk}/")
        )

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_it_needs_the_reasons(self, world, client_for, reason, emails):
        request = submitted_request(world)
        before = snapshot()
        with emails() as sent:
            response = client_for(world.office).post(
                f"/requests/{request.pk}/decline/", {"reason": reason}
            )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"reason"}
        assert sent == []
        assert snapshot() == before
        response = api(
            client_for(world.office), "post", f"requests/{request.pk}/decline", {"reason": reason}
        )
        assert error_fields(response) == {"reason"}
        assert snapshot() == before


class TestWithdrawing:
    def test_it_withdraws_a_submitted_request_and_tells_the_office(self, world, client_for, emails):
        request = submitted_request(world)
        client = client_for(world.coordinator_a)
        assert client.get(f"/requests/{request.pk}/withdraw/").status_code == 200
        with emails() as sent:
            response = client.post(
                f"/requests/{request.pk}/withdraw/", {"reason": "We chose a PhD position."}
            )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == RequestStatus.WITHDRAWN
        assert AuditEvent.objects.get(action="request.withdrawn").reason == (
            "We chose a PhD position."
        )
        [message] = sent
        assert message.to == ["office@example.org"]
        assert link_in(message) == f"/requests/{request.pk}/"

    def test_it_withdraws_a_draft_quietly(self, world, client_for, emails):
        request = draft_request(world)
        with emails() as sent:
            client_for(world.coordinator_a).post(
                f"/requests/{request.pk}/withdraw/", {"reason": "Not now."}
            )
        request.refresh_from_db()
        assert request.status == RequestStatus.WITHDRAWN
        assert sent == []

    def test_it_refuses_to_withdraw_after_approval(self, world, client_for, emails):
        request = approved_position(world).request
        client = client_for(world.coordinator_a)
        before = snapshot()
        with emails() as sent:
            response = client.post(f"/requests/{request.pk}/withdraw/", {"reason": "Too late"})
            api_response = api(
                client, "post", f"requests/{request.pk}/withdraw", {"reason": "Too late"}
            )
        assert response.status_code == 200
        assert "Only a request that has not been decided can be withdrawn." in page_text(response)
        assert api_response.status_code == 409
        assert api_response.json()["code"] == "invalid_state"
        assert sent == []
        assert snapshot() == before

    def test_it_lets_only_the_hospital_withdraw(self, world, client_for):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.office).post(
            f"/requests/{request.pk}/withdraw/", {"reason": "x"}
        )
        assert response.status_code == 403
        assert snapshot() == before
