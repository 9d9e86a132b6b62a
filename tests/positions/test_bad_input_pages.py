"""Every form of the request and position pages meets empty, huge, markup, SQL and NUL input,
unknown ids and wrong types: it never crashes, refuses with an error at the field, and stores
nothing partial. What it accepts is stored as plain text and shown escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.positions.models import PositionRequest
from tests.conftest import build_world
from tests.helpers import HOSTILE_TEXT, page_text
from tests.sharing import shared_objects

from .factories import (
    approved_position,
    changes_requested_request,
    draft_request,
    position_in,
    submitted_request,
)
from .helpers import snapshot


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings) -> dict:
    """The personas, built once for the consecutive tests of a test class (tests/sharing.py):
    every test runs in a savepoint inside them and gets its own copy."""
    return shared_objects(request, shared_db, settings, {"world": ((), lambda d: build_world())})


@pytest.fixture
def world(_data, db):
    return _data["world"]


UNKNOWN_IDS = ["999999", "abc", "-1", "1.5", "99999999999999999999", "", "<b>"]


def _assert_refused_or_stored(response, before, *, stored=None, expected=None) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert snapshot() == before
    elif stored is not None:
        assert stored() == expected


def _request_form(world, **overrides) -> dict:
    data = {
        "title": "A design project",
        "intended_start": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "medical_doctor": world.doctor_a.pk,
    }
    data.update(overrides)
    return data


class TestTheRequestForm:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize(
        "field",
        ["title", "clinical_problem", "project_outline", "expected_result", "training_climate"],
    )
    def test_it_handles_hostile_text_on_create(self, world, client_for, field, value):
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            "/requests/new/", _request_form(world, **{field: value})
        )
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert field in response.context["form"].errors
            assert snapshot() == before
        else:
            stored = PositionRequest.objects.get()
            assert getattr(stored, field) == value.strip()
            page = page_text(client_for(world.coordinator_a).get(response["Location"]))
            assert "<script>alert" not in page

    @pytest.mark.parametrize("value", UNKNOWN_IDS)
    @pytest.mark.parametrize("field", ["department", "medical_doctor", "hospital_supervisor"])
    def test_it_refuses_unknown_people_and_departments(self, world, client_for, field, value):
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            "/requests/new/", _request_form(world, **{field: value})
        )
        assert response.status_code in (200, 302)
        if value == "":
            return  # left empty: a draft may be incomplete
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize(
        "value", ["tomorrow", "2031-02-30", "31-12-2031", "x" * 10_000, "2031-01-01\x00"]
    )
    def test_it_refuses_a_wrong_date(self, world, client_for, value):
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            "/requests/new/", _request_form(world, intended_start=value)
        )
        assert response.status_code == 200
        assert "intended_start" in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_handles_hostile_text_on_edit(self, world, client_for, value):
        request = draft_request(world, complete=False)
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/edit/", _request_form(world, clinical_problem=value)
        )
        request.refresh_from_db()
        _assert_refused_or_stored(
            response,
            before,
            stored=lambda: request.clinical_problem,
            expected=value.strip(),
        )

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
    def test_it_answers_404_for_an_unknown_request(self, world, client_for, pk):
        client = client_for(world.coordinator_a)
        for url in (f"/requests/{pk}/", f"/requests/{pk}/edit/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/requests/{pk}/submit/").status_code == 404

    @pytest.mark.parametrize("value", ["abc", "99999999999999999999", "<b>", "-1"])
    def test_it_refuses_an_odd_hospital_choice(self, world, client_for, value):
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/new/?hospital={value}", {"title": "x", "hospital": value}
        )
        assert response.status_code == 403
        assert snapshot() == before


class TestTheReviewForms:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_handles_a_hostile_change_request(self, world, client_for, value):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.office).post(
            f"/requests/{request.pk}/changes/", {"comment": value}
        )
        assert response.status_code == 302
        request.refresh_from_db()
        if request.status == "submitted":
            assert snapshot() == before
        else:
            assert request.comments.get().body == value.strip()

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize("action", ["decline", "withdraw"])
    def test_it_handles_hostile_reasons(self, world, client_for, action, value):
        request = submitted_request(world)
        persona = world.office if action == "decline" else world.coordinator_a
        before = snapshot()
        response = client_for(persona).post(f"/requests/{request.pk}/{action}/", {"reason": value})
        request.refresh_from_db()
        _assert_refused_or_stored(
            response, before, stored=lambda: request.decision_reason, expected=value.strip()
        )

    @pytest.mark.parametrize("value", UNKNOWN_IDS)
    @pytest.mark.parametrize("field", ["university", "university_supervisor"])
    def test_it_refuses_unknown_choices_on_approval(self, world, client_for, field, value):
        request = submitted_request(world)
        data = {
            "university": world.university.pk,
            "university_supervisor": world.university_supervisor.pk,
            field: value,
        }
        before = snapshot()
        response = client_for(world.office).post(f"/requests/{request.pk}/approve/", data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_handles_hostile_comments(self, world, client_for, value):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/comments/", {"body": value}
        )
        assert response.status_code == 302
        comment = request.comments.first()
        if comment is None:
            assert snapshot() == before
        else:
            assert comment.body == value.strip()

    @pytest.mark.parametrize("value", ["999999", "abc", "99999999999999999999", "-1"])
    def test_it_refuses_an_answer_to_an_unknown_comment(self, world, client_for, value):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/comments/", {"body": "Answer", "reply_to": value}
        )
        assert response.status_code == 302
        assert snapshot() == before

    def test_it_refuses_an_answer_to_a_comment_of_another_request(self, world, client_for):
        elsewhere = changes_requested_request(world, hospital=world.hospital_b)
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/comments/",
            {"body": "Answer", "reply_to": elsewhere.comments.get().pk},
        )
        assert response.status_code == 302
        assert snapshot() == before

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
    def test_it_answers_404_when_resolving_an_unknown_comment(self, world, client_for, pk):
        request = submitted_request(world)
        response = client_for(world.office).post(f"/requests/{request.pk}/comments/{pk}/resolve/")
        assert response.status_code == 404


class TestThePositionForms:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize("field", ["title_nl", "description_en", "contact_name"])
    def test_it_handles_hostile_texts(self, world, client_for, field, value):
        position = approved_position(world)
        data = {
            "title_nl": position.title_nl,
            "title_en": position.title_en,
            "description_nl": position.description_nl,
            "description_en": position.description_en,
            "start_date": position.start_date.isoformat(),
            "application_deadline": position.application_deadline.isoformat(),
            field: value,
        }
        before = snapshot()
        response = client_for(world.office).post(f"/manage/positions/{position.pk}/edit/", data)
        position.refresh_from_db()
        _assert_refused_or_stored(
            response, before, stored=lambda: getattr(position, field), expected=value.strip()
        )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("contact_email", "not-an-address"),
            ("contact_email", "x" * 10_000),
            ("start_date", "someday"),
            ("start_date", ""),
            ("application_deadline", "2031-13-40"),
        ],
    )
    def test_it_refuses_wrong_values(self, world, client_for, field, value):
        position = approved_position(world)
        data = {
            "title_nl": "t",
            "title_en": "t",
            "description_nl": "d",
            "description_en": "d",
            "start_date": position.start_date.isoformat(),
            "application_deadline": position.application_deadline.isoformat(),
            field: value,
        }
        before = snapshot()
        response = client_for(world.office).post(f"/manage/positions/{position.pk}/edit/", data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("action", "status"), [("close", "open"), ("cancel", "open"), ("extend", "open")]
    )
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_handles_hostile_reasons(self, world, client_for, action, status, value):
        position = position_in(world, status)
        deadline = position.application_deadline + dt.timedelta(days=3)
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/{action}/",
            {"reason": value, "deadline": deadline.isoformat()},
        )
        position.refresh_from_db()

        def stored_reason() -> str:
            if action == "extend":
                return AuditEvent.objects.get(action="position.deadline_extended").reason
            return position.status_reason

        _assert_refused_or_stored(response, before, stored=stored_reason, expected=value.strip())

    @pytest.mark.parametrize("value", ["", "soon", "2031-02-30", "x" * 10_000, "\x00"])
    @pytest.mark.parametrize("action", ["extend", "reopen"])
    def test_it_refuses_a_wrong_deadline(self, world, client_for, action, value):
        position = position_in(world, "open" if action == "extend" else "selection")
        before = snapshot()
        response = client_for(world.office).post(
            f"/manage/positions/{position.pk}/{action}/", {"reason": "x", "deadline": value}
        )
        assert response.status_code == 200
        assert "deadline" in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
    def test_it_answers_404_for_an_unknown_position(self, world, client_for, pk):
        client = client_for(world.office)
        assert client.get(f"/manage/positions/{pk}/").status_code == 404
        assert client.post(f"/manage/positions/{pk}/publish/").status_code == 404


class TestTheFilters:
    @pytest.mark.parametrize(
        "query",
        [
            "status=nope",
            "hospital=abc",
            "hospital=99999999999999999999",
            "region=XX",
            "submitted_from=nope",
            "submitted_until=2031-02-30",
            "q=" + "x" * 10_000,
            "q=%00",
            "q=%3Cscript%3Ealert(1)%3C/script%3E",
            "q=%27%3B%20DROP%20TABLE%20positions_positionrequest%3B--",
            "page=abc",
            "page=-1",
            "page=99999",
        ],
    )
    def test_it_survives_odd_request_filters(self, world, client_for, query):
        draft_request(world)
        response = client_for(world.office).get(f"/requests/?{query}")
        assert response.status_code == 200
        assert "<script>alert(1)" not in page_text(response)

    @pytest.mark.parametrize(
        "query",
        [
            "status=nope",
            "q=" + "x" * 10_000,
            "q=%00",
            "q=%3Cscript%3Ealert(1)%3C/script%3E",
            "q=%27%3B%20DROP%20TABLE%20positions_position%3B--",
            "page=abc",
            "page=99999",
        ],
    )
    def test_it_survives_odd_position_filters(self, world, client_for, query):
        approved_position(world)
        response = client_for(world.office).get(f"/manage/positions/?{query}")
        assert response.status_code == 200
        assert "<script>alert(1)" not in page_text(response)
