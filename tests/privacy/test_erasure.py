"""The programme office erases a person where the law allows it: every app deletes or
anonymises what it holds, files leave the storage, the person cannot sign in, and the audit trail
keeps one event that an erasure happened. Refused, with the reasons, where the law does not allow
it yet; refused for anyone but the office."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.feedback.models import Feedback
from qme.privacy.models import Erasure
from qme.selection import services as selection_services
from qme.selection.models import Application
from qme.training.models import Deliverable, ItemRecord
from tests.feedback_support import snapshot
from tests.helpers import api
from tests.selection.factories import procedure_for
from tests.training.factories import fresh, traineeship_of

from .builders import discontinued_record, json_in, unzip, where_found

TIM = ("tim@example.org", "Tim Trainee")


def erase(client, person, **overrides):
    data = {"reason": "Asked for erasure under GDPR art. 17.", "confirmation": person.email}
    data.update(overrides)
    return client.post(f"/personal-data/people/{person.pk}/", data)


@pytest.fixture
def discontinued(world, rules, catalogue):
    return discontinued_record(world, catalogue)


def stored_files(traineeship) -> list:
    records = ItemRecord.objects.filter(traineeship=traineeship).exclude(evidence="")
    deliverables = Deliverable.objects.filter(milestone__project__traineeship=traineeship)
    return [r.evidence for r in records] + [d.file for d in deliverables]


def test_the_office_sees_what_is_held_and_that_nothing_blocks(world, discontinued, client_for):
    response = client_for(world.office).get(f"/personal-data/people/{world.trainee_a.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tim Trainee" in text
    assert "Erase this person" in text
    assert "Your traineeships" in text


def test_erasure_leaves_the_name_and_address_in_no_table(
    world, discontinued, client_for, django_capture_on_commit_callbacks
):
    assert where_found(*TIM)  # they are there to begin with
    files = stored_files(discontinued)
    assert len(files) == 3
    names = [(f.storage, f.name) for f in files]
    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client_for(world.office), world.trainee_a)
    assert response.status_code == 302
    assert where_found(*TIM) == []
    # The files are gone from storage.
    for storage, name in names:
        assert not storage.exists(name)
    # The account is anonymised in place and cannot sign in.
    person = User.objects.get(pk=world.trainee_a.pk)
    assert person.full_name == "Erased person"
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert not person.is_active
    assert not person.has_usable_password()
    # What is theirs went; the structure of the record stays for the programme's figures.
    discontinued.refresh_from_db()
    assert discontinued.status_reason == ""
    assert not Feedback.objects.filter(traineeship=discontinued).exists()
    assert ItemRecord.objects.filter(traineeship=discontinued).count() == 2
    assert not ItemRecord.objects.filter(traineeship=discontinued).exclude(evidence="").exists()


def test_the_trail_keeps_one_event_of_the_erasure_and_nothing_of_the_person(
    world, discontinued, client_for
):
    erase(client_for(world.office), world.trainee_a)
    erasure = Erasure.objects.get()
    event = AuditEvent.objects.get(action="person.erased")
    assert event.actor_id == world.office.pk
    assert event.actor_label == "Olga Office"
    assert event.reason == "Asked for erasure under GDPR art. 17."
    assert event.target_id == str(world.trainee_a.pk)
    assert event.target_label == "Erased person"
    assert event.data == {"erasure": erasure.pk}
    # The account's own trail is that one event.
    account = AuditEvent.objects.filter(
        target_type=event.target_type, target_id=str(world.trainee_a.pk)
    )
    assert list(account) == [event]
    # Earlier events stay (that things happened), without the person's name or address.
    assert AuditEvent.objects.filter(action="traineeship.discontinued").exists()
    for old in AuditEvent.objects.exclude(pk=event.pk):
        assert "Tim Trainee" not in old.target_label + old.actor_label + old.reason
    # Their own account's field history is gone.
    assert not LogEntry.objects.get_for_object(User.objects.get(pk=world.trainee_a.pk)).exists()
    # The office's page says it happened.
    page = client_for(world.office).get(f"/personal-data/people/{world.trainee_a.pk}/")
    assert "Erased on" in page.content.decode()


def test_an_erased_person_cannot_sign_in_and_their_session_ends(world, discontinued, client_for):
    trainee = fresh(world.trainee_a)
    trainee.set_password("correct horse battery staple")
    trainee.save()
    tims_browser = Client()
    tims_browser.force_login(trainee)
    assert tims_browser.get("/personal-data/").status_code == 200
    erase(client_for(world.office), world.trainee_a)
    assert tims_browser.get("/personal-data/").status_code == 302
    assert not Client().login(email="tim@example.org", password="correct horse battery staple")
    response = Client().post(
        "/accounts/login/",
        {"login": "tim@example.org", "password": "correct horse battery staple"},
    )
    assert "_auth_user_id" not in response.wsgi_request.session


def test_an_erased_supervisor_s_feedback_stays_for_the_trainee(world, discontinued, client_for):
    sara = world.supervisor_a
    erase(client_for(world.office), sara)
    assert where_found("sara@example.org", "Sara Supervisor") == []
    # The feedback Sara gave Tim is still Tim's, with an erased author.
    archive = unzip(
        client_for(world.trainee_a).post(f"/personal-data/traineeships/{discontinued.pk}/export/")
    )
    record = json_in(archive, "record.json")
    feedback = record["traineeship"]["feedback received"]
    assert len(feedback) == 1
    assert feedback[0]["by"] == "Erased person"
    assert feedback[0]["what went well"]
    assert record["traineeship"]["hospital supervisor"] == "Erased person"


def test_an_applicant_whose_procedure_ended_for_them_is_erased(
    world, client_for, django_capture_on_commit_callbacks
):
    proc = procedure_for(world)
    application = Application.objects.get(applicant=world.applicant)
    files = [(f.storage, f.name) for _kind, f in application.documents]
    selection_services.withdraw_application(
        actor=fresh(world.applicant), application=application, reason="Found another job."
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert erase(client_for(world.office), world.applicant).status_code == 302
    assert where_found("anna@example.org", "Anna Applicant") == []
    for storage, name in files:
        assert not storage.exists(name)
    application.refresh_from_db()
    assert application.data_deleted_at is not None
    assert application.city == ""
    assert not application.cv
    # Other candidates keep everything.
    for other in proc.candidates[1:]:
        other.refresh_from_db()
        assert other.cv
        assert other.applicant.is_active


# --- Refused ---


def test_a_graduate_cannot_be_erased_the_diploma_must_stay_verifiable(world, graduate, client_for):
    client = client_for(world.office)
    page = client.get(f"/personal-data/people/{world.trainee_a.pk}/").content.decode()
    assert "A QME diploma has been issued to them" in page
    assert "Erase this person" not in page
    before = snapshot()
    response = erase(client, world.trainee_a)
    assert response.status_code == 400
    assert "A QME diploma has been issued to them" in response.content.decode()
    assert snapshot() == before
    assert User.objects.get(pk=world.trainee_a.pk).email == "tim@example.org"
    assert not Erasure.objects.exists()


def test_a_trainee_in_training_cannot_be_erased(world, rules, client_for):
    traineeship_of(world)
    response = erase(client_for(world.office), world.trainee_a)
    assert response.status_code == 400
    assert "is in progress" in response.content.decode()
    assert User.objects.get(pk=world.trainee_a.pk).is_active
    # Nor their supervisor, until another is assigned.
    response = erase(client_for(world.office), world.supervisor_a)
    assert "assign another supervisor first" in response.content.decode()


def test_an_applicant_in_a_running_procedure_cannot_be_erased(world, client_for):
    proc = procedure_for(world)
    response = erase(client_for(world.office), world.applicant)
    assert "is in a running selection procedure" in response.content.decode()
    assert "sits on the selection committee" not in response.content.decode()
    response = erase(client_for(world.office), proc.uni_member)
    assert "Sits on the selection committee" in response.content.decode()
    assert not Erasure.objects.exists()


def test_the_confirmation_must_be_the_person_s_address(world, discontinued, client_for):
    response = erase(client_for(world.office), world.trainee_a, confirmation="tim@example.com")
    assert response.status_code == 400
    assert "Type the person" in response.content.decode()
    assert User.objects.get(pk=world.trainee_a.pk).is_active


@pytest.mark.parametrize(
    "reason", ["", "   ", "Tim Trainee asked", "mail from TIM@example.org", "x" * 2001, "a\x00b"]
)
def test_the_reason_is_required_and_names_nobody(world, discontinued, client_for, reason):
    response = erase(client_for(world.office), world.trainee_a, reason=reason)
    assert response.status_code == 400
    assert User.objects.get(pk=world.trainee_a.pk).is_active
    assert not Erasure.objects.exists()


def test_a_double_submit_erases_once(world, discontinued, client_for):
    client = client_for(world.office)
    assert erase(client, world.trainee_a).status_code == 302
    second = erase(client, world.trainee_a, confirmation="tim@example.org")
    assert second.status_code == 302
    page = client.get(second["Location"]).content.decode()
    assert "This person has already been erased." in page
    assert "Erased on" in page
    assert Erasure.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.erased").count() == 1
    api_second = api(
        client,
        "post",
        f"privacy/people/{world.trainee_a.pk}/erasure",
        {"reason": "Again", "confirmation": "tim@example.org"},
    )
    assert api_second.status_code == 409
    assert api_second.json()["code"] == "already_erased"


def test_the_office_cannot_erase_itself(world, client_for):
    office = fresh(world.office)
    response = erase(client_for(office), office)
    assert "You cannot erase yourself" in response.content.decode()


@pytest.mark.parametrize("persona", ["coordinator_a", "supervisor_a", "trainee_a", "board_member"])
def test_only_the_office_opens_a_person_and_erases(world, discontinued, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get("/personal-data/people/").status_code == 403
    assert client.get(f"/personal-data/people/{world.applicant.pk}/").status_code == 403
    assert erase(client, world.applicant).status_code == 403
    answer = api(
        client,
        "post",
        f"privacy/people/{world.applicant.pk}/erasure",
        {"reason": "x", "confirmation": "anna@example.org"},
    )
    assert answer.status_code == 403
    assert User.objects.get(pk=world.applicant.pk).is_active


def test_signed_out_the_office_pages_ask_for_a_sign_in(world, client):
    for response in (
        client.get("/personal-data/people/"),
        client.get(f"/personal-data/people/{world.applicant.pk}/"),
        client.post(f"/personal-data/people/{world.applicant.pk}/", {"reason": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_person_is_404(world, client_for):
    client = client_for(world.office)
    assert client.get("/personal-data/people/999999/").status_code == 404
    assert api(client, "get", "privacy/people/999999").status_code == 404


def test_the_office_finds_people_by_name_or_address(world, client_for):
    client = client_for(world.office)
    response = client.get("/personal-data/people/", {"q": "anna@exa"})
    assert "Anna Applicant" in response.content.decode()
    assert "Tim Trainee" not in response.content.decode()
    assert client.get("/personal-data/people/", {"q": "a\x00b"}).status_code == 200


def test_the_api_shows_the_blockers_and_erases(world, discontinued, client_for):
    client = client_for(world.office)
    shown = api(client, "get", f"privacy/people/{world.trainee_a.pk}").json()
    assert shown["erased"] is False
    assert shown["blockers"] == []
    assert "training" in {c["app"] for c in shown["categories"]}
    answer = api(
        client,
        "post",
        f"privacy/people/{world.trainee_a.pk}/erasure",
        {"reason": "Asked for it.", "confirmation": "tim@example.org"},
    )
    assert answer.status_code == 201
    assert api(client, "get", f"privacy/people/{world.trainee_a.pk}").json()["erased"] is True


def test_the_api_refuses_with_the_blockers(world, graduate, client_for):
    answer = api(
        client_for(world.office),
        "post",
        f"privacy/people/{world.trainee_a.pk}/erasure",
        {"reason": "Asked for it.", "confirmation": "tim@example.org"},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "blocked"
    assert "diploma" in answer.json()["detail"]


def test_the_person_page_costs_the_same_queries_with_a_longer_record(
    world, discontinued, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.office)
    with CaptureQueriesContext(connection) as first:
        assert client.get(f"/personal-data/people/{world.trainee_a.pk}/").status_code == 200
    for n in range(5):  # more feedback, straight into the table (the traineeship has ended)
        Feedback.objects.create(
            traineeship=discontinued,
            author=world.university_supervisor,
            side="university",
            rating=3,
            went_well=f"Entry {n} went well.",
            to_improve="More numbers.",
            next_step="Bring them.",
        ).competencies.set(Feedback.objects.first().competencies.all())
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(f"/personal-data/people/{world.trainee_a.pk}/").status_code == 200


def test_drafts_of_forms_are_in_the_download_and_go_with_the_erasure(
    world, discontinued, client_for
):
    if not hasattr(User, "drafts"):
        pytest.skip("this checkout keeps no drafts of forms")
    trainee = fresh(world.trainee_a)
    trainee.drafts.create(key="feedback/respond/1", data={"body": "Half a reply"})
    archive = unzip(client_for(trainee).post("/personal-data/download/"))
    drafts = json_in(archive, "personal-data.json")["data"]["accounts"][
        "drafts of forms not yet sent"
    ]
    assert drafts[0]["content"] == {"body": "Half a reply"}
    erase(client_for(world.office), world.trainee_a)
    assert not User.objects.get(pk=world.trainee_a.pk).drafts.exists()
