"""States are explicit: every action that is not allowed in the current state is refused with a
clear message, in the services, the pages and the API, and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.core.errors import ActionRefused
from qme.positions import services
from qme.positions.models import (
    POSITION_TRANSITIONS,
    REQUEST_TRANSITIONS,
    PositionStatus,
    RequestStatus,
)
from tests.helpers import api, page_text

from .factories import POSITION_STATES, position_in, request_in
from .helpers import messages_of, snapshot


def _request_actions(world):
    return {
        "submit": lambda r: services.submit_request(actor=world.coordinator_a, request=r),
        "withdraw": lambda r: services.withdraw_request(
            actor=world.coordinator_a, request=r, reason="Because."
        ),
        "request_changes": lambda r: services.request_changes(
            actor=world.office, request=r, comment="Please change."
        ),
        "approve": lambda r: services.approve_request(
            actor=world.office,
            request=r,
            university=world.university,
            university_supervisor=world.university_supervisor,
        ),
        "decline": lambda r: services.decline_request(
            actor=world.office, request=r, reason="Because."
        ),
    }


#: From which states each request action is allowed.
REQUEST_ALLOWED = {
    "submit": {RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED},
    "withdraw": {RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED},
    "request_changes": {RequestStatus.SUBMITTED},
    "approve": {RequestStatus.SUBMITTED},
    "decline": {RequestStatus.SUBMITTED},
}
REFUSED_REQUEST_ACTIONS = [
    (action, status)
    for action, allowed in REQUEST_ALLOWED.items()
    for status in RequestStatus.values
    if status not in allowed
]


def test_it_has_the_documented_request_transitions():
    documented = {
        "draft": {"submitted", "withdrawn"},
        "submitted": {"changes_requested", "approved", "declined", "withdrawn"},
        "changes_requested": {"submitted", "withdrawn"},
        "approved": set(),
        "declined": set(),
        "withdrawn": set(),
    }
    assert documented == REQUEST_TRANSITIONS


@pytest.mark.parametrize(("action", "status"), REFUSED_REQUEST_ACTIONS)
def test_it_refuses_a_request_action_in_the_wrong_state(world, action, status):
    request = request_in(world, status)
    before = snapshot()
    with pytest.raises(ActionRefused) as refusal:
        _request_actions(world)[action](request)
    assert refusal.value.message
    assert refusal.value.code in ("invalid_state", "already_submitted")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "status"),
    [(a, s) for a, allowed in REQUEST_ALLOWED.items() for s in sorted(allowed)],
)
def test_it_allows_a_request_action_in_the_right_state(world, action, status):
    request = request_in(world, status)
    _request_actions(world)[action](request)


def _position_actions(world):
    later = timezone.localdate() + dt.timedelta(days=100)
    return {
        "publish": lambda p: services.publish_position(actor=world.office, position=p),
        "close": lambda p: services.close_position(actor=world.office, position=p, reason="x"),
        "extend": lambda p: services.extend_deadline(
            actor=world.office, position=p, deadline=later, reason="x"
        ),
        "cancel": lambda p: services.cancel_position(actor=world.office, position=p, reason="x"),
        "reopen": lambda p: services.reopen_position(
            actor=world.office, position=p, deadline=later, reason="x"
        ),
    }


POSITION_ALLOWED = {
    "publish": {PositionStatus.DRAFT},
    "close": {PositionStatus.OPEN},
    "extend": {PositionStatus.DRAFT, PositionStatus.OPEN},
    "cancel": {PositionStatus.DRAFT, PositionStatus.OPEN, PositionStatus.SELECTION},
    "reopen": {PositionStatus.SELECTION, PositionStatus.CANCELLED},
}
REFUSED_POSITION_ACTIONS = [
    (action, status)
    for action, allowed in POSITION_ALLOWED.items()
    for status in POSITION_STATES
    if status not in allowed
]


def test_it_has_the_documented_position_transitions():
    """Among the states of this issue; later issues add in training and completed."""
    documented = {
        "draft": {"open", "cancelled"},
        "open": {"selection", "cancelled"},
        "selection": {"open", "filled", "cancelled"},
        "filled": set(),
        "cancelled": {"open"},
    }
    among_these = {
        status: set(POSITION_TRANSITIONS[status]) & set(POSITION_STATES)
        for status in POSITION_STATES
    }
    assert documented == among_these


@pytest.mark.parametrize(("action", "status"), REFUSED_POSITION_ACTIONS)
def test_it_refuses_a_position_action_in_the_wrong_state(world, action, status):
    position = position_in(world, status)
    before = snapshot()
    with pytest.raises(ActionRefused) as refusal:
        _position_actions(world)[action](position)
    assert refusal.value.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "status"),
    [(a, s) for a, allowed in POSITION_ALLOWED.items() for s in sorted(allowed)],
)
def test_it_allows_a_position_action_in_the_right_state(world, action, status):
    position = position_in(world, status)
    _position_actions(world)[action](position)


class TestThroughPagesAndApi:
    """The refusals the issue names, as a person meets them."""

    def test_it_refuses_to_approve_a_draft(self, world, client_for):
        request = request_in(world, "draft")
        client = client_for(world.office)
        before = snapshot()
        response = client.post(
            f"/requests/{request.pk}/approve/",
            {
                "university": world.university.pk,
                "university_supervisor": world.university_supervisor.pk,
            },
        )
        assert response.status_code == 200
        assert "Only a submitted request can be approved." in page_text(response)
        response = api(
            client,
            "post",
            f"requests/{request.pk}/approve",
            {
                "university_id": world.university.pk,
                "university_supervisor_id": world.university_supervisor.pk,
            },
        )
        assert response.status_code == 409
        assert response.json() == {
            "detail": "Only a submitted request can be approved.",
            "code": "invalid_state",
        }
        assert snapshot() == before

    def test_it_refuses_to_decline_an_approved_request(self, world, client_for):
        request = request_in(world, "approved")
        client = client_for(world.office)
        before = snapshot()
        response = client.post(f"/requests/{request.pk}/decline/", {"reason": "Changed mind"})
        assert response.status_code == 200
        assert "Only a submitted request can be declined." in page_text(response)
        response = api(client, "post", f"requests/{request.pk}/decline", {"reason": "x"})
        assert response.status_code == 409
        assert snapshot() == before

    def test_it_refuses_to_ask_changes_on_a_draft(self, world, client_for):
        request = request_in(world, "draft")
        client = client_for(world.office)
        before = snapshot()
        response = client.post(
            f"/requests/{request.pk}/changes/", {"comment": "Please change"}, follow=True
        )
        assert messages_of(response) == ["Changes can only be asked for a submitted request."]
        response = api(client, "post", f"requests/{request.pk}/request-changes", {"reason": "x"})
        assert response.status_code == 409
        assert snapshot() == before

    def test_it_refuses_to_submit_a_withdrawn_request(self, world, client_for):
        request = request_in(world, "withdrawn")
        client = client_for(world.coordinator_a)
        before = snapshot()
        response = client.post(f"/requests/{request.pk}/submit/", follow=True)
        assert messages_of(response) == ["A request that is withdrawn cannot be submitted."]
        response = api(client, "post", f"requests/{request.pk}/submit")
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_state"
        assert snapshot() == before

    def test_it_refuses_to_publish_twice(self, world, client_for, emails):
        position = position_in(world, "draft")
        client = client_for(world.office)
        with emails() as sent:
            client.post(f"/manage/positions/{position.pk}/publish/", follow=True)
        assert len(sent) == 1
        before = snapshot()
        with emails() as sent:
            response = client.post(f"/manage/positions/{position.pk}/publish/", follow=True)
            api_response = api(client, "post", f"positions/{position.pk}/publish")
        assert messages_of(response) == ["This position has already been published."]
        assert api_response.status_code == 409
        assert api_response.json()["code"] == "already_published"
        assert sent == []
        assert snapshot() == before

    def test_it_refuses_to_close_a_draft(self, world, client_for):
        position = position_in(world, "draft")
        client = client_for(world.office)
        before = snapshot()
        response = client.post(f"/manage/positions/{position.pk}/close/", {"reason": "Early"})
        assert response.status_code == 200
        assert "cannot become" in page_text(response)
        response = api(client, "post", f"positions/{position.pk}/close", {"reason": "Early"})
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_state"
        assert snapshot() == before

    def test_it_reopens_a_cancelled_position_only_with_a_reason(self, world, client_for):
        position = position_in(world, "cancelled")
        client = client_for(world.office)
        before = snapshot()
        response = api(client, "post", f"positions/{position.pk}/publish")
        assert response.status_code == 409
        assert snapshot() == before

    def test_it_refuses_comments_on_a_decided_request(self, world, client_for):
        request = request_in(world, "declined")
        client = client_for(world.coordinator_a)
        before = snapshot()
        response = client.post(f"/requests/{request.pk}/comments/", {"body": "But why?"})
        assert response.status_code == 302
        response = api(client, "post", f"requests/{request.pk}/comments", {"body": "But why?"})
        assert response.status_code == 409
        assert snapshot() == before
