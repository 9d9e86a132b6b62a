"""The pages whose main part is kept rendered (qme.core.kept): a trainee's record and feedback, a
progress review. Each is worked out once per person and shown from the cache until a row it
reads is written; what differs per visit (the CSRF token, a form that failed) never is kept.
Every test that renders a kept page also checks that the page names every table it reads
(tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qme.core import kept
from qme.feedback.models import ProgrammeSettings
from qme.training import services as training
from tests.feedback.helpers import give
from tests.feedback_support import own_client, traineeship
from tests.reviews.helpers import first_progress

__all__ = ["own_client", "traineeship"]

#: What a kept page costs besides itself: the session (from the database in the tests, from
#: Redis in production), the person, their roles and their unread count.
BASE_QUERIES = 4

RECORD, FEEDBACK = "training:detail", "feedback:list"


def _get(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)
    assert response.status_code == 200, response.content[:300]
    return count, response.content.decode()


@pytest.mark.parametrize("page", [RECORD, FEEDBACK])
def test_the_second_visit_costs_only_what_every_page_costs(world, traineeship, own_client, page):
    ProgrammeSettings.current()  # made on first use: a write that would renew the page
    client = own_client(world.supervisor_a)
    url = reverse(page, args=[traineeship.pk])
    first, _ = _get(client, url)
    again, text = _get(client, url)
    assert again <= BASE_QUERIES < first
    assert "Tim Trainee" in text


def test_new_feedback_shows_at_once_on_the_kept_pages(world, traineeship, own_client):
    client = own_client(world.supervisor_a)
    feedback_url = reverse(FEEDBACK, args=[traineeship.pk])
    assert "Pump alarm teaching" not in _get(client, feedback_url)[1]
    give(world.university_supervisor, traineeship, subject="Pump alarm teaching")
    assert "Pump alarm teaching" in _get(client, feedback_url)[1]


def test_a_new_leave_shows_at_once_on_the_kept_record(world, traineeship, own_client):
    client = own_client(world.supervisor_a)
    url = reverse(RECORD, args=[traineeship.pk])
    assert "Parental leave" not in _get(client, url)[1]
    today = timezone.localdate()
    training.record_leave(
        actor=world.office,
        traineeship=traineeship,
        kind="parental",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
    )
    assert "Parental leave" in _get(client, url)[1]


def test_each_person_has_their_own_kept_page(world, traineeship, own_client):
    url = reverse(RECORD, args=[traineeship.pk])
    assert "Your training" not in _get(own_client(world.supervisor_a), url)[1]
    assert "Your training" in _get(own_client(world.trainee_a), url)[1]
    # Kept for two people who may see it: never shown to one who may not.
    assert own_client(world.coordinator_b).get(url).status_code == 404
    assert own_client(world.applicant).get(url).status_code == 404


def test_the_kept_page_speaks_each_reader_s_language(world, traineeship, own_client):
    client = own_client(world.supervisor_a)
    url = reverse(FEEDBACK, args=[traineeship.pk])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "days since feedback from the university" in _get(client, url)[1]
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "dagen sinds feedback van de universiteit" in _get(client, url)[1]


def _tokens(html: str) -> set[str]:
    found = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert found, "the page has forms"
    return found


def test_each_visit_gets_its_own_csrf_token_and_both_work(world, traineeship):
    entry = give(world.supervisor_a, traineeship)
    url = reverse(FEEDBACK, args=[traineeship.pk])
    respond = reverse("feedback:respond", args=[traineeship.pk, entry.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(world.trainee_a)
    html_first, html_second = _get(first, url)[1], _get(second, url)[1]
    assert kept.CSRF_MARK not in html_first + html_second
    assert not _tokens(html_first) & _tokens(html_second)
    for n, (client, html) in enumerate(((first, html_first), (second, html_second))):
        answer = client.post(
            respond, {"body": f"Thank you, answer {n}.", "csrfmiddlewaretoken": max(_tokens(html))}
        )
        assert answer.status_code == 302
    assert entry.responses.count() == 2
    refused = first.post(respond, {"body": "No token.", "csrfmiddlewaretoken": kept.CSRF_MARK})
    assert refused.status_code == 403
    assert entry.responses.count() == 2


def test_a_refused_review_form_keeps_what_was_typed_for_this_answer_only(
    world, traineeship, own_client
):
    review = first_progress(traineeship)
    client = own_client(world.university_supervisor)
    url = reverse("feedback:review", args=[traineeship.pk, review.pk])
    _get(client, url)  # kept
    typed = "Typed but refused 4711"
    answer = client.post(
        url, {"action": "record", "held_on": "not a day", "outcome": "good", "actions": typed}
    )
    assert answer.status_code == 200
    assert typed in answer.content.decode()
    assert typed not in _get(client, url)[1]
    review.refresh_from_db()
    assert review.actions == ""


def test_a_page_whose_reads_are_not_watched_is_refused(world):
    request = RequestFactory().get("/")
    request.user = world.office
    page = kept.KeptPage("unwatched", (Session,))
    with pytest.raises(ImproperlyConfigured):
        page.main(request, None, lambda: ("core/kept_page.html", {}, "Title"))


def test_the_frame_around_a_kept_page_is_kept_too(world, traineeship, own_client, monkeypatch):
    """The base template (navigation, unread count, account menu) is rendered once per person,
    address and language; each visit fills in its own address, title, main part and token."""
    client = own_client(world.supervisor_a)
    url = reverse(FEEDBACK, args=[traineeship.pk])
    first = _get(client, url)[1]
    rendered: list[int] = []
    original = kept._frame
    monkeypatch.setattr(kept, "_frame", lambda request: rendered.append(1) or original(request))
    again = _get(client, url)[1]
    assert rendered == []
    assert again.count("Sara") >= 1
    assert "Tim Trainee" in again
    for mark in (kept.TITLE_MARK, kept.MAIN_MARK, kept.PATH_MARK, kept.CSRF_MARK):
        assert mark not in first
        assert mark not in again
    assert "<title>Feedback: Tim Trainee · QME Programme Office</title>" in again
    assert f'name="next" value="{url}"' in again


def test_the_kept_frame_writes_each_visit_s_own_address(world, traineeship, own_client):
    client = own_client(world.supervisor_a)
    url = reverse(FEEDBACK, args=[traineeship.pk])
    _get(client, url)
    # As base.html writes it: escaped in the language form, quoted in the sign-in link.
    text = _get(client, url + "?page=1&x=<b>")[1]
    assert f'name="next" value="{url}?page=1&amp;x=%3Cb%3E"' in text
    assert f"?next={url}%3Fpage%3D1%26x%3D%253Cb%253E" in text
    other = _get(client, url + "?page=2")[1]
    assert f'name="next" value="{url}?page=2"' in other


def test_a_new_notification_shows_at_once_in_the_kept_frame(world, traineeship, own_client):
    from qme.core.mail import notify_people

    client = own_client(world.trainee_a)
    url = reverse(FEEDBACK, args=[traineeship.pk])
    before = _get(client, url)[1]
    notify_people([world.trainee_a], "feedback_given", {"by": "Sara Supervisor"}, link=url)
    after = _get(client, url)[1]
    assert "Notifications: 1 unread" not in before
    assert "Notifications: 1 unread" in after


def test_a_waiting_message_is_shown_in_the_page_around_the_kept_part(world, traineeship):
    client = Client()
    client.force_login(world.supervisor_a)
    url = reverse(FEEDBACK, args=[traineeship.pk])
    _get(client, url)
    response = client.post(
        reverse("feedback:give", args=[traineeship.pk]),
        {"went_well": "x"},  # refused: the form page, not a message
    )
    assert response.status_code == 200
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Your changes have been saved.")
    from django.http import HttpResponse

    holder = HttpResponse()
    storage.update(holder)
    client.cookies["messages"] = holder.cookies["messages"].value
    text = _get(client, url)[1]
    assert "Your changes have been saved." in text
    assert "Tim Trainee" in text


@pytest.mark.parametrize("page", [RECORD, FEEDBACK])
def test_the_kept_frame_gives_the_page_the_base_template_gives(
    world, traineeship, own_client, monkeypatch, page
):
    client = own_client(world.trainee_a)
    url = reverse(page, args=[traineeship.pk]) + "?page=1"
    framed = _get(client, url)[1]

    class Waiting:  # as if a message were waiting: the page is rendered without the frame
        @staticmethod
        def get_messages(request):
            return [None]

    monkeypatch.setattr(kept, "messages", Waiting)
    plain = _get(client, url)[1]
    token = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    assert token.sub(r"\1", framed) == token.sub(r"\1", plain)
