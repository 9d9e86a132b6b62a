"""The form behind the e-mail link: anyone answers it without an account, once. A tampered link
is 404, a used or expired link 410 with a clear page, and more than 30 tries a minute from one
address 429. A bad answer stores nothing."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.feedback import services
from qme.feedback.models import Answer
from tests.feedback_support import (
    answer,
    answer_form,
    link_of,
    path_in,
    snapshot,
    start,
)
from tests.helpers import HOSTILE_TEXT, page_text


@pytest.fixture
def client():
    """Someone without an account whose browser asks for English (the people asked here chose
    English too)."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def feedback_round(world, traineeship):
    return start(world, traineeship, n=3)


@pytest.fixture
def request_(feedback_round):
    return feedback_round.requests.order_by("name").first()


def test_the_link_opens_a_short_form_without_an_account(client, request_):
    response = client.get(link_of(request_))
    assert response.status_code == 200
    text = page_text(response)
    assert "Feedback for Tim Trainee" in text
    assert "Dear Nurse 01" in text
    for competency in request_.round.competencies.all():
        assert competency.name_en in text
    assert 'name="went_well"' in text
    assert 'name="to_improve"' in text
    assert "anonymous" in text


def test_the_link_from_the_email_works(world, traineeship, client, emails):
    with emails() as sent:
        feedback_round = start(world, traineeship, n=1)
    response = client.get(path_in(sent[0]))
    assert response.status_code == 200
    assert response.context["request_"] == feedback_round.requests.get()


def test_an_answer_is_stored_once_and_the_trainee_is_told(world, client, request_, emails):
    with emails() as sent:
        response = client.post(link_of(request_), answer_form(request_.round, rating=5))
    assert response.status_code == 200
    assert "Thank you" in page_text(response)
    stored = Answer.objects.get()
    assert stored.request == request_
    assert stored.ratings == {str(c.pk): 5 for c in request_.round.competencies.all()}
    assert stored.went_well.startswith("On ward 4")
    request_.refresh_from_db()
    assert request_.answered_at == stored.submitted_at
    assert [m.to for m in sent] == [[world.trainee_a.email]]
    assert f"/feedback/{request_.round.traineeship_id}/rounds/{request_.round_id}/" in sent[0].body
    assert AuditEvent.objects.filter(action="feedback.request_answered").count() == 1


def test_opening_a_used_link_again_says_it_was_used(client, request_):
    answer(request_)
    response = client.get(link_of(request_))
    assert response.status_code == 410
    assert "This link has been used" in page_text(response)


def test_sending_the_form_twice_stores_one_answer(client, request_):
    link = link_of(request_)
    first = client.post(link, answer_form(request_.round, rating=5))
    before = snapshot()
    second = client.post(link, answer_form(request_.round, rating=1))
    assert first.status_code == 200
    assert second.status_code == 410
    assert "This link has been used" in page_text(second)
    assert snapshot() == before
    assert Answer.objects.get().ratings == {str(c.pk): 5 for c in request_.round.competencies.all()}


def test_the_service_refuses_a_second_answer(request_):
    answer(request_)
    with pytest.raises(ActionRefused) as refused:
        answer(request_, rating=1)
    assert refused.value.code == "link_unusable"
    assert Answer.objects.count() == 1


def test_an_expired_link_is_refused_with_a_clear_page(client, request_, time_machine):
    link = link_of(request_)
    time_machine.move_to(request_.round.expires_at - dt.timedelta(minutes=1), tick=False)
    assert client.get(link).status_code == 200
    time_machine.move_to(request_.round.expires_at + dt.timedelta(seconds=1), tick=False)
    before = snapshot()
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in page_text(response)
    response = client.post(link, answer_form(request_.round))
    assert response.status_code == 410
    assert snapshot() == before
    with pytest.raises(ActionRefused):
        answer(request_)


def test_a_link_stays_valid_while_the_round_is_open(client, request_, time_machine):
    """The signature itself does not expire: the round's date decides."""
    link = link_of(request_)
    time_machine.move_to(request_.round.expires_at - dt.timedelta(hours=1), tick=False)
    response = client.post(link, answer_form(request_.round))
    assert response.status_code == 200
    assert Answer.objects.count() == 1


def _tampered(token: str) -> list[str]:
    value, _sep, signature = token.rpartition(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [
        f"{value}:{flipped}",
        token[:-3],
        token + "x",
        "x" + token,
        token.upper(),
    ]


def test_a_tampered_link_is_not_found(client, request_):
    token = services.request_token(request_)
    for bad in _tampered(token):
        response = client.get(f"/f/{bad}/")
        assert response.status_code == 404, bad
        assert "This link is not valid" in page_text(response)
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    "token",
    [
        "nothing",
        "a" * 600,
        "%00",
        "..%2F..%2Fetc%2Fpasswd",
        "<script>alert(1)</script>",
        "'; DROP TABLE feedback_answer; --",
    ],
)
def test_nonsense_links_are_not_found(client, request_, token):
    response = client.get(f"/f/{token}/")
    assert response.status_code == 404
    response = client.post(f"/f/{token}/", answer_form(request_.round))
    assert response.status_code == 404
    assert Answer.objects.count() == 0


def test_links_signed_for_something_else_are_not_found(client, request_):
    forged = [
        signing.dumps({"request": request_.pk}, salt="qme.something.else", compress=True),
        signing.dumps({"request": str(request_.pk)}, salt=services.TOKEN_SALT, compress=True),
        signing.dumps({"request": [request_.pk]}, salt=services.TOKEN_SALT),
        signing.dumps([request_.pk], salt=services.TOKEN_SALT),
        signing.dumps({"request": 987_654}, salt=services.TOKEN_SALT),
    ]
    for token in forged:
        assert client.get(f"/f/{token}/").status_code == 404, token
        assert client.post(f"/f/{token}/", answer_form(request_.round)).status_code == 404
    assert Answer.objects.count() == 0


def test_the_link_of_a_deleted_round_is_not_found(client, request_):
    link = link_of(request_)
    request_.round.delete()
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [
        {"went_well": ""},
        {"to_improve": "   "},
        {"went_well": None},
        {"went_well": "x" * 5001},
    ],
)
def test_an_incomplete_answer_shows_what_is_missing_and_stores_nothing(client, request_, overrides):
    before = snapshot()
    response = client.post(link_of(request_), answer_form(request_.round, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before
    # The link still works afterwards.
    assert client.get(link_of(request_)).status_code == 200


@pytest.mark.parametrize("rating", ["", "0", "6", "-1", "five", "4.5", "99999999999999999999"])
def test_a_rating_outside_one_to_five_is_refused(client, request_, rating):
    before = snapshot()
    response = client.post(link_of(request_), answer_form(request_.round, rating=rating))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before


def test_a_missing_rating_is_refused(client, request_):
    data = answer_form(request_.round)
    first = next(k for k in data if k.startswith("rating_"))
    del data[first]
    before = snapshot()
    response = client.post(link_of(request_), data)
    assert response.status_code == 200
    assert first in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize(
    "ratings",
    [
        "missing one",
        "one too many",
        "out of scale",
    ],
)
def test_the_service_wants_exactly_one_rating_per_competency(request_, ratings):
    wanted = list(request_.round.competencies.all())
    given = {c.pk: 4 for c in wanted}
    if ratings == "missing one":
        given.pop(wanted[0].pk)
    elif ratings == "one too many":
        given[999_999] = 3
    else:
        given[wanted[0].pk] = 6
    before = snapshot()
    with pytest.raises(ValidationError):
        services.answer_request(
            request=request_, ratings=given, went_well="Fine work.", to_improve="Speak slower."
        )
    assert snapshot() == before


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_answers_never_break_the_form_or_the_round_page(
    world, client, client_for, request_, text
):
    response = client.post(
        link_of(request_), answer_form(request_.round, went_well=text, to_improve=text)
    )
    assert response.status_code in (200, 410)
    page = client_for(world.trainee_a).get(
        f"/feedback/{request_.round.traineeship_id}/rounds/{request_.round_id}/"
    )
    assert page.status_code == 200
    assert "<script>alert('x')</script>" not in page_text(page)


# --- Rate limit ---


def test_more_than_thirty_tries_a_minute_from_one_address_are_refused(
    client, request_, time_machine
):
    minute = dt.datetime.fromtimestamp((time.time() // 60 + 1) * 60, tz=dt.UTC)
    time_machine.move_to(minute + dt.timedelta(seconds=5), tick=False)
    link = link_of(request_)
    for _ in range(30):
        assert client.get(link).status_code == 200
    refused = client.get(link)
    assert refused.status_code == 429
    assert "Too many attempts" in page_text(refused)
    before = snapshot()
    assert client.post(link, answer_form(request_.round)).status_code == 429
    assert client.get("/f/guessing/").status_code == 429
    assert snapshot() == before
    # Someone else, at another address, is not held up.
    assert client.get(link, REMOTE_ADDR="10.1.2.3").status_code == 200
    # A minute later the address may try again.
    time_machine.move_to(minute + dt.timedelta(seconds=61), tick=False)
    assert client.get(link).status_code == 200


def test_the_used_link_page_speaks_the_language_of_the_person_asked(world, traineeship, client):
    feedback_round = start(
        world,
        traineeship,
        respondents=[{"name": "Noor", "email": "noor@example.org", "language": "nl"}],
    )
    request = feedback_round.requests.get()
    link = link_of(request)
    form = client.get(link)
    assert 'lang="nl"' in page_text(form)
    answer(request)
    response = client.get(link)
    assert response.status_code == 410
    assert "Deze link is al gebruikt" in page_text(response)
