"""Completing an item: the trainee records it with its evidence; the responsible supervisor or the
programme office signs it off or sends it back with a comment. Sign-off works from the link in
the e-mail, in two taps for a supervisor who is signed in; the link alone never signs anything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.training import selectors, services
from qme.training.models import ItemRecord, RecordStatus
from tests.factories import PASSWORD

from .factories import (
    approved_plan,
    complete_plan,
    html_as_pdf,
    item_titled,
    pdf_upload,
    recorded,
    traineeship_of,
)
from .helpers import link_in, messages_of, snapshot, text

COURSE = "Medical device regulation"
CLINICAL = "Clinical project: dose audit"


@pytest.fixture
def plan(traineeship, catalogue):
    return approved_plan(traineeship, catalogue)


def _record_url(traineeship, item) -> str:
    return f"/training/{traineeship.pk}/items/{item.pk}/record/"


class TestRecording:
    def test_the_trainee_records_a_course_with_a_certificate(
        self, world, client_for, traineeship, plan, emails
    ):
        item = item_titled(plan, COURSE)
        client = client_for(world.trainee_a)
        detail = text(client.get(f"/training/{traineeship.pk}/"))
        assert _record_url(traineeship, item) in detail
        done = timezone.localdate() - dt.timedelta(days=2)
        with emails() as sent:
            response = client.post(
                _record_url(traineeship, item),
                {
                    "completed_on": done.isoformat(),
                    "grade": " 8.5 ",
                    "note": "Exam passed.",
                    "evidence": pdf_upload("certificate MDR.pdf"),
                },
                follow=True,
            )
        assert "Recorded. Your supervisor has been asked to sign it off." in messages_of(response)
        record = ItemRecord.objects.get(traineeship=traineeship)
        assert (record.item_key, record.title, record.completed_on) == (item.key, COURSE, done)
        assert (record.grade, record.status) == ("8.5", RecordStatus.RECORDED)
        assert record.evidence.name.startswith(f"private/evidence/{traineeship.pk}/")
        assert record.evidence.read().startswith(b"%PDF-")
        # The university supervisor answers for courses.
        [message] = sent
        assert message.to == ["ulla@example.org"]
        assert message.subject.endswith(f"Please sign off: {COURSE} (Tim Trainee)")
        assert "5.0 EC" in message.body
        assert link_in(message) == f"/training/records/{record.pk}/"
        assert "The link itself signs nothing" in message.body

    def test_the_hospital_supervisor_answers_for_a_clinical_project(
        self, world, traineeship, plan, emails
    ):
        with emails() as sent:
            recorded(traineeship, item_titled(plan, CLINICAL), completed_on=timezone.localdate())
        assert [m.to for m in sent] == [["sara@example.org"]]

    def test_html_that_calls_itself_a_pdf_is_refused(self, world, client_for, traineeship, plan):
        item = item_titled(plan, COURSE)
        before = snapshot()
        response = client_for(world.trainee_a).post(
            _record_url(traineeship, item),
            {"completed_on": timezone.localdate().isoformat(), "evidence": html_as_pdf()},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["evidence"] == [
            "Only PDF files can be uploaded here."
        ]
        assert snapshot() == before

    def test_the_evidence_is_private_to_the_people_of_the_traineeship(
        self, world, client_for, traineeship, plan
    ):
        record = recorded(traineeship, item_titled(plan, COURSE))
        url = f"/training/records/{record.pk}/evidence/"
        for persona in ["trainee_a", "university_supervisor", "supervisor_a", "office"]:
            response = client_for(getattr(world, persona)).get(url)
            assert response.status_code == 200, persona
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        for persona in ["coordinator_b", "applicant"]:
            assert client_for(getattr(world, persona)).get(url).status_code == 404, persona

    def test_it_records_items_of_the_approved_plan_only(self, world, catalogue, traineeship):
        draft = complete_plan(traineeship, catalogue)
        with pytest.raises(ActionRefused, match="approved plan"):
            recorded(traineeship, item_titled(draft, COURSE))
        assert not ItemRecord.objects.exists()

    def test_it_refuses_a_date_in_the_future(self, world, client_for, traineeship, plan):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            _record_url(traineeship, item_titled(plan, COURSE)),
            {"completed_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
        )
        assert response.context["form"].errors["completed_on"] == [
            "The date cannot be in the future."
        ]
        assert snapshot() == before

    def test_recording_twice_records_once(self, world, client_for, traineeship, plan, emails):
        item = item_titled(plan, COURSE)
        client = client_for(world.trainee_a)
        data = {"completed_on": timezone.localdate().isoformat(), "grade": "7"}
        with emails() as sent:
            client.post(_record_url(traineeship, item), data)
            response = client.post(_record_url(traineeship, item), data)
        assert "This item has already been recorded." in text(response)
        assert ItemRecord.objects.count() == 1
        assert len(sent) == 1

    @pytest.mark.parametrize("persona", ["university_supervisor", "office", "coordinator_a"])
    def test_only_the_trainee_records(self, world, client_for, traineeship, plan, persona):
        item = item_titled(plan, COURSE)
        client = client_for(getattr(world, persona))
        assert client.get(_record_url(traineeship, item)).status_code == 403
        with pytest.raises(PermissionDenied):
            services.record_completion(
                actor=getattr(world, persona),
                traineeship=traineeship,
                item=item,
                completed_on=timezone.localdate(),
            )
        assert not ItemRecord.objects.exists()

    def test_an_item_of_another_traineeship_is_not_found(
        self, world, client_for, catalogue, traineeship, plan
    ):
        other = traineeship_of(world, trainee=world.applicant, hospital=world.hospital_b)
        other_plan = complete_plan(other, catalogue)
        response = client_for(world.trainee_a).get(
            _record_url(traineeship, other_plan.items.first())
        )
        assert response.status_code == 404


class TestSigningOff:
    def test_a_supervisor_signs_off_from_the_link_in_the_email(
        self, world, client_for, traineeship, plan, emails
    ):
        with emails() as sent:
            record = recorded(traineeship, item_titled(plan, COURSE))
        link = link_in(sent[0])
        client = client_for(world.university_supervisor)

        # Opening the link shows the record and the buttons, and signs nothing.
        page = text(client.get(link))
        assert COURSE in page
        assert "Tim Trainee" in page
        assert 'value="sign_off"' in page
        assert 'value="send_back"' in page
        assert f"/training/records/{record.pk}/evidence/" in page
        record.refresh_from_db()
        assert record.status == RecordStatus.RECORDED
        assert not AuditEvent.objects.filter(action="item.signed_off").exists()

        # The second tap signs off.
        with emails() as sent:
            response = client.post(link, {"action": "sign_off"}, follow=True)
        assert "Signed off. Thank you!" in messages_of(response)
        assert 'value="sign_off"' not in text(response)
        record.refresh_from_db()
        assert (record.status, record.decided_by) == (
            RecordStatus.SIGNED_OFF,
            world.university_supervisor,
        )
        [message] = sent
        assert message.to == ["tim@example.org"]
        assert message.subject.endswith(f"Signed off: {COURSE}")
        assert selectors.progress(traineeship).earned == Decimal(5)

    def test_a_get_of_the_link_never_signs_anything(self, world, client, traineeship, plan):
        record = recorded(traineeship, item_titled(plan, COURSE))
        url = f"/training/records/{record.pk}/"
        for person in [world.university_supervisor, world.office, None]:
            if person:
                client.force_login(person)
            else:
                client.logout()
            before = snapshot()
            client.get(url)
            client.get(url + "?action=sign_off")
            client.head(url)
            assert snapshot() == before
            record.refresh_from_db()
            assert record.status == RecordStatus.RECORDED

    def test_someone_signed_out_signs_in_and_comes_back(self, world, client, traineeship, plan):
        record = recorded(traineeship, item_titled(plan, COURSE))
        url = f"/training/records/{record.pk}/"
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
        response = client.post(
            "/accounts/login/",
            {"login": "ulla@example.org", "password": PASSWORD, "next": url},
        )
        assert response.status_code == 302
        assert response["Location"] == url
        assert 'value="sign_off"' in text(client.get(url))
        record.refresh_from_db()
        assert record.status == RecordStatus.RECORDED

    def test_the_office_signs_off_too(self, world, client_for, traineeship, plan):
        record = recorded(traineeship, item_titled(plan, CLINICAL))
        client_for(world.office).post(f"/training/records/{record.pk}/", {"action": "sign_off"})
        record.refresh_from_db()
        assert (record.status, record.decided_by) == (RecordStatus.SIGNED_OFF, world.office)

    @pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a"])
    def test_people_who_may_look_see_no_buttons_and_cannot_sign(
        self, world, client_for, traineeship, plan, persona
    ):
        record = recorded(traineeship, item_titled(plan, COURSE))
        client = client_for(getattr(world, persona))
        url = f"/training/records/{record.pk}/"
        page = text(client.get(url))
        assert COURSE in page
        assert 'value="sign_off"' not in page
        before = snapshot()
        assert client.post(url, {"action": "sign_off"}).status_code == 403
        assert client.post(url, {"action": "send_back", "comment": "No."}).status_code == 403
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
    def test_others_get_a_404(self, world, client_for, traineeship, plan, persona):
        record = recorded(traineeship, item_titled(plan, COURSE))
        client = client_for(getattr(world, persona))
        before = snapshot()
        assert client.get(f"/training/records/{record.pk}/").status_code == 404
        assert (
            client.post(f"/training/records/{record.pk}/", {"action": "sign_off"}).status_code
            == 404
        )
        assert snapshot() == before

    def test_signing_off_twice_signs_once(self, world, client_for, traineeship, plan, emails):
        record = recorded(traineeship, item_titled(plan, COURSE))
        client = client_for(world.university_supervisor)
        url = f"/training/records/{record.pk}/"
        with emails() as sent:
            client.post(url, {"action": "sign_off"})
            response = client.post(url, {"action": "sign_off"}, follow=True)
        assert "This item has already been signed off." in messages_of(response)
        assert len(sent) == 1
        assert AuditEvent.objects.filter(action="item.signed_off").count() == 1


class TestSendingBack:
    def test_sent_back_with_a_comment_and_recorded_again(
        self, world, client_for, own_client, traineeship, plan, emails
    ):
        item = item_titled(plan, COURSE)
        record = recorded(traineeship, item)
        first_evidence = record.evidence.name
        ulla = own_client(world.university_supervisor)
        url = f"/training/records/{record.pk}/"
        before = snapshot()
        response = ulla.post(url, {"action": "send_back", "comment": "  "}, follow=True)
        assert "Say what is missing." in messages_of(response)
        assert snapshot() == before

        with emails() as sent:
            response = ulla.post(
                url,
                {"action": "send_back", "comment": "The certificate is of another course."},
                follow=True,
            )
        assert "Sent back to the trainee with your comment." in messages_of(response)
        record.refresh_from_db()
        assert record.status == RecordStatus.SENT_BACK
        assert record.comment == "The certificate is of another course."
        [message] = sent
        assert message.to == ["tim@example.org"]
        assert "The certificate is of another course." in message.body
        with pytest.raises(ActionRefused):
            services.sign_off(actor=world.university_supervisor, record=record)

        # The trainee sees the comment and records it again, with the right certificate.
        trainee = own_client(world.trainee_a)
        assert "The certificate is of another course." in text(trainee.get(url))
        assert _record_url(traineeship, item) in text(trainee.get(f"/training/{traineeship.pk}/"))
        with emails() as sent:
            trainee.post(
                _record_url(traineeship, item),
                {
                    "completed_on": timezone.localdate().isoformat(),
                    "evidence": pdf_upload("right certificate.pdf"),
                },
            )
        record.refresh_from_db()
        assert record.status == RecordStatus.RECORDED
        assert record.evidence.name != first_evidence
        assert record.decided_by is None
        assert ItemRecord.objects.count() == 1
        assert [m.to for m in sent] == [["ulla@example.org"]]
        services.sign_off(actor=world.university_supervisor, record=record)
        record.refresh_from_db()
        assert record.status == RecordStatus.SIGNED_OFF

    def test_a_signed_off_item_is_not_sent_back(self, world, traineeship, plan):
        record = recorded(traineeship, item_titled(plan, COURSE))
        services.sign_off(actor=world.supervisor_a, record=record)
        with pytest.raises(ActionRefused, match="not waiting for sign-off"):
            services.send_back(actor=world.university_supervisor, record=record, comment="Oops")
        with pytest.raises(ActionRefused, match="already been recorded"):
            recorded(traineeship, item_titled(plan, COURSE))
