"""The selection endpoints of the API: the same services, rules and state checks as the pages. A
refused transition is a 409 with a code, bad input a 422 naming the field, an action the person
may not take a 403, and what they may not see a 404. Every endpoint is in the OpenAPI document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.accounts.services import create_api_token
from qme.audit.models import AuditEvent
from qme.selection import services
from qme.selection.models import (
    Application,
    CommitteeMember,
    Decision,
    Offer,
    ScoreSheet,
)
from tests.helpers import api
from tests.positions.factories import open_position

from .factories import close, eligible_fields, fresh, pdf_upload, score, shortlisted
from .helpers import error_fields, snapshot


def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _details(position) -> dict:
    fields = eligible_fields(position)
    for key in ("master_date", "dutch_certificate_date"):
        fields[key] = fields[key].isoformat()
    return fields


class TestApplying:
    def test_it_lets_an_applicant_apply_with_a_token(self, world, client):
        position = open_position(world)
        _token, secret = create_api_token(user=world.applicant, name="My script")
        response = api(client, "post", f"positions/{position.pk}/applications", token=secret)
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "draft"
        assert "Upload your CV (PDF)." in body["missing"]
        pk = body["id"]
        again = api(client, "post", f"positions/{position.pk}/applications", token=secret)
        assert again.json()["id"] == pk
        response = api(client, "patch", f"applications/{pk}", _details(position), token=secret)
        assert response.status_code == 200
        assert response.json()["city"] == "Zwolle"
        response = api(client, "post", f"applications/{pk}/submit", token=secret)
        assert response.status_code == 409
        assert response.json()["code"] == "incomplete"
        assert "Upload your CV (PDF)." in response.json()["detail"]
        for kind in services.DOCUMENTS:
            response = client.post(
                f"/api/v1/applications/{pk}/documents/{kind}",
                {"file": pdf_upload()},
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert response.status_code == 200, response.content
        assert response.json()["documents"] == list(services.DOCUMENTS)
        response = api(client, "post", f"applications/{pk}/submit", token=secret)
        assert response.status_code == 200
        assert response.json()["status"] == "submitted"
        response = api(client, "post", f"applications/{pk}/submit", token=secret)
        assert (response.status_code, response.json()["code"]) == (409, "already_submitted")
        response = api(client, "get", "applications", token=secret)
        assert [a["id"] for a in response.json()] == [pk]
        response = api(
            client, "post", f"applications/{pk}/consent", {"keep_for_a_year": True}, token=secret
        )
        assert response.json()["keep_for_a_year"] is True
        response = api(
            client, "post", f"applications/{pk}/withdraw", {"reason": "Other job."}, token=secret
        )
        assert response.json()["status"] == "withdrawn"
        response = api(client, "post", f"applications/{pk}/withdraw", {}, token=secret)
        assert (response.status_code, response.json()["code"]) == (409, "invalid_state")

    def test_it_answers_a_document_that_is_not_a_pdf_with_a_422_naming_it(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/api/v1/applications/{application.pk}/documents/cv",
            {"file": pdf_upload("cv.pdf", b"<html><script>alert(1)</script></html>")},
        )
        assert error_fields(response) == {"cv"}
        assert snapshot() == before

    def test_it_says_why_an_application_is_ineligible_and_lets_the_office_admit_it(
        self, world, client_for, own_client
    ):
        position = open_position(world)
        from .factories import draft_application

        application = draft_application(position, world.applicant, dutch_level="B1")
        response = api(client_for(world.applicant), "post", f"applications/{application.pk}/submit")
        assert response.status_code == 200
        assert response.json()["status"] == "ineligible"
        assert response.json()["eligibility_problems"] == [
            "This position asks for Dutch at level B2+ or higher; you gave B1."
        ]
        before = snapshot()
        path = f"applications/{application.pk}/admit"
        assert api(own_client(world.applicant), "post", path, {"reason": "Me."}).status_code == 403
        assert error_fields(api(own_client(world.office), "post", path, {"reason": ""})) == {
            "reason"
        }
        assert snapshot() == before
        response = api(own_client(world.office), "post", path, {"reason": "Strong otherwise."})
        assert response.json()["status"] == "submitted"
        response = api(own_client(world.office), "post", path, {"reason": "Again."})
        assert (response.status_code, response.json()["code"]) == (409, "invalid_state")

    def test_it_refuses_applying_for_a_position_that_is_not_open(self, world, client_for):
        from tests.positions.factories import position_in

        draft = position_in(world, "draft")
        selection = position_in(world, "selection")
        client = client_for(world.applicant)
        assert api(client, "post", f"positions/{draft.pk}/applications").status_code == 404
        response = api(client, "post", f"positions/{selection.pk}/applications")
        assert (response.status_code, response.json()["code"]) == (409, "closed")
        assert api(client, "post", "positions/999999/applications").status_code == 404
        assert not Application.objects.exists()


class TestCommittee:
    def test_it_lets_the_office_assign_and_remove_members(self, world, client_for):
        position = open_position(world)
        client = client_for(world.office)
        path = f"selection/{position.pk}/committee"
        response = api(
            client,
            "post",
            path,
            {"user_id": world.supervisor_a.pk, "side": "hospital", "is_chair": True},
        )
        assert response.status_code == 201
        member = response.json()
        assert (member["name"], member["side"], member["is_chair"]) == (
            "Sara Supervisor",
            "hospital",
            True,
        )
        response = api(client, "post", path, {"user_id": world.supervisor_a.pk, "side": "hospital"})
        assert (response.status_code, response.json()["code"]) == (409, "duplicate")
        response = api(
            client, "post", path, {"user_id": world.coordinator_b.pk, "side": "hospital"}
        )
        assert error_fields(response) == {"person"}
        assert api(client, "post", path, {"user_id": 999999, "side": "hospital"}).status_code == 404
        assert error_fields(api(client, "post", path, {"user_id": 1, "side": "pharmacy"})) == {
            "side"
        }
        assert [m["name"] for m in api(client, "get", path).json()] == ["Sara Supervisor"]
        response = api(client, "delete", f"{path}/{member['id']}")
        assert response.status_code == 204
        assert not CommitteeMember.objects.exists()

    def test_it_lets_members_not_assign_and_outsiders_not_see(self, world, proc, own_client):
        path = f"selection/{proc.position.pk}/committee"
        payload = {"user_id": world.coordinator_a.pk, "side": "hospital"}
        before = snapshot()
        assert api(own_client(proc.hos_chair), "post", path, payload).status_code == 403
        member = CommitteeMember.objects.get(user=proc.hos_member, position=proc.position)
        assert api(own_client(proc.hos_chair), "delete", f"{path}/{member.pk}").status_code == 403
        assert api(own_client(world.coordinator_a), "post", path, payload).status_code == 404
        assert api(own_client(world.coordinator_a), "get", path).status_code == 404
        assert snapshot() == before

    def test_it_keeps_a_member_with_submitted_scores(self, world, proc, client_for):
        score(proc.stage(), proc.candidates[0], proc.hos_member)
        member = CommitteeMember.objects.get(user=proc.hos_member, position=proc.position)
        response = api(
            client_for(world.office),
            "delete",
            f"selection/{proc.position.pk}/committee/{member.pk}",
        )
        assert (response.status_code, response.json()["code"]) == (409, "has_scores")

    def test_it_lists_the_stages_and_their_rubric(self, world, proc, client_for):
        response = api(client_for(proc.uni_member), "get", f"selection/{proc.position.pk}/stages")
        stages = response.json()
        assert [s["kind"] for s in stages] == ["screening", "interview", "decision"]
        assert [c["weight"] for c in stages[0]["criteria"]] == [2, 2, 1, 1, 1]
        assert stages[0]["criteria"][0]["anchors_en"]["5"].startswith("Excellent")
        assert stages[2]["criteria"] == []


class TestRubric:
    def _path(self, proc, criterion=None):
        criterion = criterion or proc.criteria()[0]
        return f"selection/{proc.position.pk}/criteria/{criterion.pk}"

    def test_it_lets_the_office_adjust_a_criterion(self, world, proc, own_client):
        response = api(
            own_client(world.office), "patch", self._path(proc), {"weight": 3, "name_en": " Depth "}
        )
        assert response.status_code == 200
        assert (response.json()["weight"], response.json()["name_en"]) == (3, "Depth")
        event = AuditEvent.objects.get(action="rubric.criterion_updated")
        assert event.data["fields"] == ["name_en", "weight"]
        # Sending what is already there changes nothing, and records nothing.
        response = api(own_client(world.office), "patch", self._path(proc), {"weight": 3})
        assert response.status_code == 200
        assert AuditEvent.objects.filter(action="rubric.criterion_updated").count() == 1

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"weight": 0}, "weight"),
            ({"weight": 11}, "weight"),
            ({"weight": "heavy"}, "weight"),
            ({"weight": None}, "weight"),
            ({"name_en": "   "}, "name_en"),
            ({"name_nl": None}, "name_nl"),
            ({"description_en": "\x00"}, "description_en"),
        ],
    )
    def test_it_answers_a_bad_change_with_a_422(self, world, proc, own_client, payload, field):
        before = snapshot()
        response = api(own_client(world.office), "patch", self._path(proc), payload)
        assert error_fields(response) == {field}
        assert snapshot() == before

    def test_it_lets_only_the_office_adjust_until_the_first_sheet(self, world, proc, own_client):
        from .factories import procedure_for

        other = procedure_for(world, candidates=1, hospital=world.hospital_b)
        before = snapshot()
        assert (
            api(own_client(proc.uni_chair), "patch", self._path(proc), {"weight": 3}).status_code
            == 403
        )
        assert (
            api(
                own_client(world.coordinator_a), "patch", self._path(proc), {"weight": 3}
            ).status_code
            == 404
        )
        wrong = f"selection/{proc.position.pk}/criteria/{other.criteria()[0].pk}"
        assert api(own_client(world.office), "patch", wrong, {"weight": 3}).status_code == 404
        assert snapshot() == before
        score(proc.stage(), proc.candidates[0], proc.hos_member)
        response = api(own_client(world.office), "patch", self._path(proc), {"weight": 3})
        assert (response.status_code, response.json()["code"]) == (409, "rubric_in_use")
        interview = proc.criteria("interview")[0]
        response = api(
            own_client(world.office), "patch", self._path(proc, interview), {"weight": 3}
        )
        assert response.status_code == 200


class TestScoring:
    def _path(self, proc, application, stage=None):
        return f"selection/candidates/{application.pk}/scores/{(stage or proc.stage()).pk}"

    def _payload(self, proc, value=4, justification="Good.", submit=True):
        return {
            "scores": [
                {"criterion_id": c.pk, "value": value, "justification": justification}
                for c in proc.criteria()
            ],
            "submit": submit,
        }

    def test_it_lets_a_member_save_a_draft_then_submit_once(self, world, proc, own_client):
        anna = proc.candidates[0]
        client = own_client(proc.hos_member)
        draft = {"scores": [{"criterion_id": proc.criteria()[0].pk, "value": 2}], "submit": False}
        response = api(client, "put", self._path(proc, anna), draft)
        assert response.json() == {"submitted_at": None}
        response = api(client, "put", self._path(proc, anna), self._payload(proc))
        assert response.status_code == 200
        assert response.json()["submitted_at"] is not None
        before = snapshot()
        response = api(client, "put", self._path(proc, anna), self._payload(proc, 1))
        assert (response.status_code, response.json()["code"]) == (409, "already_submitted")
        assert snapshot() == before

    def test_it_names_each_missing_score_and_justification(self, world, proc, own_client):
        anna = proc.candidates[0]
        criteria = proc.criteria()
        payload = self._payload(proc)
        payload["scores"] = payload["scores"][1:]
        payload["scores"][0]["justification"] = ""
        before = snapshot()
        response = api(own_client(proc.hos_member), "put", self._path(proc, anna), payload)
        assert error_fields(response) == {
            f"score_{criteria[0].pk}",
            f"justification_{criteria[1].pk}",
        }
        assert snapshot() == before

    @pytest.mark.parametrize("value", [0, 6, "five", 2.5])
    def test_it_answers_a_score_outside_one_to_five_with_a_422(
        self, world, proc, own_client, value
    ):
        before = snapshot()
        response = api(
            own_client(proc.hos_member),
            "put",
            self._path(proc, proc.candidates[0]),
            self._payload(proc, value),
        )
        assert response.status_code == 422
        assert snapshot() == before

    def test_it_refuses_an_unknown_criterion_or_another_stages(self, world, proc, own_client):
        anna = proc.candidates[0]
        interview = proc.criteria("interview")[0]
        before = snapshot()
        for criterion_id in (interview.pk, 999999):
            payload = {"scores": [{"criterion_id": criterion_id, "value": 3}], "submit": False}
            response = api(own_client(proc.hos_member), "put", self._path(proc, anna), payload)
            assert response.status_code in (409, 422)
        assert snapshot() == before

    def test_it_lets_a_member_declare_a_conflict_and_then_not_score(self, world, proc, own_client):
        anna = proc.candidates[0]
        client = own_client(proc.hos_member)
        path = f"selection/candidates/{anna.pk}/conflict"
        before = snapshot()
        assert error_fields(api(client, "post", path, {"reason": "  "})) == {"reason"}
        response = api(own_client(world.office), "post", path, {"reason": "Mine."})
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert (
            api(own_client(world.coordinator_a), "post", path, {"reason": "Mine."}).status_code
            == 404
        )
        assert snapshot() == before
        response = api(client, "post", path, {"reason": "She is my niece."})
        assert response.status_code == 201
        assert response.json()["application_id"] == anna.pk
        response = api(client, "put", self._path(proc, anna), self._payload(proc))
        assert (response.status_code, response.json()["code"]) == (409, "conflict")
        rows = api(
            client, "get", f"selection/{proc.position.pk}/stages/{proc.stage().pk}/results"
        ).json()
        assert {r["application_id"]: r["eligible_members"] for r in rows}[anna.pk] == 3

    def test_it_refuses_who_may_not_score(self, world, proc, own_client):
        from .factories import procedure_for

        anna = proc.candidates[0]
        other = procedure_for(world, candidates=1, hospital=world.hospital_b)
        services.declare_conflict(actor=fresh(proc.uni_member), application=anna, reason="Niece.")
        before = snapshot()
        response = api(
            own_client(proc.uni_member), "put", self._path(proc, anna), self._payload(proc)
        )
        assert (response.status_code, response.json()["code"]) == (409, "conflict")
        response = api(own_client(world.office), "put", self._path(proc, anna), self._payload(proc))
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        for outsider in (world.coordinator_a, other.hos_member, anna.applicant):
            response = api(own_client(outsider), "put", self._path(proc, anna), self._payload(proc))
            assert response.status_code in (403, 404), outsider
        # A stage of another position is not found.
        response = api(
            own_client(proc.hos_member),
            "put",
            self._path(proc, anna, other.stage()),
            self._payload(proc),
        )
        assert response.status_code == 404
        assert snapshot() == before
        assert not ScoreSheet.objects.exists()


class TestMoves:
    def test_it_moves_one_or_many_at_once(self, world, proc, own_client, emails):
        anna, bram, chloe = proc.candidates
        client = own_client(proc.hos_chair)
        path = f"selection/{proc.position.pk}/moves"
        response = api(
            client, "post", path, {"action": "shortlist", "application_ids": [anna.pk, bram.pk]}
        )
        assert response.status_code == 200
        assert [a["status"] for a in response.json()] == ["shortlisted", "shortlisted"]
        starts = (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)
        with emails() as sent:
            response = api(
                client,
                "post",
                path,
                {
                    "action": "interview",
                    "application_ids": [anna.pk],
                    "starts_at": starts.isoformat(),
                    "duration_minutes": 30,
                    "location": "https://video.example.org/room",
                },
            )
        assert response.status_code == 200
        assert response.json()[0]["status"] == "interview"
        [invitation] = sent
        assert invitation.attachments[0][0] == "interview.ics"
        response = api(
            client,
            "post",
            path,
            {"action": "reject", "application_ids": [chloe.pk], "reason": "No."},
        )
        assert response.json()[0]["status"] == "rejected"

    @pytest.mark.parametrize(
        ("payload", "status", "what"),
        [
            ({"action": "promote", "application_ids": [1]}, 422, {"action"}),
            ({"action": "shortlist", "application_ids": []}, 422, {"application_ids"}),
            ({"action": "shortlist", "application_ids": [999999]}, 422, {"application_ids"}),
            (
                {"action": "interview", "application_ids": ["ANNA"], "location": "x"},
                422,
                {"starts_at"},
            ),
            (
                {"action": "interview", "application_ids": ["ANNA"], "starts_at": "soon"},
                422,
                {"starts_at"},
            ),
            ({"action": "reject", "application_ids": ["ANNA"]}, 409, "reason_required"),
            ({"action": "shortlist", "application_ids": ["ANNA", "CHLOE"]}, 409, "invalid_state"),
        ],
    )
    def test_it_changes_nothing_for_bad_or_refused_moves(
        self, world, proc, own_client, payload, status, what
    ):
        anna, _bram, chloe = proc.candidates
        services.withdraw_application(actor=fresh(chloe.applicant), application=chloe)
        ids = {"ANNA": anna.pk, "CHLOE": chloe.pk}
        payload = {
            **payload,
            "application_ids": [ids.get(i, i) for i in payload["application_ids"]],
        }
        before = snapshot()
        response = api(
            own_client(proc.hos_chair), "post", f"selection/{proc.position.pk}/moves", payload
        )
        assert response.status_code == status, response.content
        if status == 422:
            assert error_fields(response) == what
        elif status == 409:
            assert response.json()["code"] == what
        assert snapshot() == before

    def test_it_does_not_know_candidates_of_another_position_here(self, world, proc, own_client):
        from .factories import procedure_for

        other = procedure_for(world, candidates=1, hospital=world.hospital_b)
        before = snapshot()
        response = api(
            own_client(world.office),
            "post",
            f"selection/{proc.position.pk}/moves",
            {"action": "shortlist", "application_ids": [other.candidates[0].pk]},
        )
        assert error_fields(response) == {"application_ids"}
        assert snapshot() == before


class TestDecisions:
    def _ready(self, proc):
        close(proc.world, proc.position)
        shortlisted(proc)
        proc.refresh()

    def test_it_proposes_approves_twice_and_makes_the_offer(self, world, proc, own_client):
        self._ready(proc)
        anna, bram, chloe = proc.candidates
        payload = {
            "candidate_id": anna.pk,
            "reserve_ids": [chloe.pk, bram.pk],
            "rationale": "Best design portfolio.",
            "offer_deadline": _later(10),
        }
        path = f"selection/{proc.position.pk}/decisions"
        assert api(own_client(world.office), "post", path, payload).status_code == 403
        response = api(own_client(proc.uni_member), "post", path, payload)
        assert response.status_code == 201
        decision = response.json()
        assert decision["reserves"] == [chloe.pk, bram.pk]
        assert decision["status"] == "proposed"
        response = api(own_client(proc.uni_member), "post", path, payload)
        assert (response.status_code, response.json()["code"]) == (409, "duplicate")
        approve = f"decisions/{decision['id']}/approve"
        for person in (proc.uni_member, proc.hos_member, world.office):
            response = api(own_client(person), "post", approve)
            assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert api(own_client(world.coordinator_a), "post", approve).status_code == 404
        response = api(own_client(proc.uni_chair), "post", approve)
        assert response.json()["university_approved_at"] is not None
        assert response.json()["status"] == "proposed"
        assert not Offer.objects.exists()
        response = api(own_client(proc.uni_chair), "post", approve)
        assert (response.status_code, response.json()["code"]) == (409, "already_approved")
        response = api(own_client(proc.hos_chair), "post", approve)
        assert response.json()["status"] == "approved"
        offer = Offer.objects.get()
        response = api(own_client(proc.hos_chair), "post", f"decisions/{decision['id']}/offer-next")
        assert (response.status_code, response.json()["code"]) == (409, "offer_open")
        # The candidate answers; nobody else can.
        answer = f"offers/{offer.pk}/answer"
        assert api(own_client(bram.applicant), "post", answer, {"accept": True}).status_code == 404
        assert api(own_client(world.office), "post", answer, {"accept": True}).status_code == 404
        response = api(own_client(anna.applicant), "post", answer, {"accept": False})
        assert response.json()["status"] == "declined"
        response = api(own_client(anna.applicant), "post", answer, {"accept": True})
        assert (response.status_code, response.json()["code"]) == (409, "already_answered")
        response = api(own_client(world.office), "post", f"decisions/{decision['id']}/offer-next")
        assert response.status_code == 201
        assert response.json()["application_id"] == chloe.pk
        assert (
            api(own_client(proc.hos_member), "get", f"decisions/{decision['id']}").status_code
            == 200
        )
        assert (
            api(own_client(world.coordinator_a), "get", f"decisions/{decision['id']}").status_code
            == 404
        )

    def test_it_needs_a_reason_to_block(self, world, proc, own_client):
        self._ready(proc)
        from .factories import proposed_decision

        decision = proposed_decision(proc)
        path = f"decisions/{decision.pk}/block"
        before = snapshot()
        assert error_fields(api(own_client(proc.hos_chair), "post", path, {"reason": ""})) == {
            "reason"
        }
        assert api(own_client(proc.hos_member), "post", path, {"reason": "No."}).status_code == 403
        assert snapshot() == before
        response = api(own_client(proc.hos_chair), "post", path, {"reason": "Not convinced."})
        assert response.json()["status"] == "blocked"
        assert response.json()["blocked_reason"] == "Not convinced."
        assert Decision.objects.get().blocked_by == proc.hos_chair

    @pytest.mark.parametrize(
        ("change", "status", "what"),
        [
            ({"candidate_id": 999999}, 422, {"application_ids"}),
            ({"reserve_ids": [999999]}, 422, {"application_ids"}),
            ({"rationale": ""}, 422, {"rationale"}),
            ({"offer_deadline": "yesterday"}, 422, {"offer_deadline"}),
            ({"offer_deadline": "2000-01-01"}, 422, {"offer_deadline"}),
            ({"reserve_ids": ["ANNA"]}, 422, {"reserves"}),
        ],
    )
    def test_it_answers_a_bad_proposal_with_a_422(
        self, world, proc, own_client, change, status, what
    ):
        self._ready(proc)
        anna, bram, _chloe = proc.candidates
        payload = {
            "candidate_id": anna.pk,
            "reserve_ids": [bram.pk],
            "rationale": "Best.",
            "offer_deadline": _later(10),
        } | change
        payload["reserve_ids"] = [anna.pk if i == "ANNA" else i for i in payload["reserve_ids"]]
        before = snapshot()
        response = api(
            own_client(proc.hos_member), "post", f"selection/{proc.position.pk}/decisions", payload
        )
        assert response.status_code == status, response.content
        assert error_fields(response) == what
        assert snapshot() == before


SELECTION_ENDPOINTS = {
    "/api/v1/applications": {"get"},
    "/api/v1/positions/{pk}/applications": {"post"},
    "/api/v1/applications/{pk}": {"get", "patch"},
    "/api/v1/applications/{pk}/documents/{kind}": {"post"},
    "/api/v1/applications/{pk}/submit": {"post"},
    "/api/v1/applications/{pk}/withdraw": {"post"},
    "/api/v1/applications/{pk}/consent": {"post"},
    "/api/v1/applications/{pk}/admit": {"post"},
    "/api/v1/offers/{pk}/answer": {"post"},
    "/api/v1/selection/{pk}/candidates": {"get"},
    "/api/v1/selection/{pk}/committee": {"get", "post"},
    "/api/v1/selection/{pk}/committee/{member_pk}": {"delete"},
    "/api/v1/selection/{pk}/stages": {"get"},
    "/api/v1/selection/{pk}/stages/{stage_pk}/results": {"get"},
    "/api/v1/selection/{pk}/criteria/{criterion_pk}": {"patch"},
    "/api/v1/selection/candidates/{pk}/conflict": {"post"},
    "/api/v1/selection/candidates/{pk}/scores/{stage_pk}": {"put"},
    "/api/v1/selection/{pk}/moves": {"post"},
    "/api/v1/selection/{pk}/decisions": {"post"},
    "/api/v1/decisions/{pk}": {"get"},
    "/api/v1/decisions/{pk}/approve": {"post"},
    "/api/v1/decisions/{pk}/block": {"post"},
    "/api/v1/decisions/{pk}/offer-next": {"post"},
}


def test_it_documents_every_selection_endpoint_in_the_openapi_document(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in SELECTION_ENDPOINTS.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method].get("security"), f"{method} {path} needs sign-in"
            assert "selection" in paths[path][method]["tags"]


def test_it_needs_sign_in_for_every_selection_endpoint(world, proc, client):
    for path, methods in SELECTION_ENDPOINTS.items():
        concrete = (
            path.removeprefix("/api/v1/")
            .replace("{pk}", str(proc.position.pk))
            .replace("{kind}", "cv")
            .replace("{member_pk}", "1")
            .replace("{stage_pk}", str(proc.stage().pk))
            .replace("{criterion_pk}", str(proc.criteria()[0].pk))
        )
        for method in methods:
            response = api(client, method, concrete, {} if method != "get" else None)
            assert response.status_code == 401, f"{method} {concrete}"
