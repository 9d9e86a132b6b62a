"""The position endpoints of the API, and the OpenAPI document that describes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.positions.models import PositionStatus
from tests.helpers import HOSTILE_TEXT, api

from .factories import approved_position, position_in
from .helpers import error_fields, snapshot


def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


class TestManaging:
    def test_it_edits_publishes_extends_closes_reopens_and_cancels(self, world, client_for):
        position = approved_position(world)
        client = client_for(world.office)
        path = f"positions/{position.pk}"
        response = api(
            client,
            "patch",
            path,
            {"title_nl": "Beademing", "description_nl": "Je ontwerpt.", "contact_name": ""},
        )
        assert response.status_code == 200
        assert response.json()["title_nl"] == "Beademing"
        response = api(client, "post", f"{path}/publish")
        assert response.json()["status"] == "open"
        assert response.json()["published_at"] is not None
        deadline = position.application_deadline + dt.timedelta(days=3)
        response = api(
            client,
            "post",
            f"{path}/extend-deadline",
            {"deadline": deadline.isoformat(), "reason": "Few applicants."},
        )
        assert response.json()["application_deadline"] == deadline.isoformat()
        response = api(client, "post", f"{path}/close", {"reason": "Enough."})
        assert response.json()["status"] == "selection"
        assert response.json()["status_reason"] == "Enough."
        response = api(
            client, "post", f"{path}/reopen", {"deadline": _later(10), "reason": "Again."}
        )
        assert response.json()["status"] == "open"
        response = api(client, "post", f"{path}/cancel", {"reason": "Stopped."})
        assert response.json()["status"] == "cancelled"
        assert list(
            AuditEvent.objects.filter(target_id=str(position.pk), action__startswith="position.")
            .order_by("id")
            .values_list("action", "reason")
        ) == [
            ("position.updated", ""),
            ("position.published", ""),
            ("position.deadline_extended", "Few applicants."),
            ("position.closed", "Enough."),
            ("position.reopened", "Again."),
            ("position.cancelled", "Stopped."),
        ]

    def test_it_lists_positions_by_who_may_see_them(self, world, client_for):
        of_a = position_in(world, "open")
        of_b = approved_position(world, hospital=world.hospital_b)

        def ids(user, query: str = "") -> list[int]:
            response = api(client_for(user), "get", f"positions{query}")
            assert response.status_code == 200
            return sorted(p["id"] for p in response.json()["items"])

        assert ids(world.office) == sorted([of_a.pk, of_b.pk])
        assert ids(world.office, "?status=draft") == [of_b.pk]
        assert ids(world.coordinator_a) == [of_a.pk]
        assert ids(world.coordinator_b) == [of_b.pk]
        assert api(client_for(world.applicant), "get", "positions").status_code == 403
        assert api(client_for(world.coordinator_b), "get", f"positions/{of_a.pk}").status_code == (
            404
        )

    def test_it_refuses_a_coordinator_to_manage_her_own_position(self, world, client_for):
        position = approved_position(world)
        client = client_for(world.coordinator_a)
        before = snapshot()
        calls = [
            ("patch", "", {"title_en": "Mine"}),
            ("post", "/publish", None),
            ("post", "/close", {"reason": "x"}),
            ("post", "/cancel", {"reason": "x"}),
            ("post", "/extend-deadline", {"reason": "x", "deadline": _later(30)}),
            ("post", "/reopen", {"reason": "x", "deadline": _later(30)}),
        ]
        for method, suffix, payload in calls:
            response = api(client, method, f"positions/{position.pk}{suffix}", payload)
            assert response.status_code == 403, suffix
        assert snapshot() == before


class TestRefusedTransitions:
    @pytest.mark.parametrize(
        ("status", "suffix", "payload"),
        [
            ("draft", "/close", {"reason": "x"}),
            ("open", "/publish", None),
            ("selection", "/publish", None),
            ("filled", "/cancel", {"reason": "x"}),
            ("cancelled", "/cancel", {"reason": "x"}),
            ("cancelled", "/close", {"reason": "x"}),
            ("selection", "/extend-deadline", {"reason": "x", "deadline": _later(300)}),
            ("open", "/reopen", {"reason": "x", "deadline": _later(30)}),
            ("draft", "/reopen", {"reason": "x", "deadline": _later(30)}),
            ("filled", "", {"title_en": "x"}),
        ],
    )
    def test_it_answers_409_and_changes_nothing(self, world, client_for, status, suffix, payload):
        position = position_in(world, status)
        before = snapshot()
        method = "patch" if suffix == "" else "post"
        response = api(
            client_for(world.office), method, f"positions/{position.pk}{suffix}", payload
        )
        assert response.status_code == 409, response.content
        assert response.json()["detail"]
        assert snapshot() == before


class TestBadInput:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize(
        "field", ["title_nl", "title_en", "description_nl", "requirements_en", "contact_name"]
    )
    def test_it_refuses_or_stores_hostile_text(self, world, client_for, field, value):
        position = approved_position(world)
        before = snapshot()
        response = api(
            client_for(world.office), "patch", f"positions/{position.pk}", {field: value}
        )
        assert response.status_code in (200, 422), response.content
        if response.status_code == 422:
            assert error_fields(response) == {field}
            assert snapshot() == before
        else:
            position.refresh_from_db()
            assert getattr(position, field) == value.strip()

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"title_en": None}, "title_en"),
            ({"title_en": ""}, "title_en"),
            ({"description_en": ""}, "description_en"),
            ({"requirements_nl": None}, "requirements_nl"),
            ({"contact_email": "not-an-address"}, "contact_email"),
            ({"contact_email": "<script>@x"}, "contact_email"),
            ({"start_date": "2020-01-01"}, "application_deadline"),
            ({"start_date": "not a date"}, "start_date"),
            ({"application_deadline": 12}, "application_deadline"),
            ({"title_nl": "x" * 201}, "title_nl"),
        ],
    )
    def test_it_names_the_field(self, world, client_for, payload, field):
        position = approved_position(world)
        before = snapshot()
        response = api(client_for(world.office), "patch", f"positions/{position.pk}", payload)
        assert error_fields(response) == {field}
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("suffix", "payload", "field"),
        [
            ("/close", {}, "reason"),
            ("/close", {"reason": "   "}, "reason"),
            ("/close", {"reason": "\x00"}, "reason"),
            ("/cancel", {"reason": ""}, "reason"),
            ("/cancel", {"reason": "x" * 5001}, "reason"),
            ("/extend-deadline", {"reason": "x", "deadline": "soon"}, "deadline"),
            ("/extend-deadline", {"reason": "x"}, "deadline"),
            ("/extend-deadline", {"deadline": _later(30)}, "reason"),
        ],
    )
    def test_it_names_the_field_of_a_bad_action(self, world, client_for, suffix, payload, field):
        position = position_in(world, "open")
        before = snapshot()
        response = api(
            client_for(world.office), "post", f"positions/{position.pk}{suffix}", payload
        )
        assert error_fields(response) == {field}
        assert snapshot() == before

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999", "-1"])
    def test_it_answers_404_for_an_unknown_position(self, world, client_for, pk):
        client = client_for(world.office)
        assert api(client, "get", f"positions/{pk}").status_code == 404
        response = api(client, "post", f"positions/{pk}/publish")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_it_names_an_id_that_is_not_a_number(self, world, client_for):
        response = api(client_for(world.office), "get", "positions/abc")
        assert error_fields(response) == {"pk"}

    @pytest.mark.parametrize("query", ["status=nope", "limit=abc", "offset=-1"])
    def test_it_names_a_wrong_filter(self, world, client_for, query):
        assert api(client_for(world.office), "get", f"positions?{query}").status_code == 422


def test_it_documents_every_endpoint_in_the_openapi_document(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/v1/open-positions": {"get"},
        "/api/v1/requests": {"get", "post"},
        "/api/v1/requests/{pk}": {"get", "patch"},
        "/api/v1/requests/{pk}/submit": {"post"},
        "/api/v1/requests/{pk}/withdraw": {"post"},
        "/api/v1/requests/{pk}/request-changes": {"post"},
        "/api/v1/requests/{pk}/approve": {"post"},
        "/api/v1/requests/{pk}/decline": {"post"},
        "/api/v1/requests/{pk}/comments": {"get", "post"},
        "/api/v1/requests/{pk}/comments/{comment_pk}/resolve": {"post"},
        "/api/v1/positions": {"get"},
        "/api/v1/positions/{pk}": {"get", "patch"},
        "/api/v1/positions/{pk}/publish": {"post"},
        "/api/v1/positions/{pk}/close": {"post"},
        "/api/v1/positions/{pk}/extend-deadline": {"post"},
        "/api/v1/positions/{pk}/cancel": {"post"},
        "/api/v1/positions/{pk}/reopen": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    open_positions = paths["/api/v1/open-positions"]["get"]
    assert not open_positions.get("security")
    assert paths["/api/v1/requests"]["post"]["security"]
    assert {"region", "university_id"} <= {p["name"] for p in open_positions["parameters"]}
    schemas = response.json()["components"]["schemas"]
    assert set(schemas["PositionStatus"]["enum"]) == set(PositionStatus.values)
    assert "PublicPositionOut" in schemas
