"""The training endpoints of the API: the catalogue, traineeships and their progress, plans and
their items, records and sign-off, milestones. The same services and rules as the pages: 404 for
what a person may not see, 403 for what they see but may not do, 409 for the wrong moment, 422 for
bad input. And the OpenAPI document that describes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qme.accounts.services import create_api_token
from qme.audit.models import AuditEvent
from qme.training import services
from qme.training.models import (
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)
from tests.helpers import api

from .factories import approved_plan, complete_plan, item_titled, recorded, submitted_plan
from .helpers import snapshot


def _day(traineeship, n: int) -> str:
    return (traineeship.start_date + dt.timedelta(days=n)).isoformat()


class TestTheStory:
    def test_plan_approve_record_and_sign_off_through_the_api(
        self, world, catalogue, traineeship, own_client
    ):
        _token, secret = create_api_token(user=world.trainee_a, name="My scripts")
        trainee = own_client(world.trainee_a)
        trainee.logout()  # the token alone

        def as_trainee(method, path, payload=None):
            return api(trainee, method, path, payload, token=secret)

        response = as_trainee("get", "catalogue")
        assert response.status_code == 200
        titles = {i["title_en"]: i for i in response.json()}
        assert titles["Medical device regulation"]["ec"] == "5.0"
        assert titles["Medical device regulation"]["title_nl"] == (
            "Regelgeving medische hulpmiddelen"
        )

        response = as_trainee("post", f"traineeships/{traineeship.pk}/plans")
        assert response.status_code == 201
        plan = response.json()
        assert (plan["version"], plan["status"], plan["items"]) == (1, "draft", [])
        assert "The plan has 0 EC; the programme asks for 120.0 EC." in plan["problems"]

        path = f"plans/{plan['id']}/items"
        response = as_trainee(
            "post",
            path,
            {
                "catalogue_item_id": catalogue.regulation.pk,
                "planned_start": _day(traineeship, 20),
                "planned_end": _day(traineeship, 60),
            },
        )
        assert response.status_code == 201, response.content
        regulation = response.json()
        assert (regulation["kind"], regulation["ec"], regulation["title"]) == (
            "course",
            "5.0",
            "Medical device regulation",
        )
        response = as_trainee(
            "post",
            path,
            {
                "kind": "clinical_project",
                "title": "Clinical project: dose audit",
                "ec": "12",
                "planned_start": _day(traineeship, 100),
                "planned_end": _day(traineeship, 300),
            },
        )
        assert response.status_code == 201
        audit = response.json()
        response = as_trainee(
            "patch", f"{path}/{audit['id']}", {"ec": "14", "planned_end": _day(traineeship, 320)}
        )
        assert response.status_code == 200, response.content
        assert (Decimal(response.json()["ec"]), response.json()["planned_end"]) == (
            Decimal(14),
            _day(traineeship, 320),
        )
        assert AuditEvent.objects.get(action="plan.item_changed").data == {
            "item": "Clinical project: dose audit",
            "fields": ["ec", "planned_end"],
        }
        response = as_trainee(
            "post",
            path,
            {
                "kind": "course",
                "title": "Spare course",
                "ec": "1",
                "planned_start": _day(traineeship, 5),
                "planned_end": _day(traineeship, 6),
            },
        )
        assert as_trainee("delete", f"{path}/{response.json()['id']}").status_code == 204

        response = as_trainee("post", f"plans/{plan['id']}/submit", {"note": "Short on purpose."})
        assert response.status_code == 200
        assert response.json()["status"] == "submitted"
        assert len(response.json()["items"]) == 2

        ulla = own_client(world.university_supervisor)
        sara = own_client(world.supervisor_a)
        assert api(ulla, "post", f"plans/{plan['id']}/approve").json()["status"] == "submitted"
        response = api(sara, "post", f"plans/{plan['id']}/approve")
        assert response.status_code == 200
        assert response.json()["status"] == "approved"
        assert response.json()["university_approved_at"] is not None

        item_path = f"traineeships/{traineeship.pk}/items/{regulation['id']}/record"
        response = as_trainee(
            "post",
            item_path,
            {"completed_on": timezone.localdate().isoformat(), "grade": "8", "note": "Passed."},
        )
        assert response.status_code == 201, response.content
        record = response.json()
        assert (record["status"], record["has_evidence"]) == ("recorded", False)

        response = api(ulla, "post", f"records/{record['id']}/sign-off")
        assert response.status_code == 200
        assert response.json()["status"] == "signed_off"

        response = as_trainee("get", f"traineeships/{traineeship.pk}/progress")
        progress = response.json()
        assert (progress["earned"], progress["planned"], progress["required"]) == (
            "5.0",
            "19.0",
            "120.0",
        )
        categories = {c["kind"]: c for c in progress["categories"]}
        assert categories["course"] == {
            "kind": "course",
            "earned": "5.0",
            "planned": "5.0",
            "required": "30.0",
        }
        assert (
            progress["expected_end"]
            == (traineeship.start_date + dt.timedelta(days=730)).isoformat()
        )
        records = as_trainee("get", f"traineeships/{traineeship.pk}/records").json()
        assert [r["status"] for r in records] == ["signed_off"]
        milestones = as_trainee("get", f"traineeships/{traineeship.pk}/milestones").json()
        assert [m["title_en"] for m in milestones][:2] == ["Project plan", "Requirements"]
        assert milestones[0]["deliverable_versions"] == 0
        detail = as_trainee("get", f"traineeships/{traineeship.pk}").json()
        assert detail["cohort"] == traineeship.start_date.year
        assert detail["rules_cohort"] == traineeship.curriculum.cohort_year
        assert detail["trainee_name"] == "Tim Trainee"

    def test_the_office_signs_off_and_sends_back(self, world, client_for, catalogue, traineeship):
        plan = approved_plan(traineeship, catalogue)
        first = recorded(traineeship, item_titled(plan, "Medical device regulation"))
        second = recorded(traineeship, item_titled(plan, "Clinical epidemiology"))
        client = client_for(world.office)
        assert api(client, "post", f"records/{first.pk}/sign-off").json()["status"] == (
            "signed_off"
        )
        response = api(
            client, "post", f"records/{second.pk}/send-back", {"reason": "Add the grade list."}
        )
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["comment"]) == (
            "sent_back",
            "Add the grade list.",
        )


class TestRefusals:
    def test_404_for_what_a_person_may_not_see(self, world, client_for, catalogue, traineeship):
        plan = submitted_plan(traineeship, catalogue)
        client = client_for(world.coordinator_b)
        before = snapshot()
        for method, path, payload in [
            ("post", f"traineeships/{traineeship.pk}/plans", None),
            ("post", f"plans/{plan.pk}/approve", None),
            ("post", f"plans/{plan.pk}/send-back", {"reason": "No."}),
            ("post", f"plans/{plan.pk}/submit", {}),
            ("delete", f"plans/{plan.pk}/items/{plan.items.first().pk}", None),
            ("patch", f"plans/{plan.pk}/items/{plan.items.first().pk}", {"ec": "1"}),
            (
                "post",
                f"traineeships/{traineeship.pk}/items/1/record",
                {"completed_on": "2025-01-01"},
            ),
            ("post", "records/1/sign-off", None),
            ("get", "traineeships/999999", None),
            ("get", "traineeships/999999999999999999999", None),
            ("post", "plans/999999/approve", None),
        ]:
            response = api(client, method, path, payload)
            assert response.status_code == 404, (method, path, response.content)
            assert response.json()["code"] == "not_found"
        assert snapshot() == before

    def test_403_for_what_a_person_sees_but_may_not_do(
        self, world, client_for, catalogue, traineeship
    ):
        plan = approved_plan(traineeship, catalogue)
        record = recorded(traineeship, item_titled(plan, "Medical device regulation"))
        coordinator = client_for(world.coordinator_a)
        before = snapshot()
        for method, path, payload in [
            ("post", f"traineeships/{traineeship.pk}/plans", None),
            ("post", f"records/{record.pk}/sign-off", None),
            ("post", f"records/{record.pk}/send-back", {"reason": "No."}),
            (
                "post",
                f"traineeships/{traineeship.pk}/items/{plan.items.first().pk}/record",
                {"completed_on": timezone.localdate().isoformat()},
            ),
        ]:
            response = api(coordinator, method, path, payload)
            assert response.status_code == 403, (method, path, response.content)
            assert response.json()["code"] == "forbidden"
        trainee = client_for(world.trainee_a)
        assert api(trainee, "post", f"records/{record.pk}/sign-off").status_code == 403
        assert snapshot() == before

    def test_a_supervisor_may_not_edit_or_submit_the_plan(
        self, world, client_for, catalogue, traineeship
    ):
        plan = complete_plan(traineeship, catalogue)
        client = client_for(world.university_supervisor)
        before = snapshot()
        item = plan.items.first()
        assert api(client, "post", f"plans/{plan.pk}/submit", {}).status_code == 403
        assert api(client, "delete", f"plans/{plan.pk}/items/{item.pk}").status_code == 403
        assert (
            api(client, "patch", f"plans/{plan.pk}/items/{item.pk}", {"ec": "1"}).status_code == 403
        )
        response = api(
            client,
            "post",
            f"plans/{plan.pk}/items",
            {"kind": "course", "title": "X", "ec": "1", "planned_start": "2030-01-01",
             "planned_end": "2030-01-02"},
        )  # fmt: skip
        assert response.status_code == 403
        assert snapshot() == before

    def test_409_at_the_wrong_moment(self, world, own_client, catalogue, traineeship):
        plan = submitted_plan(traineeship, catalogue)
        ulla = own_client(world.university_supervisor)
        assert api(ulla, "post", f"plans/{plan.pk}/approve").status_code == 200
        before = snapshot()
        response = api(ulla, "post", f"plans/{plan.pk}/approve")
        assert (response.status_code, response.json()["code"]) == (409, "already_approved")
        trainee = own_client(world.trainee_a)
        response = api(trainee, "post", f"plans/{plan.pk}/submit", {})
        assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
        response = api(
            trainee,
            "post",
            f"plans/{plan.pk}/items",
            {"catalogue_item_id": catalogue.design_methods.pk, "planned_start": "2030-01-01",
             "planned_end": "2030-01-02"},
        )  # fmt: skip
        assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
        # Items of a plan that is not approved are not recorded.
        response = api(
            trainee,
            "post",
            f"traineeships/{traineeship.pk}/items/{plan.items.first().pk}/record",
            {"completed_on": timezone.localdate().isoformat()},
        )
        assert (response.status_code, response.json()["code"]) == (409, "not_in_plan")
        assert snapshot() == before

        services.approve_plan(actor=world.supervisor_a, plan=plan)
        item = item_titled(plan, "Medical device regulation")
        record = recorded(traineeship, item)
        assert api(ulla, "post", f"records/{record.pk}/sign-off").status_code == 200
        before = snapshot()
        response = api(ulla, "post", f"records/{record.pk}/sign-off")
        assert (response.status_code, response.json()["code"]) == (409, "already_signed")
        response = api(ulla, "post", f"records/{record.pk}/send-back", {"reason": "Hm."})
        assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
        response = api(
            trainee,
            "post",
            f"traineeships/{traineeship.pk}/items/{item.pk}/record",
            {"completed_on": timezone.localdate().isoformat()},
        )
        assert (response.status_code, response.json()["code"]) == (409, "already_recorded")
        assert snapshot() == before

    def test_starting_a_plan_twice_gives_the_same_draft(self, world, client_for, traineeship):
        client = client_for(world.trainee_a)
        first = api(client, "post", f"traineeships/{traineeship.pk}/plans").json()
        second = api(client, "post", f"traineeships/{traineeship.pk}/plans").json()
        assert first["id"] == second["id"]
        assert TrainingPlan.objects.count() == 1
        assert AuditEvent.objects.filter(action="plan.drafted").count() == 1

    @pytest.mark.parametrize("status", ["completed", "discontinued"])
    def test_no_new_plan_once_the_traineeship_has_ended(
        self, world, own_client, catalogue, traineeship, status
    ):
        approved_plan(traineeship, catalogue)
        _end(world, traineeship, status)
        before = snapshot()
        response = api(own_client(world.trainee_a), "post", f"traineeships/{traineeship.pk}/plans")
        assert (response.status_code, response.json()["code"]) == (409, "ended")
        assert response.json()["detail"] == "This traineeship has ended."
        assert snapshot() == before

    @pytest.mark.parametrize("status", ["active", "extended", "on_leave"])
    def test_a_new_plan_while_the_traineeship_runs(
        self, world, own_client, catalogue, traineeship, status
    ):
        approved_plan(traineeship, catalogue)
        Traineeship.objects.filter(pk=traineeship.pk).update(status=status)
        response = api(own_client(world.trainee_a), "post", f"traineeships/{traineeship.pk}/plans")
        assert response.status_code == 201
        assert (response.json()["version"], response.json()["status"]) == (2, "draft")


def _end(world, traineeship, status: str) -> None:
    """Discontinued by the office, or completed as issuing the diploma leaves it."""
    if status == "discontinued":
        services.discontinue(actor=world.office, traineeship=traineeship, reason="Moved abroad.")
    else:
        Traineeship.objects.filter(pk=traineeship.pk).update(status=TraineeshipStatus.COMPLETED)


class TestTheDocument:
    PATHS = [
        ("/api/v1/catalogue", "get"),
        ("/api/v1/traineeships", "get"),
        ("/api/v1/traineeships/{pk}", "get"),
        ("/api/v1/traineeships/{pk}/progress", "get"),
        ("/api/v1/traineeships/{pk}/plans", "get"),
        ("/api/v1/traineeships/{pk}/plans", "post"),
        ("/api/v1/plans/{pk}/items", "post"),
        ("/api/v1/plans/{pk}/items/{item_pk}", "patch"),
        ("/api/v1/plans/{pk}/items/{item_pk}", "delete"),
        ("/api/v1/plans/{pk}/submit", "post"),
        ("/api/v1/plans/{pk}/approve", "post"),
        ("/api/v1/plans/{pk}/send-back", "post"),
        ("/api/v1/traineeships/{pk}/records", "get"),
        ("/api/v1/traineeships/{pk}/items/{item_pk}/record", "post"),
        ("/api/v1/records/{pk}/sign-off", "post"),
        ("/api/v1/records/{pk}/send-back", "post"),
        ("/api/v1/traineeships/{pk}/milestones", "get"),
    ]

    @pytest.mark.parametrize(("path", "method"), PATHS)
    def test_every_endpoint_is_documented(self, client, path, method):
        document = client.get("/api/v1/openapi.json").json()
        operation = document["paths"][path][method]
        assert operation["tags"] == ["training"]

    def test_the_traineeship_list_documents_its_filters(self, client):
        document = client.get("/api/v1/openapi.json").json()
        parameters = {
            p["name"] for p in document["paths"]["/api/v1/traineeships"]["get"]["parameters"]
        }
        assert {"status", "cohort", "hospital", "university", "limit", "offset"} <= parameters


def test_records_of_a_sent_back_item_can_be_recorded_again(
    world, client_for, catalogue, traineeship
):
    plan = approved_plan(traineeship, catalogue)
    item = item_titled(plan, "Medical device regulation")
    record = recorded(traineeship, item)
    client = client_for(world.university_supervisor)
    api(client, "post", f"records/{record.pk}/send-back", {"reason": "Wrong course."})
    response = api(
        client_for(world.trainee_a),
        "post",
        f"traineeships/{traineeship.pk}/items/{item.pk}/record",
        {"completed_on": timezone.localdate().isoformat(), "grade": "9"},
    )
    assert response.status_code == 201
    assert (response.json()["id"], response.json()["status"]) == (record.pk, RecordStatus.RECORDED)
    assert response.json()["grade"] == "9"
    progress = api(client, "get", f"traineeships/{traineeship.pk}/progress").json()
    assert Decimal(progress["earned"]) == 0
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
