"""What the tests of multisource feedback, reviews and the design assessment share: Tim Trainee's
traineeship, a round of requests, the link in an e-mail, and a snapshot of what is stored."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.feedback import services
from qme.feedback.models import (
    Answer,
    Assessment,
    AssessmentScore,
    Assessor,
    Feedback,
    Review,
    Round,
)
from qme.feedback.models import Request as FeedbackRequest
from qme.training import services as training
from qme.training.models import Traineeship

ANSWER_TEXT = {
    "went_well": "On ward 4 you explained the new pump alarms to the night shift patiently.",
    "to_improve": "During the handover you spoke quickly; the nurses could not ask questions.",
}


def traineeship_for(world, trainee=None, *, days_ago: int = 90, **people) -> Traineeship:
    """A traineeship at hospital A that started `days_ago` days ago: Ulla supervises from the
    university, Sara from the hospital, and Dirk is the medical doctor."""
    people = {
        "university_supervisor": world.university_supervisor,
        "hospital_supervisor": world.supervisor_a,
        "medical_doctor": world.doctor_a,
        **people,
    }
    return training.create_traineeship(
        actor=None,
        trainee=trainee or world.trainee_a,
        hospital=world.hospital_a,
        university=world.university,
        start_date=timezone.localdate() - dt.timedelta(days=days_ago),
        **people,
    )


def competencies(n: int = 2) -> list:
    return list(services.current_framework().competencies.order_by("area", "order")[:n])


def people(n: int, *, language: str = "en", role: str = "nurse") -> list[dict[str, str]]:
    return [
        {
            "name": f"Nurse {i:02d}",
            "email": f"nurse{i:02d}@ward.example.org",
            "role": role,
            "language": language,
        }
        for i in range(1, n + 1)
    ]


def start(world, traineeship, *, n: int = 3, anonymous: bool = True, **overrides: Any) -> Round:
    fields: dict[str, Any] = {
        "title": "Six months on the ward",
        "anonymous": anonymous,
        "competencies": competencies(),
        "respondents": people(n),
        "days_valid": 21,
    }
    fields.update(overrides)
    return services.start_round(actor=world.trainee_a, traineeship=traineeship, **fields)


def link_of(request: FeedbackRequest) -> str:
    return f"/f/{services.request_token(request)}/"


def answer(request: FeedbackRequest, rating: int = 4, **overrides: Any) -> Answer:
    ratings = {c.pk: rating for c in request.round.competencies.all()}
    fields = {**ANSWER_TEXT, **overrides}
    return services.answer_request(request=request, ratings=ratings, **fields)


def answer_form(feedback_round: Round, rating: int | str = 4, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"rating_{c.pk}": str(rating) for c in feedback_round.competencies.all()
    }
    data.update(ANSWER_TEXT)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def path_in(message: mail.EmailMessage) -> str:
    """The path of the link to this site in an e-mail."""
    match = re.search(r"https?://[^/\s]+(/\S*)", message.body)
    assert match, message.body
    return match.group(1)


def mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def snapshot() -> dict[str, Any]:
    """Every row this part of the feedback app stores: equal before and after means nothing
    changed."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in (
            Round,
            FeedbackRequest,
            Answer,
            Review,
            Assessment,
            Assessor,
            AssessmentScore,
            Feedback,
        )
    } | {
        "traineeships": list(Traineeship.objects.order_by("pk").values("pk", "status")),
        "events": AuditEvent.objects.count(),
        "mails": len(mail.outbox),
    }


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


# --- Fixtures, imported by the conftest of each folder ---


@pytest.fixture
def emails(
    django_capture_on_commit_callbacks,
) -> Callable[[], AbstractContextManager[list[mail.EmailMessage]]]:
    """`with emails() as sent:` runs the block and its after-commit work (the e-mail tasks) and
    fills `sent` with what went out."""

    @contextmanager
    def _capture() -> Iterator[list[mail.EmailMessage]]:
        sent: list[mail.EmailMessage] = []
        begin = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            yield sent
        sent.extend(mail.outbox[begin:])

    return _capture


@pytest.fixture
def own_client() -> Callable[..., Client]:
    """own_client(user): a separate signed-in client, for stories where people take turns."""

    def _client(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture
def traineeship(world) -> Traineeship:
    return traineeship_for(world)
