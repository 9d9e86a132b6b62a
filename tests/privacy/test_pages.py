"""Where people find their data, hostile input on the erasure form and the API, and what the
pages cost in queries as the data grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.audit.services import record_event
from qme.feedback.models import Feedback
from qme.privacy.models import Erasure
from tests.helpers import HOSTILE_TEXT, api

from .builders import discontinued_record, unzip


def queries_of(client, method: str, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_profile_links_to_your_data(world, client_for):
    page = client_for(world.trainee_a).get("/accounts/profile/").content.decode()
    assert 'href="/personal-data/"' in page


def test_the_office_finds_personal_data_in_the_navigation(world, client_for):
    assert 'href="/personal-data/people/"' in client_for(world.office).get("/").content.decode()
    for person in (world.trainee_a, world.coordinator_a, world.applicant):
        assert 'href="/personal-data/people/"' not in client_for(person).get("/").content.decode()


@pytest.fixture
def discontinued(world, rules, catalogue):
    return discontinued_record(world, catalogue)


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_erasure_input_is_refused_and_changes_nothing(
    world, discontinued, client_for, text
):
    client = client_for(world.office)
    for data in ({"reason": text, "confirmation": text}, {"reason": text, "confirmation": ""}):
        response = client.post(f"/personal-data/people/{world.trainee_a.pk}/", data)
        assert response.status_code == 400
    answer = api(
        client,
        "post",
        f"privacy/people/{world.trainee_a.pk}/erasure",
        {"reason": text, "confirmation": text},
    )
    assert answer.status_code in (409, 422)
    assert not Erasure.objects.exists()
    assert User.objects.get(pk=world.trainee_a.pk).email == "tim@example.org"


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_searches_answer_a_page(world, client_for, text):
    response = client_for(world.office).get("/personal-data/people/", {"q": text})
    assert response.status_code == 200


def test_the_api_refuses_a_body_that_is_not_json(world, client_for):
    answer = api(
        client_for(world.office), "post", f"privacy/people/{world.applicant.pk}/erasure", "{"
    )
    assert answer.status_code in (400, 422)
    assert User.objects.get(pk=world.applicant.pk).is_active


def test_the_export_costs_the_same_queries_with_more_feedback(world, graduate, client_for):
    client = client_for(world.trainee_a)
    path = f"/personal-data/traineeships/{graduate.traineeship.pk}/export/"
    first = queries_of(client, "post", path)
    competencies = list(graduate.feedback.competencies.all())
    for n in range(6):
        Feedback.objects.create(
            traineeship=graduate.traineeship,
            author=world.university_supervisor,
            side="university",
            rating=4,
            went_well=f"Entry {n} went well on the ward.",
            to_improve="More numbers next time.",
            next_step="Bring them to the meeting.",
        ).competencies.set(competencies)
    assert queries_of(client, "post", path) <= first
    archive = unzip(client.post(path))
    assert "record.json" in archive.namelist()


def test_your_data_costs_the_same_queries_with_a_longer_trail(world, client_for):
    client = client_for(world.office)
    first = queries_of(client, "get", "/personal-data/")
    for n in range(30):
        record_event(
            actor=world.office, action="test.action", target=world.applicant, reason=str(n)
        )
    assert queries_of(client, "get", "/personal-data/") <= first
    assert AuditEvent.objects.filter(actor=world.office).count() >= 30


def test_your_data_for_a_graduate_is_bounded(
    world, graduate, client_for, django_assert_max_num_queries
):
    client = client_for(world.trainee_a)
    client.get("/personal-data/")
    with django_assert_max_num_queries(45):
        assert client.get("/personal-data/").status_code == 200
