"""The trainee asks anyone for feedback by e-mail: up to 25 people per round, each with a signed,
personal link that needs no account. Nobody else starts a round for them; a bad round stores
nothing and sends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.feedback import services
from qme.feedback.models import Request, Round
from qme.training.models import Traineeship
from tests.feedback_support import competencies, path_in, people, snapshot, start
from tests.helpers import HOSTILE_TEXT, page_text


def test_it_sends_everyone_asked_a_personal_link_that_needs_no_account(world, traineeship, emails):
    with emails() as sent:
        feedback_round = start(world, traineeship, n=3, days_valid=14)
    requests = list(feedback_round.requests.order_by("name"))
    assert [r.email for r in requests] == [
        "nurse01@ward.example.org",
        "nurse02@ward.example.org",
        "nurse03@ward.example.org",
    ]
    assert {tuple(m.to) for m in sent} == {(r.email,) for r in requests}
    links = set()
    for request in requests:
        message = next(m for m in sent if m.to == [request.email])
        link = path_in(message)
        assert link.startswith("/f/")
        assert link.endswith("/")
        assert services.request_for_token(link.removeprefix("/f/").rstrip("/")) == request
        assert "Tim Trainee" in message.body
        assert "Six months on the ward" in message.body
        assert "anonymous" in message.body
        links.add(link)
    assert len(links) == 3  # two people never share a link
    expected = timezone.now() + dt.timedelta(days=14)
    assert abs(feedback_round.expires_at - expected) < dt.timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="feedback.round_started").count() == 1


def test_it_asks_up_to_twenty_five_people_in_one_round(world, traineeship, emails):
    with emails() as sent:
        feedback_round = start(world, traineeship, n=25)
    assert feedback_round.requests.count() == 25
    assert len(sent) == 25


def test_it_remembers_each_persons_language_for_the_email_and_the_form(world, traineeship, emails):
    with emails() as sent:
        feedback_round = start(
            world,
            traineeship,
            respondents=[
                {"name": "Noor", "email": "noor@example.org", "language": "nl"},
                {"name": "Nick", "email": "nick@example.org", "language": "en"},
                {"name": "Nina", "email": "nina@example.org"},
            ],
        )
    languages = dict(feedback_round.requests.values_list("name", "language"))
    assert languages == {"Noor": "nl", "Nick": "en", "Nina": "nl"}
    english = next(m for m in sent if m.to == ["nick@example.org"])
    assert english.body.startswith("Dear Nick,")


def test_a_round_with_names_says_so_in_the_email(world, traineeship, emails):
    with emails() as sent:
        start(world, traineeship, n=1, anonymous=False)
    assert "anonymous" not in sent[0].body


@pytest.mark.parametrize(
    "persona",
    ["university_supervisor", "supervisor_a", "doctor_a", "coordinator_a", "office"],
)
def test_it_lets_only_the_trainee_ask_for_feedback(world, traineeship, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.start_round(
            actor=getattr(world, persona),
            traineeship=traineeship,
            title="On my behalf",
            anonymous=True,
            competencies=competencies(),
            respondents=people(2),
        )
    assert snapshot() == before


def _bad_rounds():
    many = people(26)
    twice = [*people(2), {"name": "Again", "email": "NURSE01@ward.example.org"}]
    return {
        "no title": {"title": "   "},
        "no competency": {"competencies": []},
        "six competencies": {"competencies": "six"},
        "nobody asked": {"respondents": []},
        "twenty-six people": {"respondents": many},
        "the same person twice": {"respondents": twice},
        "not an e-mail address": {
            "respondents": [*people(1), {"name": "Eve", "email": "not-an-address"}]
        },
        "an unknown role": {
            "respondents": [*people(1), {"name": "Eve", "email": "eve@x.org", "role": "spy"}]
        },
        "two days": {"days_valid": 2},
        "sixty-one days": {"days_valid": 61},
    }


@pytest.mark.parametrize("case", list(_bad_rounds()))
def test_it_refuses_a_bad_round_and_stores_and_sends_nothing(world, traineeship, emails, case):
    overrides = _bad_rounds()[case]
    if overrides.get("competencies") == "six":
        overrides["competencies"] = competencies(6)
    before = snapshot()
    with emails() as sent, pytest.raises(ValidationError):
        start(world, traineeship, **overrides)
    assert snapshot() == before
    assert sent == []


# --- The page ---


def _form(**overrides):
    data = {
        "title": "Six months on the ward",
        "competencies": [c.pk for c in competencies()],
        "anonymous": "on",
        "respondents": "Noor Nurse, noor@ward.example.org, nurse\n"
        "Tom Technician, tom@ward.example.org, technician\n"
        "\n"
        "Pat Patient, pat@example.org",
        "days_valid": "21",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_trainee_asks_through_the_form_and_lands_on_the_round(
    world, traineeship, client_for, emails
):
    client = client_for(world.trainee_a)
    assert client.get(f"/feedback/{traineeship.pk}/rounds/new/").status_code == 200
    with emails() as sent:
        response = client.post(f"/feedback/{traineeship.pk}/rounds/new/", _form())
    feedback_round = Round.objects.get()
    assert response.status_code == 302
    assert response.url == f"/feedback/{traineeship.pk}/rounds/{feedback_round.pk}/"
    assert feedback_round.anonymous is True
    roles = dict(feedback_round.requests.values_list("email", "role"))
    assert roles == {
        "noor@ward.example.org": "nurse",
        "tom@ward.example.org": "technician",
        "pat@example.org": "other",
    }
    assert len(sent) == 3
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Noor Nurse" in page_text(page)  # who has not answered yet


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("respondents", "Only a name"),
        ("respondents", "Eve, not-an-address"),
        ("respondents", ", nobody@example.org"),
        ("respondents", "\n\n   \n"),
        ("respondents", "Noor, noor@example.org\nNoor again, NOOR@example.org"),
        ("respondents", "\n".join(f"P{i}, p{i}@example.org" for i in range(26))),
        ("competencies", [999_999]),
        ("competencies", None),
        ("days_valid", "2"),
        ("days_valid", "a week"),
        ("days_valid", "99999999999999999999"),
        ("title", ""),
        ("title", "x" * 201),
    ],
)
def test_the_form_shows_what_is_wrong_and_stores_nothing(
    world, traineeship, client_for, emails, field, value
):
    client = client_for(world.trainee_a)
    before = snapshot()
    with emails() as sent:
        response = client.post(f"/feedback/{traineeship.pk}/rounds/new/", _form(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before
    assert sent == []


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_in_the_form_never_breaks_the_page(world, traineeship, client_for, text):
    client = client_for(world.trainee_a)
    response = client.post(
        f"/feedback/{traineeship.pk}/rounds/new/",
        _form(title=text, respondents=f"{text}, eve@example.org"),
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = page_text(client.get(response.url))
        assert "<script>alert" not in page
    for feedback_round in Round.objects.all():
        assert "\x00" not in feedback_round.title
        assert len(feedback_round.title) <= 200
    for request in Request.objects.all():
        assert len(request.name) <= 200


@pytest.mark.parametrize("persona", ["university_supervisor", "supervisor_a", "coordinator_a"])
def test_the_form_is_only_for_the_trainee(world, traineeship, client_for, persona):
    client = client_for(getattr(world, persona))
    before = snapshot()
    assert client.get(f"/feedback/{traineeship.pk}/rounds/new/").status_code == 403
    assert client.post(f"/feedback/{traineeship.pk}/rounds/new/", _form()).status_code == 403
    assert snapshot() == before


def test_the_form_asks_to_sign_in_first(traineeship, client):
    response = client.get(f"/feedback/{traineeship.pk}/rounds/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("status", ["discontinued", "completed"])
def test_a_traineeship_that_has_ended_asks_nobody(world, traineeship, client_for, emails, status):
    Traineeship.objects.filter(pk=traineeship.pk).update(status=status)
    traineeship.refresh_from_db()
    before = snapshot()
    with emails() as sent:
        with pytest.raises(ActionRefused):
            start(world, traineeship)
        response = client_for(world.trainee_a).post(
            f"/feedback/{traineeship.pk}/rounds/new/", _form()
        )
    assert response.status_code == 200
    assert "This traineeship has ended." in page_text(response)
    assert snapshot() == before
    assert sent == []


def test_sending_the_form_twice_asks_everyone_once(world, traineeship, client_for, emails):
    client = client_for(world.trainee_a)
    with emails() as sent:
        first = client.post(f"/feedback/{traineeship.pk}/rounds/new/", _form())
        second = client.post(f"/feedback/{traineeship.pk}/rounds/new/", _form())
    assert first.status_code == 302
    assert second.status_code == 200
    assert "You already have an open round with this title." in page_text(second)
    assert Round.objects.count() == 1
    assert len(sent) == 3


def test_a_title_can_be_used_again_once_the_round_has_closed(
    world, traineeship, emails, time_machine
):
    first = start(world, traineeship, n=1, days_valid=3)
    with pytest.raises(ActionRefused) as refused:
        start(world, traineeship, n=1, title=first.title.upper())
    assert refused.value.code == "duplicate"
    start(world, traineeship, n=1, title="Another round")
    time_machine.move_to(first.expires_at + dt.timedelta(minutes=1), tick=False)
    again = start(world, traineeship, n=1, title=first.title)
    assert again.pk != first.pk
