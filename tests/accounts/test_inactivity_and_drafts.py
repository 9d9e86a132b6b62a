"""A session ends after a period without activity (and after a maximum time whatever the
activity); the page can ask how long it has left without that counting as activity, and "stay
signed in" extends it. What a person was typing is kept as a draft on the server, only for them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from qme.accounts import services
from qme.accounts.models import Draft
from tests.helpers import HOSTILE_TEXT

pytestmark = pytest.mark.django_db

IDLE = 30 * 60


@pytest.fixture(autouse=True)
def _session_settings(settings):
    settings.SESSION_IDLE_SECONDS = IDLE
    settings.SESSION_MAX_SECONDS = 12 * 60 * 60
    settings.SESSION_ACTIVITY_RESOLUTION = 60


def _signed_in(client, user):
    client.force_login(user)
    client.get("/")  # the first request marks the sign-in and the activity
    return client


def _age(client) -> float:
    return client.get(reverse("session_status")).json()["seconds_left"]


def _shift_session(client, seconds: int) -> None:
    """Pretend the session's last activity and sign-in happened `seconds` earlier."""
    session = client.session
    for key in ("qme_active_at", "qme_signed_in_at"):
        session[key] = session[key] - seconds
    session.set_expiry(timezone.now() + dt.timedelta(seconds=IDLE - seconds))
    session.save()


def test_a_page_request_sets_the_idle_expiry(client, world):
    _signed_in(client, world.trainee_a)
    assert IDLE - 5 <= _age(client) <= IDLE


def test_asking_how_long_is_left_is_not_activity(client, world):
    _signed_in(client, world.trainee_a)
    _shift_session(client, 600)
    before = _age(client)
    assert before <= IDLE - 595
    assert _age(client) <= before  # still counting down


def test_a_page_request_after_a_while_extends_the_session(client, world):
    _signed_in(client, world.trainee_a)
    _shift_session(client, 600)
    client.get("/")
    assert _age(client) >= IDLE - 5


def test_stay_signed_in_extends_the_session(client, world):
    _signed_in(client, world.trainee_a)
    _shift_session(client, 1700)
    answer = client.post(reverse("session_status")).json()
    assert answer["signed_in"] is True
    assert answer["seconds_left"] >= IDLE - 5
    assert answer["warn_seconds"] == 120


def test_a_session_idle_too_long_is_signed_out(client, world):
    _signed_in(client, world.trainee_a)
    session_key = client.session.session_key
    Session.objects.filter(session_key=session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("training:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.get(reverse("session_status")).json() == {"signed_in": False}


def test_a_busy_page_writes_its_session_at_most_once_a_minute(client, world):
    _signed_in(client, world.trainee_a)
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    client.get("/")
    client.get("/")
    assert Session.objects.get(session_key=client.session.session_key).expire_date == stored


def test_a_sign_in_ends_after_the_maximum_time_whatever_the_activity(client, world, settings):
    _signed_in(client, world.trainee_a)
    session = client.session
    session["qme_signed_in_at"] = session["qme_signed_in_at"] - settings.SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get(reverse("training:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Drafts ---


def _save(client, key="/feedback/1/give/", data=None):
    return client.post(
        reverse("drafts"),
        {"key": key, "data": json.dumps(data if data is not None else {"went_well": ["Good"]})},
    )


def test_a_draft_is_kept_and_given_back_to_its_author_only(client, world):
    _signed_in(client, world.supervisor_a)
    data = {
        "went_well": ["You measured the phantom carefully."],
        "competencies": ["3", "5"],
        "csrfmiddlewaretoken": ["secret"],
        "password": ["hunter2"],
    }
    assert _save(client, data=data).json() == {"saved": True}
    kept = client.get(reverse("drafts"), {"key": "/feedback/1/give/"}).json()["data"]
    assert kept == {
        "went_well": ["You measured the phantom carefully."],
        "competencies": ["3", "5"],
    }
    other = client.__class__()
    _signed_in(other, world.doctor_a)
    assert other.get(reverse("drafts"), {"key": "/feedback/1/give/"}).json() == {"data": None}


def test_saving_again_replaces_the_draft(client, world):
    _signed_in(client, world.supervisor_a)
    _save(client, data={"went_well": ["one"]})
    _save(client, data={"went_well": ["two"]})
    assert Draft.objects.get().data == {"went_well": ["two"]}


def test_a_draft_is_discarded(client, world):
    _signed_in(client, world.supervisor_a)
    _save(client)
    answer = client.post(reverse("draft_discard"), {"key": "/feedback/1/give/"}).json()
    assert answer == {"discarded": True}
    assert not Draft.objects.exists()
    again = client.post(reverse("draft_discard"), {"key": "/feedback/1/give/"}).json()
    assert again == {"discarded": False}


def test_drafts_need_a_sign_in(client):
    assert _save(client).status_code == 401
    assert client.get(reverse("drafts"), {"key": "/x/"}).status_code == 401
    assert client.post(reverse("draft_discard"), {"key": "/x/"}).status_code == 401
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("https://elsewhere.example/", {"a": ["b"]}),
        ("/x/" + "a" * 400, {"a": ["b"]}),
        ("/x/\x00", {"a": ["b"]}),
        ("/x/", ["not", "a", "dict"]),
        ("/x/", {"a": [1, 2]}),
        ("/x/", {"a": ["x" * 100_001]}),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_is_kept(client, world, key, data):
    _signed_in(client, world.supervisor_a)
    response = _save(client, key=key, data=data)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not Draft.objects.exists()


def test_an_unreadable_draft_is_refused(client, world):
    _signed_in(client, world.supervisor_a)
    response = client.post(reverse("drafts"), {"key": "/x/", "data": "{not json"})
    assert response.status_code == 422


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_any_text_is_kept_as_typed(client, world, text):
    _signed_in(client, world.supervisor_a)
    assert _save(client, data={"note": [text]}).status_code == 200
    kept = client.get(reverse("drafts"), {"key": "/feedback/1/give/"}).json()["data"]
    assert kept == {"note": [text.replace("\x00", "")]}


def test_the_nightly_job_removes_drafts_untouched_for_a_month(world):
    old = services.save_draft(user=world.supervisor_a, key="/old/", data={"a": ["b"]})
    Draft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=31))
    services.save_draft(user=world.supervisor_a, key="/new/", data={"a": ["b"]})
    assert services.delete_stale_drafts() == 1
    assert list(Draft.objects.values_list("key", flat=True)) == ["/new/"]


def test_pages_of_a_signed_in_person_carry_the_warning_and_the_draft_endpoints(client, world):
    _signed_in(client, world.supervisor_a)
    page = client.get("/").content.decode()
    assert 'data-session-url="/accounts/session/"' in page
    assert 'data-drafts-url="/accounts/drafts/"' in page
    assert 'id="session-warning"' in page
    anonymous = client.__class__().get("/positions/").content.decode()
    assert "data-session-url" not in anonymous
    assert 'id="session-warning"' not in anonymous
