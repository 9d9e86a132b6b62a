"""The request endpoints of the API: the same services, rules and state checks as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.accounts.services import create_api_token
from qme.audit.models import AuditEvent
from qme.positions.models import Position, PositionRequest, RequestStatus
from tests.factories import DepartmentFactory
from tests.helpers import HOSTILE_TEXT, api

from .factories import draft_request, request_in, submitted_request
from .helpers import error_fields, snapshot


def _complete_payload(world) -> dict:
    department = DepartmentFactory(organisation=world.hospital_a)
    return {
        "hospital_id": world.hospital_a.pk,
        "department_id": department.pk,
        "title": "Sepsis early warning on the ward",
        "clinical_problem": "Sepsis is noticed late.",
        "project_outline": "Design an early-warning score from monitor data.",
        "expected_result": "Fewer ICU transfers.",
        "medical_doctor_id": world.doctor_a.pk,
        "hospital_supervisor_id": world.supervisor_a.pk,
        "intended_start": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "commits_employment": True,
        "commits_funding": True,
        "commits_workplace": True,
        "training_climate": "A data science team in the hospital.",
    }


class TestTheWholeFlow:
    def test_it_runs_from_draft_to_approval_through_the_api(self, world, own_client, emails):
        cora = own_client(world.coordinator_a)
        response = api(cora, "post", "requests", _complete_payload(world))
        assert response.status_code == 201, response.content
        body = response.json()
        pk = body["id"]
        assert body["status"] == "draft"
        assert body["hospital_name"] == "Amstelland Medisch Centrum"
        assert body["missing"] == []
        with emails() as sent:
            response = api(cora, "post", f"requests/{pk}/submit")
        assert response.json()["status"] == "submitted"
        assert [m.to for m in sent] == [["office@example.org"]]

        olga = own_client(world.office)
        response = api(olga, "post", f"requests/{pk}/request-changes", {"reason": "Funding?"})
        assert response.json()["status"] == "changes_requested"
        response = api(cora, "patch", f"requests/{pk}", {"training_climate": "Bigger team."})
        assert response.status_code == 200, response.content
        assert response.json()["training_climate"] == "Bigger team."
        assert api(cora, "post", f"requests/{pk}/submit").json()["status"] == "submitted"
        response = api(
            olga,
            "post",
            f"requests/{pk}/approve",
            {
                "university_id": world.university.pk,
                "university_supervisor_id": world.university_supervisor.pk,
                "reason": "Good.",
            },
        )
        assert response.status_code == 201
        position = Position.objects.get(pk=response.json()["id"])
        assert position.request_id == pk
        assert response.json()["status"] == "draft"
        request = PositionRequest.objects.get(pk=pk)
        assert request.status == RequestStatus.APPROVED
        assert request.submission_count == 2
        assert list(
            AuditEvent.objects.filter(target_id=str(pk), action__startswith="request.")
            .order_by("id")
            .values_list("action", flat=True)
        ) == [
            "request.created",
            "request.submitted",
            "request.changes_requested",
            "request.updated",
            "request.resubmitted",
            "request.approved",
        ]

    def test_it_works_with_an_api_token(self, world, client, emails):
        _token, secret = create_api_token(user=world.coordinator_a, name="Hospital system")
        response = api(client, "post", "requests", _complete_payload(world), token=secret)
        assert response.status_code == 201
        pk = response.json()["id"]
        with emails() as sent:
            response = api(client, "post", f"requests/{pk}/submit", token=secret)
        assert response.status_code == 200
        assert len(sent) == 1
        assert AuditEvent.objects.get(action="request.submitted").actor == world.coordinator_a

    def test_it_declines_and_withdraws(self, world, client_for):
        declined, withdrawn = submitted_request(world), submitted_request(world)
        response = api(
            client_for(world.office),
            "post",
            f"requests/{declined.pk}/decline",
            {"reason": "Not at EngD level."},
        )
        assert response.json()["status"] == "declined"
        assert response.json()["decision_reason"] == "Not at EngD level."
        response = api(
            client_for(world.coordinator_a),
            "post",
            f"requests/{withdrawn.pk}/withdraw",
            {"reason": "PhD instead."},
        )
        assert response.json()["status"] == "withdrawn"


class TestRefusals:
    @pytest.mark.parametrize("status", ["submitted", "approved", "declined", "withdrawn"])
    def test_it_refuses_to_change_a_request_that_is_not_editable(self, world, client_for, status):
        request = request_in(world, status)
        before = snapshot()
        response = api(client_for(world.coordinator_a), "patch", f"requests/{request.pk}", {})
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert snapshot() == before

    def test_it_refuses_the_office_what_is_the_hospitals(self, world, client_for):
        request = draft_request(world)
        client = client_for(world.office)
        payload = _complete_payload(world)
        before = snapshot()
        assert api(client, "post", "requests", payload).status_code == 403
        assert api(client, "patch", f"requests/{request.pk}", {"title": "x"}).status_code == 403
        assert api(client, "post", f"requests/{request.pk}/submit").status_code == 403
        assert snapshot() == before

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999", "0", "-1"])
    def test_it_answers_404_for_an_unknown_request(self, world, client_for, pk):
        client = client_for(world.office)
        for method, path in [
            ("get", f"requests/{pk}"),
            ("get", f"requests/{pk}/comments"),
            ("post", f"requests/{pk}/submit"),
        ]:
            response = api(client, method, path)
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found"


class TestBadInput:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_never_stores_a_hostile_title_partially(self, world, client_for, value):
        before = snapshot()
        response = api(
            client_for(world.coordinator_a),
            "post",
            "requests",
            {"hospital_id": world.hospital_a.pk, "title": value},
        )
        if response.status_code == 201:
            request = PositionRequest.objects.get()
            assert request.title == value.strip()
            assert len(request.title) <= 200
        else:
            assert error_fields(response) == {"title"}
            assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize(
        "field", ["clinical_problem", "project_outline", "expected_result", "training_climate"]
    )
    def test_it_refuses_or_stores_hostile_text_in_every_field(
        self, world, client_for, field, value
    ):
        request = draft_request(world, complete=False)
        before = snapshot()
        response = api(
            client_for(world.coordinator_a), "patch", f"requests/{request.pk}", {field: value}
        )
        assert response.status_code in (200, 422), response.content
        if response.status_code == 422:
            assert error_fields(response) == {field}
            assert snapshot() == before
        else:
            request.refresh_from_db()
            assert getattr(request, field) == value.strip()

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"hospital_id": 999999}, "hospital_id"),
            ({"hospital_id": "abc"}, "hospital_id"),
            ({"hospital_id": None}, "hospital_id"),
            ({"department_id": 999999}, "department_id"),
            ({"department_id": 99999999999999999999}, "department_id"),
            ({"medical_doctor_id": 999999}, "medical_doctor_id"),
            ({"hospital_supervisor_id": "x"}, "hospital_supervisor_id"),
            ({"intended_start": "not-a-date"}, "intended_start"),
            ({"intended_start": "2031-02-30"}, "intended_start"),
            ({"commits_funding": "perhaps"}, "commits_funding"),
            ({"title": 5}, "title"),
            ({"title": ["a"]}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"clinical_problem": "x" * 5001}, "clinical_problem"),
        ],
    )
    def test_it_names_the_field_of_bad_input_on_create(self, world, client_for, payload, field):
        data = {"hospital_id": world.hospital_a.pk, "title": "A title", **payload}
        before = snapshot()
        response = api(client_for(world.coordinator_a), "post", "requests", data)
        assert error_fields(response) == {field}
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("payload", "fields"),
        [
            ({"title": None}, {"title"}),
            ({"clinical_problem": None}, {"clinical_problem"}),
            ({"commits_funding": None}, {"commits_funding"}),
            ({"title": ""}, {"title"}),
            ({"title": "   "}, {"title"}),
            ({"department_id": 999999}, {"department_id"}),
            ({"medical_doctor_id": 999999}, {"medical_doctor_id"}),
            ({"medical_doctor_id": -1}, {"medical_doctor_id"}),
            ({"intended_start": "yesterday"}, {"intended_start"}),
        ],
    )
    def test_it_names_the_field_of_bad_input_on_edit(self, world, client_for, payload, fields):
        request = draft_request(world, complete=False)
        before = snapshot()
        response = api(client_for(world.coordinator_a), "patch", f"requests/{request.pk}", payload)
        assert error_fields(response) == fields
        assert snapshot() == before

    def test_it_names_a_person_or_department_of_another_hospital(self, world, client_for):
        request = draft_request(world, complete=False)
        other_department = DepartmentFactory(organisation=world.hospital_b)
        client = client_for(world.coordinator_a)
        before = snapshot()
        response = api(
            client, "patch", f"requests/{request.pk}", {"department_id": other_department.pk}
        )
        assert error_fields(response) & {"department", "department_id"}
        response = api(
            client,
            "patch",
            f"requests/{request.pk}",
            {"medical_doctor_id": world.coordinator_b.pk},
        )
        assert error_fields(response) & {"medical_doctor", "medical_doctor_id"}
        assert snapshot() == before

    @pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"title": "x"', "null", '"x"'])
    def test_it_never_crashes_on_a_malformed_body(self, world, client_for, body):
        before = snapshot()
        response = api(client_for(world.coordinator_a), "post", "requests", body)
        assert response.status_code in (400, 422)
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("path", "payload", "field"),
        [
            ("withdraw", {"reason": ""}, "reason"),
            ("withdraw", {"reason": "\x00"}, "reason"),
            ("withdraw", {"reason": "x" * 5001}, "reason"),
            ("withdraw", {}, "reason"),
            ("comments", {"body": "   "}, "body"),
            ("comments", {"body": "x" * 5001}, "body"),
            ("comments", {"body": "Hi", "reply_to": 999999}, "reply_to"),
            ("comments", {"body": "Hi", "reply_to": "abc"}, "reply_to"),
        ],
    )
    def test_it_names_the_field_of_a_bad_reason_or_comment(
        self, world, client_for, path, payload, field
    ):
        request = submitted_request(world)
        before = snapshot()
        response = api(
            client_for(world.coordinator_a), "post", f"requests/{request.pk}/{path}", payload
        )
        assert error_fields(response) == {field}
        assert snapshot() == before

    @pytest.mark.parametrize(
        "query",
        [
            "status=nope",
            "region=XX",
            "hospital_id=abc",
            "submitted_from=nope",
            "submitted_until=2031-13-01",
            "q=%00",
            "limit=abc",
            "offset=-1",
        ],
    )
    def test_it_names_a_wrong_filter(self, world, client_for, query):
        response = api(client_for(world.office), "get", f"requests?{query}")
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "query",
        ["q=" + "x" * 10_000, "q=%27%3B%20DROP%20TABLE%20positions_positionrequest%3B--"],
    )
    def test_it_survives_odd_searches(self, world, client_for, query):
        draft_request(world)
        response = api(client_for(world.office), "get", f"requests?{query}")
        assert response.status_code == 200
        assert response.json()["items"] == []
        assert PositionRequest.objects.count() == 1
