"""Careless or hostile input on every form and endpoint of selection: never a server error, a
refusal that changes nothing, or, when accepted, exactly what was sent (trimmed) and nothing
half-stored. And a double submit counts once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.selection import services
from qme.selection.models import (
    Application,
    ConflictOfInterest,
    Decision,
    Offer,
    ReasonRequest,
    ScoreSheet,
)
from tests.conftest import build_world
from tests.helpers import HOSTILE_TEXT, api
from tests.positions.factories import open_position
from tests.sharing import shared

from .factories import (
    approved_decision,
    close,
    draft_application,
    fresh,
    pdf_upload,
    procedure_for,
    proposed_decision,
    shortlisted,
)
from .helpers import messages_of, snapshot

# Each test class builds the personas, and the procedure or the open position its tests ask for,
# once (tests/sharing.py): every test runs in a savepoint inside that data and gets its own copy
# of the objects, so what one test changes never reaches the next.


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings) -> dict:
    asked = {"proc", "position"} & set(request.fixturenames)

    def build() -> dict:
        world = build_world()
        return {
            "world": world,
            "proc": procedure_for(world) if "proc" in asked else None,
            "position": open_position(world) if "position" in asked else None,
        }

    return shared(request, shared_db, settings, tuple(sorted(asked)), build)


@pytest.fixture
def world(_data, db):
    return _data["world"]


@pytest.fixture
def proc(_data, db):
    return _data["proc"]


@pytest.fixture
def position(_data, db):
    return _data["position"]


HOSTILE_IDS = ["", "abc", "-1", "0", "999999", "1.5", "1 OR 1=1", "\x00", "9" * 30]
TEXT_FIELDS = ["phone", "city", "master_field", "master_university"]


def _valid_form(position) -> dict[str, str]:
    return {
        "phone": "+31 6 1234 5678",
        "city": "Zwolle",
        "master_field": "Biomedical Engineering",
        "master_university": "TU Delft",
        "master_date": (position.start_date - dt.timedelta(days=30)).isoformat(),
        "dutch_level": "C1",
        "dutch_evidence_kind": "certificate",
        "dutch_certificate_date": "2024-01-01",
    }


class TestApplicationForm:
    @pytest.mark.parametrize("field", TEXT_FIELDS)
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_stores_text_exactly_or_refuses_it(self, world, position, client_for, field, value):
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/edit/", {**_valid_form(position), field: value}
        )
        assert response.status_code in (200, 302)
        application.refresh_from_db()
        if response.status_code == 302:
            assert getattr(application, field) == value.strip()
        else:
            assert field in response.context["form"].errors
            assert snapshot() == before

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("master_date", "yesterday"),
            ("master_date", "2024-02-30"),
            ("master_date", "99999-01-01"),
            ("dutch_certificate_date", "\x00"),
            ("dutch_level", "Z9"),
            ("dutch_level", "b2"),
            ("dutch_evidence_kind", "diploma; DROP TABLE"),
        ],
    )
    def test_it_refuses_a_bad_choice_or_date(self, world, position, client_for, field, value):
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/edit/", {**_valid_form(position), field: value}
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before


class TestDocumentUpload:
    @pytest.mark.parametrize(
        "name",
        ["../../../etc/passwd.pdf", "x" * 500 + ".pdf", "cv\x00.pdf", "   ", "C:\\cv.pdf", "cv"],
    )
    def test_it_stores_a_pdf_with_any_name_under_a_safe_name(
        self, world, position, client_for, name
    ):
        application = services.start_application(actor=world.applicant, position=position)
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/documents/cv/upload/",
            {"file": SimpleUploadedFile(name, pdf_upload().read(), "application/pdf")},
        )
        assert response.status_code == 302
        application.refresh_from_db()
        if application.cv:
            assert application.cv.name.startswith(f"private/applications/{position.pk}/")
            assert ".." not in application.cv.name

    @pytest.mark.parametrize("data", [{}, {"file": "not a file"}, {"file": ""}])
    def test_it_refuses_no_file(self, world, position, client_for, data):
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/documents/cv/upload/", data, follow=True
        )
        assert "Choose a PDF file." in messages_of(response)
        assert snapshot() == before


class TestApplicantActions:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_takes_a_withdrawal_reason_whole_or_not_at_all(
        self, world, position, client_for, value
    ):
        application = draft_application(position, world.applicant)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/withdraw/", {"reason": value}
        )
        assert response.status_code in (200, 302)
        application.refresh_from_db()
        if response.status_code == 302:
            assert application.status == "withdrawn"
            assert application.status_reason == value.strip()
        else:
            assert application.status == "draft"
            assert snapshot() == before

    @pytest.mark.parametrize("value", ["", "YES", "true", "1", "\x00", "x" * 10_000])
    def test_it_takes_consent_only_from_yes(self, world, position, client_for, value):
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/consent/", {"keep_for_a_year": value}
        )
        assert response.status_code == 302
        assert snapshot() == before

    @pytest.mark.parametrize("answer", ["", "ACCEPT", "yes", "\x00", "accept ", "x" * 10_000])
    def test_it_takes_only_accept_or_decline_as_an_answer_to_an_offer(
        self, world, proc, own_client, answer
    ):
        approved_decision(proc)
        offer = Offer.objects.get()
        anna = proc.candidates[0]
        before = snapshot()
        response = own_client(anna.applicant).post(
            f"/applications/{anna.pk}/offers/{offer.pk}/", {"answer": answer}, follow=True
        )
        assert response.status_code == 200
        assert "Choose to accept or to decline the offer." in messages_of(response)
        assert snapshot() == before

    @pytest.mark.parametrize("pk", HOSTILE_IDS)
    def test_it_does_not_find_hostile_addresses(self, world, client_for, pk):
        client = client_for(world.applicant)
        for path in (
            f"/applications/{pk}/",
            f"/positions/{pk}/apply/",
            f"/applications/{pk}/offers/{pk}/",
            f"/selection/candidates/{pk}/",
        ):
            response = (
                client.post(path) if "apply" in path or "offers" in path else client.get(path)
            )
            assert response.status_code == 404, path


class TestCommitteeForms:
    @pytest.mark.parametrize(
        "data",
        [
            {"person": "abc", "side": "hospital"},
            {"person": "999999", "side": "hospital"},
            {"person": "", "side": ""},
            {"person": "\x00", "side": "hospital"},
            {"side": "hospital", "is_chair": "maybe"},
            {"person": "PERSON", "side": "both"},
        ],
    )
    def test_it_refuses_a_bad_member(self, world, proc, client_for, data):
        data = {k: (str(world.coordinator_a.pk) if v == "PERSON" else v) for k, v in data.items()}
        before = snapshot()
        response = client_for(world.office).post(f"/selection/{proc.position.pk}/committee/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_IDS)
    def test_it_does_not_remove_a_member_that_is_not_there(self, world, proc, client_for, value):
        before = snapshot()
        response = client_for(world.office).post(
            f"/selection/{proc.position.pk}/committee/", {"remove": value}
        )
        assert response.status_code in (200, 404)
        assert snapshot() == before

    @pytest.mark.parametrize("path", ["conflict", "admit"])
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_takes_a_reason_whole_or_not_at_all(self, world, proc, client_for, path, value):
        anna = proc.candidates[0]
        if path == "admit":
            Application.objects.filter(pk=anna.pk).update(status="ineligible")
            person = world.office
        else:
            person = proc.hos_member
        before = snapshot()
        response = client_for(person).post(
            f"/selection/candidates/{anna.pk}/{path}/", {"reason": value}
        )
        assert response.status_code == 302
        if value.strip() and "\x00" not in value and len(value) <= 5000:
            assert snapshot() != before
            stored = (
                ConflictOfInterest.objects.get().reason
                if path == "conflict"
                else Application.objects.get(pk=anna.pk).admitted_reason
            )
            assert stored == value.strip()
        else:
            assert snapshot() == before


class TestScoring:
    @pytest.mark.parametrize(
        "value", ["", "0", "6", "-1", "abc", "²", "٣", "3.5", "\x00", "9" * 40, " 3"]
    )
    def test_it_refuses_a_score_that_is_not_one_to_five(self, world, proc, client_for, value):
        anna = proc.candidates[0]
        stage = proc.stage()
        data = {"submit": "yes"}
        for criterion in stage.criteria.all():
            data[f"score_{criterion.pk}"] = value
            data[f"justification_{criterion.pk}"] = "Why."
        before = snapshot()
        response = client_for(proc.hos_member).post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", data, follow=True
        )
        assert response.status_code == 200
        if value in ("٣", " 3"):  # an Arabic-Indic three is a three; spaces are trimmed
            assert ScoreSheet.objects.get().submitted_at is not None
        else:
            assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_takes_a_justification_whole_or_not_at_all(self, world, proc, client_for, value):
        anna = proc.candidates[0]
        stage = proc.stage()
        data = {"submit": "yes"}
        for criterion in stage.criteria.all():
            data[f"score_{criterion.pk}"] = "3"
            data[f"justification_{criterion.pk}"] = value
        before = snapshot()
        response = client_for(proc.hos_member).post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", data, follow=True
        )
        assert response.status_code == 200
        if value.strip() and "\x00" not in value and len(value) <= 5000:
            sheet = ScoreSheet.objects.get()
            assert {s.justification for s in sheet.scores.all()} == {value.strip()}
        else:
            assert snapshot() == before

    @pytest.mark.parametrize("pk", HOSTILE_IDS)
    def test_it_does_not_find_a_stage_that_is_not_there(self, world, proc, client_for, pk):
        anna = proc.candidates[0]
        response = client_for(proc.hos_member).post(
            f"/selection/candidates/{anna.pk}/stages/{pk}/score/", {"submit": "yes"}
        )
        assert response.status_code == 404


class TestMoveForm:
    @pytest.mark.parametrize(
        "data",
        [
            {"action": "promote"},
            {"action": "shortlist", "applications": ["abc"]},
            {"action": "shortlist", "applications": ["999999"]},
            {"action": "shortlist", "applications": ["\x00"]},
            {"action": "shortlist", "applications": []},
            {"action": "reject", "reason": "\x00"},
            {"action": "reject", "reason": "x" * 5001},
            {"action": "interview", "starts_at": "tomorrow", "location": "Room 1"},
            {"action": "interview", "starts_at": "2020-01-01T10:00", "location": "Room 1"},
            {"action": "interview", "starts_at": "FUTURE", "location": "\x00"},
            {"action": "interview", "starts_at": "FUTURE", "location": "x" * 501},
            {
                "action": "interview",
                "starts_at": "FUTURE",
                "location": "R",
                "duration_minutes": "x",
            },
            {
                "action": "interview",
                "starts_at": "FUTURE",
                "location": "R",
                "duration_minutes": "5",
            },
        ],
    )
    def test_it_changes_nothing_for_a_bad_move(self, world, proc, client_for, emails, data):
        future = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        data = {k: (future if v == "FUTURE" else v) for k, v in data.items()}
        data.setdefault("applications", [a.pk for a in proc.candidates])
        before = snapshot()
        with emails() as sent:
            response = client_for(proc.hos_chair).post(
                f"/selection/{proc.position.pk}/move/", data, follow=True
            )
        assert response.status_code == 200
        assert messages_of(response)
        assert snapshot() == before
        assert sent == []

    @pytest.mark.parametrize("status", ["", "nonsense", "\x00", "x" * 1000])
    def test_it_shows_every_candidate_for_a_bad_filter(self, world, proc, client_for, status):
        response = client_for(proc.hos_chair).get(
            f"/selection/{proc.position.pk}/", {"status": status}
        )
        assert response.status_code == 200
        assert len(response.context["applications"]) == 3

    def test_it_never_shows_drafts_even_when_asked_for(self, world, proc, client_for):
        services.start_application(actor=fresh(world.coordinator_b), position=proc.position)
        response = client_for(proc.hos_chair).get(
            f"/selection/{proc.position.pk}/", {"status": "draft"}
        )
        assert response.status_code == 200
        assert list(response.context["applications"]) == []


class TestDecisionForms:
    @pytest.mark.parametrize(
        "change",
        [
            {"candidate": "abc"},
            {"candidate": "999999"},
            {"candidate": ""},
            {"reserves": ["abc"]},
            {"rationale": ""},
            {"rationale": "   "},
            {"rationale": "\x00"},
            {"rationale": "x" * 10_001},
            {"offer_deadline": "next week"},
            {"offer_deadline": "2000-01-01"},
            {"offer_deadline": "\x00"},
        ],
    )
    def test_it_changes_nothing_for_a_bad_proposal(self, world, proc, client_for, change):
        close(world, proc.position)
        shortlisted(proc)
        anna, bram, chloe = proc.candidates
        data = {
            "candidate": anna.pk,
            "reserves": [bram.pk, chloe.pk],
            "rationale": "The best.",
            "offer_deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        } | change
        before = snapshot()
        response = client_for(proc.hos_member).post(
            f"/selection/{proc.position.pk}/decision/", data
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_takes_a_blocking_reason_whole_or_not_at_all(self, world, proc, client_for, value):
        decision = proposed_decision(proc)
        before = snapshot()
        response = client_for(proc.hos_chair).post(
            f"/selection/{proc.position.pk}/decision/{decision.pk}/",
            {"action": "block", "reason": value},
        )
        assert response.status_code == 302
        decision.refresh_from_db()
        if value.strip() and "\x00" not in value and len(value) <= 5000:
            assert decision.blocked_reason == value.strip()
        else:
            assert decision.status == "proposed"
            assert snapshot() == before

    @pytest.mark.parametrize("pk", HOSTILE_IDS)
    def test_it_does_not_find_a_decision_that_is_not_there(self, world, proc, client_for, pk):
        response = client_for(proc.hos_chair).post(
            f"/selection/{proc.position.pk}/decision/{pk}/", {"action": "approve"}
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_takes_the_reasons_given_whole_or_not_at_all(self, world, proc, client_for, value):
        bram = proc.candidates[1]
        services.reject(actor=fresh(world.office), applications=[bram], reason="No.")
        bram.refresh_from_db()
        services.ask_reasons(actor=fresh(bram.applicant), application=bram)
        before = snapshot()
        response = client_for(proc.uni_chair).post(
            f"/selection/candidates/{bram.pk}/reasons/", {"answer": value}
        )
        assert response.status_code == 302
        request = ReasonRequest.objects.get()
        if value.strip() and "\x00" not in value and len(value) <= 10_000:
            assert request.answer == value.strip()
        else:
            assert request.answered_at is None
            assert snapshot() == before


class TestApi:
    @pytest.mark.parametrize("field", TEXT_FIELDS)
    @pytest.mark.parametrize("value", [*HOSTILE_TEXT, None, 42, ["x"], {"a": 1}])
    def test_it_takes_application_text_whole_or_answers_422(
        self, world, position, client_for, field, value
    ):
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = api(
            client_for(world.applicant), "patch", f"applications/{application.pk}", {field: value}
        )
        assert response.status_code in (200, 422), response.content
        application.refresh_from_db()
        if response.status_code == 200:
            assert getattr(application, field) == value.strip()
        else:
            assert snapshot() == before

    @pytest.mark.parametrize(
        "payload",
        [
            {"master_date": "yesterday"},
            {"master_date": 20240101},
            {"dutch_level": "Z9"},
            {"dutch_evidence_kind": None, "dutch_level": "C3"},
            {"master_completed": "maybe"},
            {"keep_for_a_year": None},
            {"status": "submitted"},
            {"applicant_id": 1},
            [],
            "not json",
        ],
    )
    def test_it_changes_nothing_for_application_fields_of_the_wrong_kind(
        self, world, position, client_for, payload
    ):
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = api(
            client_for(world.applicant), "patch", f"applications/{application.pk}", payload
        )
        # Refused, or (for fields a client may not set) ignored: never a change.
        assert response.status_code in (200, 400, 422), response.content
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("path", "key"),
        [
            ("applications/{app}/withdraw", "reason"),
            ("applications/{app}/admit", "reason"),
            ("decisions/{decision}/block", "reason"),
        ],
    )
    @pytest.mark.parametrize("value", [*HOSTILE_TEXT, None, 7])
    def test_it_takes_reasons_whole_or_answers_422(self, world, proc, own_client, path, key, value):
        decision = proposed_decision(proc)
        anna = proc.candidates[1]
        person = anna.applicant
        if "admit" in path:
            Application.objects.filter(pk=anna.pk).update(status="ineligible")
            person = world.office
        elif "block" in path:
            person = proc.hos_chair
        before = snapshot()
        response = api(
            own_client(person),
            "post",
            path.format(app=anna.pk, decision=decision.pk),
            {key: value},
        )
        assert response.status_code in (200, 422), response.content
        if response.status_code == 422:
            assert snapshot() == before
        else:
            assert AuditEvent.objects.latest("id").reason == value.strip()

    @pytest.mark.parametrize("value", [*HOSTILE_TEXT, None, 3])
    def test_it_takes_score_justifications_whole_or_answers_422(
        self, world, proc, own_client, value
    ):
        anna = proc.candidates[0]
        payload = {
            "scores": [
                {"criterion_id": c.pk, "value": 3, "justification": value} for c in proc.criteria()
            ],
            "submit": True,
        }
        before = snapshot()
        response = api(
            own_client(proc.hos_member),
            "put",
            f"selection/candidates/{anna.pk}/scores/{proc.stage().pk}",
            payload,
        )
        assert response.status_code in (200, 422), response.content
        if response.status_code == 200:
            sheet = ScoreSheet.objects.get()
            assert {s.justification for s in sheet.scores.all()} == {value.strip()}
        else:
            assert snapshot() == before

    @pytest.mark.parametrize(
        "payload",
        [
            {"scores": "all fives"},
            {"scores": [{"criterion_id": "abc", "value": 3}]},
            {"scores": [{"value": 3}]},
            {"scores": [{"criterion_id": 1, "value": 3}] * 51},
            {"scores": None},
            {},
        ],
    )
    def test_it_refuses_score_payloads_of_the_wrong_shape(self, world, proc, own_client, payload):
        before = snapshot()
        response = api(
            own_client(proc.hos_member),
            "put",
            f"selection/candidates/{proc.candidates[0].pk}/scores/{proc.stage().pk}",
            payload,
        )
        assert response.status_code in (409, 422)
        assert snapshot() == before

    @pytest.mark.parametrize("value", ["\x00", "x" * 501, "   ", ""])
    def test_it_refuses_bad_interview_locations(self, world, proc, own_client, value):
        before = snapshot()
        response = api(
            own_client(proc.hos_chair),
            "post",
            f"selection/{proc.position.pk}/moves",
            {
                "action": "interview",
                "application_ids": [proc.candidates[0].pk],
                "starts_at": (timezone.now() + dt.timedelta(days=3)).isoformat(),
                "location": value,
            },
        )
        assert response.status_code == 422
        assert snapshot() == before

    @pytest.mark.parametrize("value", ["\x00", "x" * 10_001, "   "])
    def test_it_refuses_bad_decision_rationales(self, world, proc, own_client, value):
        close(world, proc.position)
        shortlisted(proc)
        before = snapshot()
        response = api(
            own_client(proc.hos_member),
            "post",
            f"selection/{proc.position.pk}/decisions",
            {
                "candidate_id": proc.candidates[0].pk,
                "rationale": value,
                "offer_deadline": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            },
        )
        assert response.status_code == 422
        assert snapshot() == before

    @pytest.mark.parametrize(
        "path",
        [
            "applications/{x}",
            "selection/{x}/candidates",
            "selection/{x}/committee",
            "selection/{x}/stages",
            "decisions/{x}",
        ],
    )
    @pytest.mark.parametrize("pk", ["abc", "-1", "999999", "1.5", "9" * 30])
    def test_it_answers_hostile_ids_without_an_error(self, world, proc, client_for, path, pk):
        response = api(client_for(world.office), "get", path.format(x=pk))
        assert response.status_code in (404, 422)

    @pytest.mark.parametrize("status", ["nonsense", "\x00", "DRAFT"])
    def test_it_refuses_a_bad_candidate_filter(self, world, proc, client_for, status):
        response = api(
            client_for(world.office),
            "get",
            f"selection/{proc.position.pk}/candidates?status={status}",
        )
        assert response.status_code == 422


class TestDoubleSubmits:
    def test_it_counts_each_action_once(self, world, proc, own_client, emails):
        """Every form sent twice (a double click, a reload): the second changes nothing."""
        anna, bram, chloe = proc.candidates
        stage = proc.stage()
        member = own_client(proc.hos_member)
        scores = {"submit": "yes"}
        for criterion in stage.criteria.all():
            scores[f"score_{criterion.pk}"] = "4"
            scores[f"justification_{criterion.pk}"] = "Fine."

        def twice(client, path, data=None):
            client.post(path, data or {})
            before = snapshot()
            with emails() as sent:
                client.post(path, data or {})
            assert snapshot() == before, path
            assert sent == [], path

        twice(member, f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", scores)
        twice(member, f"/selection/candidates/{bram.pk}/conflict/", {"reason": "Cousin."})
        twice(
            own_client(anna.applicant),
            f"/applications/{anna.pk}/consent/",
            {"keep_for_a_year": "yes"},
        )
        twice(
            member,
            f"/selection/{proc.position.pk}/move/",
            {"action": "shortlist", "applications": [anna.pk, bram.pk]},
        )
        twice(
            member,
            f"/selection/{proc.position.pk}/move/",
            {"action": "reject", "applications": [chloe.pk], "reason": "No."},
        )
        twice(own_client(chloe.applicant), f"/applications/{chloe.pk}/reasons/")
        twice(
            own_client(proc.uni_chair),
            f"/selection/candidates/{chloe.pk}/reasons/",
            {"answer": "Less experience."},
        )
        close(world, proc.position)
        twice(
            member,
            f"/selection/{proc.position.pk}/decision/",
            {
                "candidate": anna.pk,
                "reserves": [bram.pk],
                "rationale": "Best.",
                "offer_deadline": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            },
        )
        decision = Decision.objects.get()
        for chair in proc.chairs:
            twice(
                own_client(chair),
                f"/selection/{proc.position.pk}/decision/{decision.pk}/",
                {"action": "approve"},
            )
        offer = Offer.objects.get()
        twice(
            own_client(anna.applicant),
            f"/applications/{anna.pk}/offers/{offer.pk}/",
            {"answer": "accept"},
        )
        assert AuditEvent.objects.filter(action="offer.accepted").count() == 1

    def test_it_counts_applying_and_submitting_twice_once(
        self, world, position, own_client, emails
    ):
        client = own_client(world.applicant)
        client.post(f"/positions/{position.pk}/apply/")
        client.post(f"/positions/{position.pk}/apply/")
        application = Application.objects.get()
        draft_application(position, world.applicant)
        client.post(f"/applications/{application.pk}/submit/")
        before = snapshot()
        with emails() as sent:
            client.post(f"/applications/{application.pk}/submit/")
        assert snapshot() == before
        assert sent == []
