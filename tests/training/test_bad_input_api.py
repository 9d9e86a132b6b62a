"""Every training endpoint that takes input meets empty, huge, markup, SQL and NUL text, wrong
numbers, dates and types, and bodies that are no JSON object: it answers 4xx, never 500, and
stores nothing partial. Sending the same request twice does the thing once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qme.training import services
from qme.training.models import PlanItem
from tests.conftest import build_world
from tests.helpers import HOSTILE_TEXT, api
from tests.sharing import handed_out, shared_objects

from .factories import (
    approved_plan,
    catalogue_for,
    complete_plan,
    item_titled,
    recorded,
    rules_for,
    submitted_plan,
    traineeship_of,
)
from .helpers import error_fields, snapshot

NOT_OBJECTS = ["", "null", "[]", '"text"', "{", "1", '{"a": }']
BAD_DATES = ["", "tomorrow", "2031-02-30", "31-12-2031", "2031-01-01\x00", 20310101, None, []]
BAD_EC = ["", "abc", "NaN", "Infinity", "-1", "0", "121", "1.25", "1e3", None, [], {}]


def _item(**overrides) -> dict:
    data = {
        "kind": "clinical_project",
        "title": "Clinical project: MRI protocol",
        "ec": "6",
        "planned_start": "2030-01-01",
        "planned_end": "2030-02-01",
    }
    data.update(overrides)
    return data


# The personas, the cohort rules, Tim's traineeship and the plan or item a test asks for are built
# once for the consecutive tests of a test class (tests/sharing.py): every test runs in a
# savepoint inside that data and gets its own copy of the objects.
MAKERS = {
    "world": ((), lambda d: build_world()),
    "catalogue": ((), lambda d: catalogue_for()),
    "rules": (("catalogue",), lambda d: rules_for(d["catalogue"])),
    "traineeship": (("world", "rules"), lambda d: traineeship_of(d["world"])),
    "draft": (
        ("catalogue", "traineeship"),
        lambda d: complete_plan(d["traineeship"], d["catalogue"]),
    ),
    "item": (
        ("catalogue", "traineeship"),
        lambda d: item_titled(
            approved_plan(d["traineeship"], d["catalogue"]), "Medical device regulation"
        ),
    ),
}


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings) -> dict:
    return shared_objects(request, shared_db, settings, MAKERS)


world = handed_out("world")
catalogue = handed_out("catalogue")
rules = handed_out("rules")
traineeship = handed_out("traineeship")
draft = handed_out("draft")


class TestPlanItems:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_hostile_titles(self, world, client_for, draft, value):
        before = snapshot()
        response = api(
            client_for(world.trainee_a), "post", f"plans/{draft.pk}/items", _item(title=value)
        )
        if response.status_code == 201:
            assert response.json()["title"] == value.strip()
            assert "<" not in value or "&lt;" not in response.json()["title"]
        else:
            assert response.status_code == 422, response.content
            assert snapshot() == before

    @pytest.mark.parametrize("value", BAD_EC)
    def test_wrong_credits(self, world, client_for, draft, value):
        before = snapshot()
        response = api(
            client_for(world.trainee_a), "post", f"plans/{draft.pk}/items", _item(ec=value)
        )
        assert response.status_code == 422, (value, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("field", ["planned_start", "planned_end"])
    @pytest.mark.parametrize("value", BAD_DATES)
    def test_wrong_dates(self, world, client_for, draft, field, value):
        before = snapshot()
        response = api(
            client_for(world.trainee_a), "post", f"plans/{draft.pk}/items", _item(**{field: value})
        )
        assert response.status_code == 422, (value, response.content)
        assert snapshot() == before

    def test_an_end_before_the_start(self, world, client_for, draft):
        before = snapshot()
        response = api(
            client_for(world.trainee_a),
            "post",
            f"plans/{draft.pk}/items",
            _item(planned_start="2030-02-01", planned_end="2030-01-01"),
        )
        assert error_fields(response) == {"planned_end"}
        assert snapshot() == before

    @pytest.mark.parametrize(
        "changes",
        [
            {"kind": "holiday"},
            {"kind": ""},
            {"kind": None, "title": "", "ec": None},  # an own item needs all three
            {"catalogue_item_id": 999999},
            {"catalogue_item_id": -1},
            {"catalogue_item_id": "abc"},
            {"catalogue_item_id": 99999999999999999999},
            {"title": "x" * 201},
        ],
    )
    def test_wrong_kinds_and_catalogue_items(self, world, client_for, draft, changes):
        before = snapshot()
        response = api(
            client_for(world.trainee_a), "post", f"plans/{draft.pk}/items", _item(**changes)
        )
        assert response.status_code in (404, 422), (changes, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("body", NOT_OBJECTS)
    def test_a_body_that_is_no_object(self, world, client_for, draft, body):
        before = snapshot()
        response = api(client_for(world.trainee_a), "post", f"plans/{draft.pk}/items", body)
        assert response.status_code in (400, 422), (body, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize(
        "changes",
        [
            {"ec": "0"},
            {"ec": "abc"},
            {"ec": "121"},
            {"title": ""},
            {"title": "   "},
            {"title": "x" * 201},
            {"title": "Audit\x00"},
            {"kind": "holiday"},
            {"planned_end": "2000-01-01"},
            {"planned_start": "2031-02-30"},
            {"title": "Medical device regulation"},  # another item's title
        ],
    )
    def test_changing_an_item_badly(self, world, client_for, draft, changes):
        item = item_titled(draft, "Clinical project: dose audit")
        before = snapshot()
        response = api(
            client_for(world.trainee_a), "patch", f"plans/{draft.pk}/items/{item.pk}", changes
        )
        assert response.status_code in (409, 422), (changes, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("pk", ["999999", "abc", "-1", "99999999999999999999"])
    def test_unknown_plans_and_items(self, world, client_for, draft, pk):
        client = client_for(world.trainee_a)
        before = snapshot()
        for method, path, payload in [
            ("post", f"plans/{pk}/items", _item()),
            ("post", f"plans/{pk}/submit", {}),
            ("delete", f"plans/{draft.pk}/items/{pk}", None),
            ("patch", f"plans/{draft.pk}/items/{pk}", {"ec": "1"}),
            ("get", f"traineeships/{pk}/plans", None),
            ("post", f"traineeships/{pk}/plans", None),
        ]:
            response = api(client, method, path, payload)
            assert response.status_code in (404, 422), (method, path, response.content)
        assert snapshot() == before

    def test_adding_twice_adds_once(self, world, client_for, draft):
        client = client_for(world.trainee_a)
        assert api(client, "post", f"plans/{draft.pk}/items", _item()).status_code == 201
        response = api(client, "post", f"plans/{draft.pk}/items", _item())
        assert (response.status_code, response.json()["code"]) == (409, "duplicate")
        assert PlanItem.objects.filter(title="Clinical project: MRI protocol").count() == 1


class TestPlans:
    @pytest.mark.parametrize("value", ["x" * 2001, "note\x00", 12, None, []])
    def test_a_bad_note_on_submitting(self, world, client_for, draft, value):
        before = snapshot()
        response = api(
            client_for(world.trainee_a), "post", f"plans/{draft.pk}/submit", {"note": value}
        )
        assert response.status_code == 422, (value, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("value", ["", "   ", "x" * 2001, "No\x00", None, 5])
    def test_a_bad_reason_to_send_back(self, world, client_for, catalogue, traineeship, value):
        plan = submitted_plan(traineeship, catalogue)
        before = snapshot()
        response = api(
            client_for(world.university_supervisor),
            "post",
            f"plans/{plan.pk}/send-back",
            {"reason": value},
        )
        assert response.status_code == 422, (value, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("body", NOT_OBJECTS)
    def test_a_body_that_is_no_object(self, world, client_for, catalogue, traineeship, body):
        plan = submitted_plan(traineeship, catalogue)
        before = snapshot()
        response = api(
            client_for(world.university_supervisor), "post", f"plans/{plan.pk}/send-back", body
        )
        assert response.status_code in (400, 422)
        assert snapshot() == before

    def test_approving_twice_approves_once(self, world, client_for, catalogue, traineeship):
        plan = submitted_plan(traineeship, catalogue)
        client = client_for(world.university_supervisor)
        assert api(client, "post", f"plans/{plan.pk}/approve").status_code == 200
        before = snapshot()
        assert api(client, "post", f"plans/{plan.pk}/approve").status_code == 409
        assert snapshot() == before

    def test_submitting_twice_submits_once(self, world, client_for, draft):
        client = client_for(world.trainee_a)
        assert api(client, "post", f"plans/{draft.pk}/submit", {}).status_code == 200
        before = snapshot()
        assert api(client, "post", f"plans/{draft.pk}/submit", {}).status_code == 409
        assert snapshot() == before


class TestRecords:
    @pytest.fixture
    def item(self, _data, db):
        """The regulation course of an approved plan."""
        return _data["item"]

    @pytest.mark.parametrize(
        "changes",
        [
            *({"completed_on": v} for v in BAD_DATES),
            {"completed_on": "2999-01-01"},
            {"grade": "x" * 51},
            {"grade": "8\x00"},
            {"grade": 8},
            {"note": "x" * 2001},
            {"note": "fine\x00"},
        ],
    )
    def test_bad_records(self, world, client_for, traineeship, item, changes):
        data = {"completed_on": timezone.localdate().isoformat(), "grade": "8", **changes}
        before = snapshot()
        response = api(
            client_for(world.trainee_a),
            "post",
            f"traineeships/{traineeship.pk}/items/{item.pk}/record",
            data,
        )
        assert response.status_code == 422, (changes, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("value", ["", "   ", "x" * 2001, "Missing\x00", None])
    def test_a_bad_comment_to_send_back(self, world, client_for, traineeship, item, value):
        record = recorded(traineeship, item)
        before = snapshot()
        response = api(
            client_for(world.university_supervisor),
            "post",
            f"records/{record.pk}/send-back",
            {"reason": value},
        )
        assert response.status_code == 422, (value, response.content)
        assert snapshot() == before

    @pytest.mark.parametrize("pk", ["999999", "abc", "-1", "99999999999999999999"])
    def test_unknown_records(self, world, client_for, traineeship, item, pk):
        client = client_for(world.university_supervisor)
        before = snapshot()
        for path, payload in [
            (f"records/{pk}/sign-off", None),
            (f"records/{pk}/send-back", {"reason": "No."}),
            (f"traineeships/{traineeship.pk}/items/{pk}/record", {"completed_on": "2025-01-01"}),
        ]:
            response = api(client, "post", path, payload)
            assert response.status_code in (403, 404, 422), (path, response.content)
        assert snapshot() == before

    def test_recording_twice_records_once(self, world, client_for, traineeship, item):
        client = client_for(world.trainee_a)
        path = f"traineeships/{traineeship.pk}/items/{item.pk}/record"
        data = {"completed_on": timezone.localdate().isoformat()}
        assert api(client, "post", path, data).status_code == 201
        before = snapshot()
        assert api(client, "post", path, data).status_code == 409
        assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        "status=asleep",
        "cohort=abc",
        "hospital=abc",
        "university=<b>",
        "limit=-1",
        "offset=abc",
        "cohort=99999999999999999999",
        "hospital=99999999999999999999",
        "university=-99999999999999999999",
    ],
)
def test_odd_list_filters_never_crash(world, client_for, traineeship, query):
    response = api(client_for(world.office), "get", f"traineeships?{query}")
    assert response.status_code in (200, 422), (query, response.content)


def test_a_supervisor_of_the_plan_cannot_be_tricked_into_editing_it(world, client_for, draft):
    item = draft.items.first()
    before = snapshot()
    response = api(
        client_for(world.university_supervisor),
        "patch",
        f"plans/{draft.pk}/items/{item.pk}",
        {"plan_id": 1, "ec": "1"},
    )
    assert response.status_code == 403
    assert snapshot() == before
    services.submit_plan(actor=world.trainee_a, plan=draft)
