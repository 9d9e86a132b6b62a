"""Applying: an account and a draft from a published position, PDF documents checked by content,
what is still missing, the eligibility check with its reasons, the office admitting an ineligible
application, following and withdrawing it, consent to be kept for a year, and the privacy page."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.core.files import MAX_PDF_BYTES
from qme.positions.models import Position
from qme.selection import services
from qme.selection.models import Application, ApplicationStatus
from tests.helpers import api
from tests.positions.factories import open_position, position_in

from .factories import draft_application, fresh, pdf_upload
from .helpers import error_fields, messages_of, snapshot, text


def _events(application: Application) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type__model="application", target_id=str(application.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


class TestAccountAndDraft:
    def test_it_lets_a_visitor_sign_up_confirm_the_address_and_apply(self, world, client, emails):
        position = open_position(world)
        page = text(client.get(f"/positions/{position.pk}/"))
        assert f"/accounts/signup/?next=/positions/{position.pk}/" in page
        with emails() as sent:
            response = client.post(
                "/accounts/signup/",
                {
                    "email": "noor@example.net",
                    "full_name": "Noor Nieuw",
                    "language": "en",
                    "password1": "a-long-Secret-2026",
                    "password2": "a-long-Secret-2026",
                },
            )
        assert response.status_code == 302
        noor = User.objects.get(email="noor@example.net")
        assert (noor.full_name, noor.language) == ("Noor Nieuw", "en")
        assert not noor.roles.exists()
        [confirmation] = sent
        path = re.search(r"/accounts/confirm-email/[^\s]+", confirmation.body).group(0)
        # Not confirmed: applying is not possible yet.
        response = client.post(f"/positions/{position.pk}/apply/")
        assert response.status_code == 302
        assert not Application.objects.exists()
        client.post(path)
        response = client.post(
            "/accounts/login/", {"login": "noor@example.net", "password": "a-long-Secret-2026"}
        )
        assert response.status_code == 302
        response = client.post(f"/positions/{position.pk}/apply/")
        application = Application.objects.get(applicant=noor)
        assert response["Location"] == f"/applications/{application.pk}/"
        assert application.status == ApplicationStatus.DRAFT
        assert application.position == position
        assert _events(application) == ["application.started"]
        # Applying again opens the same draft.
        response = client.post(f"/positions/{position.pk}/apply/")
        assert response["Location"] == f"/applications/{application.pk}/"
        assert Application.objects.count() == 1

    @pytest.mark.parametrize("status", ["draft", "selection", "cancelled", "filled"])
    def test_it_refuses_to_apply_for_a_position_not_open(self, world, client_for, status):
        position = position_in(world, status)
        client = client_for(world.applicant)
        response = client.post(f"/positions/{position.pk}/apply/", follow=True)
        assert response.status_code in (200, 404)
        assert not Application.objects.exists()

    def test_it_refuses_to_apply_after_the_deadline(self, world, client_for):
        position = open_position(world)
        Position.objects.filter(pk=position.pk).update(
            application_deadline=timezone.localdate() - dt.timedelta(days=1)
        )
        response = client_for(world.applicant).post(f"/positions/{position.pk}/apply/", follow=True)
        assert "not open for applications" in " ".join(messages_of(response))
        assert not Application.objects.exists()

    def test_it_saves_the_draft_and_shows_it_again(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        client = client_for(world.applicant)
        data = {
            "phone": "+31 6 1111 2222",
            "city": "Deventer",
            "master_field": "Technical Medicine",
            "master_university": "University of Twente",
            "master_date": (position.start_date - dt.timedelta(days=30)).isoformat(),
            "dutch_level": "B2+",
            "dutch_evidence_kind": "certificate",
            "dutch_certificate_date": "2024-06-01",
        }
        response = client.post(f"/applications/{application.pk}/edit/", data, follow=True)
        assert "Your application has been saved." in messages_of(response)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT
        assert (application.city, application.dutch_level) == ("Deventer", "B2+")
        assert application.master_date == position.start_date - dt.timedelta(days=30)
        page = text(client.get(f"/applications/{application.pk}/edit/"))
        assert 'value="Deventer"' in page
        assert 'value="Technical Medicine"' in page
        # Still missing: only the documents.
        page = text(client.get(f"/applications/{application.pk}/"))
        assert "Upload your CV (PDF)." in page
        assert "Give the field of your master" not in page
        assert _events(application) == ["application.started", "application.updated"]


class TestDocuments:
    def _upload(self, client, application, kind, upload):
        return client.post(
            f"/applications/{application.pk}/documents/{kind}/upload/",
            {"file": upload},
            follow=True,
        )

    def test_it_stores_a_pdf_by_its_content_privately(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        client = client_for(world.applicant)
        # A PDF whose name does not say so is still a PDF: what counts is the content.
        upload = pdf_upload("my cv")
        response = self._upload(client, application, "cv", upload)
        assert "CV has been uploaded." in messages_of(response)
        application.refresh_from_db()
        assert application.cv.name.startswith(f"private/applications/{position.pk}/")
        assert application.cv.name.endswith(".pdf")
        assert "my cv" not in application.cv.name
        assert f'/applications/{application.pk}/documents/cv/"' in text(
            client.get(f"/applications/{application.pk}/")
        )

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("cv.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "Only PDF"),
            ("cv.pdf", b"#!/bin/sh\nrm -rf /\n", "Only PDF"),
            ("cv.sh", b"#!/bin/sh\necho %PDF-1.4\n", "Only PDF"),
            ("cv.pdf", b"MZ\x90\x00%PDF-1.4", "Only PDF"),
            ("cv.pdf", b"", "Choose a PDF file."),
        ],
    )
    def test_it_refuses_what_is_not_a_pdf_whatever_its_name(
        self, world, client_for, name, content, message
    ):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = self._upload(
            client_for(world.applicant),
            application,
            "cv",
            SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
        assert response.status_code == 200
        assert any(message in m for m in messages_of(response)), messages_of(response)
        assert snapshot() == before

    def test_it_refuses_a_pdf_over_the_size_limit(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        big = b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES
        response = self._upload(
            client_for(world.applicant), application, "motivation", pdf_upload("big.pdf", big)
        )
        assert "The file is larger than 10 MB." in messages_of(response)
        assert snapshot() == before
        # Exactly at the limit is fine.
        exact = b"%PDF-1.4\n" + b"0" * (MAX_PDF_BYTES - 9)
        services.upload_document(
            actor=world.applicant,
            application=application,
            kind="motivation",
            uploaded=pdf_upload("exact.pdf", exact),
        )

    def test_it_replaces_a_document_and_deletes_the_old_file(self, world):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        services.upload_document(
            actor=world.applicant, application=application, kind="cv", uploaded=pdf_upload()
        )
        application.refresh_from_db()
        old = application.cv.path
        services.upload_document(
            actor=world.applicant, application=application, kind="cv", uploaded=pdf_upload()
        )
        application.refresh_from_db()
        assert application.cv.path != old
        assert not os.path.exists(old)
        assert os.path.exists(application.cv.path)

    def test_it_refuses_an_unknown_document_kind(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/documents/passport/upload/", {"file": pdf_upload()}
        )
        assert response.status_code == 404
        with pytest.raises(ActionRefused):
            services.upload_document(
                actor=world.applicant, application=application, kind="photo", uploaded=pdf_upload()
            )

    def test_it_refuses_documents_once_submitted(self, world):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        services.submit_application(actor=world.applicant, application=application)
        before = snapshot()
        with pytest.raises(ActionRefused):
            services.upload_document(
                actor=world.applicant, application=application, kind="cv", uploaded=pdf_upload()
            )
        with pytest.raises(ActionRefused):
            services.update_application(
                actor=world.applicant, application=application, changes={"city": "Elsewhere"}
            )
        assert snapshot() == before


class TestSubmitting:
    def test_it_says_everything_that_is_missing(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        before = snapshot()
        response = client_for(world.applicant).post(
            f"/applications/{application.pk}/submit/", follow=True
        )
        [message] = messages_of(response)
        for expected in (
            "Upload your CV (PDF).",
            "Upload your motivation letter (PDF).",
            "Upload your master's diploma or transcript (PDF).",
            "Give the field of your master's degree.",
            "Give the university of your master's degree.",
            "Give the date (or expected date) of your master's degree.",
            "Give your level of Dutch.",
            "Say how you show your level of Dutch.",
        ):
            assert expected in message
        assert snapshot() == before

    def test_it_asks_for_the_evidence_of_dutch_and_the_certificate_date(self, world):
        position = open_position(world)
        application = draft_application(
            position,
            world.applicant,
            documents=("cv", "motivation", "diploma"),
            dutch_certificate_date=None,
        )
        assert services.missing_for_submission(application) == [
            "Upload the evidence of your Dutch (PDF).",
            "Give the date of your language certificate.",
        ]
        with pytest.raises(ActionRefused) as refusal:
            services.submit_application(actor=world.applicant, application=application)
        assert refusal.value.code == "incomplete"
        # Dutch as a first language needs no document.
        application = services.update_application(
            actor=world.applicant,
            application=application,
            changes={"dutch_evidence_kind": "first_language", "dutch_level": "native"},
        )
        assert services.missing_for_submission(application) == []

    def test_it_submits_a_complete_eligible_application_once(self, world, client_for, emails):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        client = client_for(world.applicant)
        with emails() as sent:
            response = client.post(f"/applications/{application.pk}/submit/", follow=True)
            again = client.post(f"/applications/{application.pk}/submit/", follow=True)
        assert any("has been submitted" in m for m in messages_of(response))
        assert "already been submitted" in " ".join(messages_of(again))
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.submitted_at is not None
        assert application.eligibility_problems == []
        [received] = sent
        assert received.to == ["anna@example.org"]
        assert "We have received your application" in received.subject
        assert _events(application).count("application.submitted") == 1

    def test_it_refuses_to_submit_after_the_deadline(self, world):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        Position.objects.filter(pk=position.pk).update(
            application_deadline=timezone.localdate() - dt.timedelta(days=1)
        )
        with pytest.raises(ActionRefused) as refusal:
            services.submit_application(actor=world.applicant, application=application)
        assert refusal.value.code == "closed"

    def test_it_lets_only_the_applicant_submit(self, world, client_for):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        before = snapshot()
        for person in (world.office, world.coordinator_a):
            response = client_for(person).post(f"/applications/{application.pk}/submit/")
            assert response.status_code in (403, 404)
        assert snapshot() == before


ELIGIBILITY = [
    # (required level, changes, problem or None)
    ("B2+", {}, None),
    ("B2+", {"dutch_level": "B2+"}, None),
    ("B2+", {"dutch_level": "B2"}, "asks for Dutch at level B2+ or higher; you gave B2"),
    ("B2+", {"dutch_level": "B1"}, "asks for Dutch at level B2+ or higher; you gave B1"),
    ("C1", {"dutch_level": "B2+"}, "asks for Dutch at level C1 or higher; you gave B2+"),
    ("C2", {"dutch_level": "C2"}, None),
    ("B2", {"dutch_level": "B2"}, None),
    # NT2 State Exam Programme II is B2, whatever level the applicant states.
    ("B2", {"dutch_evidence_kind": "nt2_ii", "dutch_level": "B2"}, None),
    ("B2", {"dutch_evidence_kind": "nt2_ii", "dutch_level": "B1"}, None),
    ("B2+", {"dutch_evidence_kind": "nt2_ii", "dutch_level": "B2"}, "B2+"),
    ("B2+", {"dutch_evidence_kind": "nt2_ii", "dutch_level": "C1"}, "NT2 Programme II"),
    ("C1", {"dutch_evidence_kind": "nt2_ii", "dutch_level": "C2"}, "NT2 Programme II"),
    # A Dutch-taught degree, or Dutch as first language, meets every level.
    ("C2", {"dutch_evidence_kind": "dutch_degree", "dutch_level": "B1"}, None),
    ("C2", {"dutch_evidence_kind": "first_language", "dutch_level": "native"}, None),
    ("B2+", {"dutch_evidence_kind": "first_language", "dutch_level": "A2"}, None),
]


class TestEligibility:
    @pytest.mark.parametrize(("required", "changes", "problem"), ELIGIBILITY)
    def test_it_checks_dutch_against_the_positions_level(self, world, required, changes, problem):
        position = open_position(world)
        Position.objects.filter(pk=position.pk).update(required_dutch_level=required)
        position.refresh_from_db()
        application = draft_application(position, world.applicant, **changes)
        application = services.submit_application(actor=world.applicant, application=application)
        if problem is None:
            assert application.status == ApplicationStatus.SUBMITTED
            assert application.eligibility_problems == []
        else:
            assert application.status == ApplicationStatus.INELIGIBLE
            [found] = application.eligibility_problems
            assert problem in found
            assert required in found

    def test_it_asks_for_b2_plus_by_default(self, world):
        assert open_position(world).required_dutch_level == "B2+"

    def test_it_lets_the_office_set_the_level_per_position_for_applicants_to_read(
        self, world, client_for, client
    ):
        position = open_position(world)
        other = open_position(world)
        office = client_for(world.office)
        response = api(office, "patch", f"positions/{position.pk}", {"required_dutch_level": "C1"})
        assert response.status_code == 200
        assert response.json()["required_dutch_level"] == "C1"
        assert error_fields(
            api(office, "patch", f"positions/{position.pk}", {"required_dutch_level": "A1"})
        ) == {"required_dutch_level"}
        page = text(office.get(f"/manage/positions/{other.pk}/edit/"))
        assert 'name="required_dutch_level"' in page
        data = {
            "title_nl": other.title_nl,
            "title_en": other.title_en,
            "description_nl": other.description_nl,
            "description_en": other.description_en,
            "start_date": other.start_date.isoformat(),
            "application_deadline": other.application_deadline.isoformat(),
            "required_dutch_level": "C2",
        }
        assert office.post(f"/manage/positions/{other.pk}/edit/", data).status_code == 302
        assert Position.objects.get(pk=other.pk).required_dutch_level == "C2"
        office.logout()
        page = text(client.get(f"/positions/{position.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
        assert "At least C1 (CEFR)" in page
        assert api(client, "get", "open-positions").json()["items"][0]["required_dutch_level"]
        # The applicant's B2+ no longer suffices here.
        position.refresh_from_db()
        translation.activate("en")  # the visitor's request spoke Dutch
        application = draft_application(position, world.applicant, dutch_level="B2+")
        application = services.submit_application(actor=world.applicant, application=application)
        assert application.eligibility_problems == [
            "This position asks for Dutch at level C1 or higher; you gave B2+."
        ]

    @pytest.mark.parametrize(("days", "eligible"), [(-1, True), (0, True), (1, False)])
    def test_it_wants_the_masters_degree_by_the_start_date(self, world, days, eligible):
        position = open_position(world)
        expected = position.start_date + dt.timedelta(days=days)
        application = draft_application(
            position, world.applicant, master_date=expected, master_completed=False
        )
        application = services.submit_application(actor=world.applicant, application=application)
        if eligible:
            assert application.status == ApplicationStatus.SUBMITTED
        else:
            assert application.status == ApplicationStatus.INELIGIBLE
            assert application.eligibility_problems == [
                f"Your master's degree ({expected.isoformat()}) is expected after the start "
                f"of the position ({position.start_date.isoformat()})."
            ]

    def test_it_gives_every_reason_of_ineligibility_on_the_page_and_by_email(
        self, world, client_for, emails
    ):
        position = open_position(world)
        late = position.start_date + dt.timedelta(days=30)
        application = draft_application(
            position, world.applicant, master_date=late, dutch_level="B1"
        )
        client = client_for(world.applicant)
        with emails() as sent:
            client.post(f"/applications/{application.pk}/submit/")
        application.refresh_from_db()
        assert application.status == ApplicationStatus.INELIGIBLE
        assert len(application.eligibility_problems) == 2
        page = text(client.get(f"/applications/{application.pk}/"))
        [message] = sent
        assert "not eligible yet" in message.subject
        for problem in application.eligibility_problems:
            assert problem.replace("'", "&#x27;") in page
            assert problem in message.body
        assert "asks for Dutch at level B2+ or higher; you gave B1" in message.body
        assert late.isoformat() in message.body
        assert _events(application)[-1] == "application.ineligible"

    def test_it_lets_an_ineligible_applicant_correct_and_submit_again(self, world):
        position = open_position(world)
        application = draft_application(position, world.applicant, dutch_level="B1")
        application = services.submit_application(actor=world.applicant, application=application)
        assert application.status == ApplicationStatus.INELIGIBLE
        services.update_application(
            actor=world.applicant, application=application, changes={"dutch_level": "C1"}
        )
        application = services.submit_application(actor=world.applicant, application=application)
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.eligibility_problems == []


class TestAdmitting:
    def _ineligible(self, world) -> Application:
        position = open_position(world)
        application = draft_application(position, world.applicant, dutch_level="B2")
        return services.submit_application(actor=world.applicant, application=application)

    def test_it_lets_the_office_admit_an_ineligible_application_with_a_written_reason(
        self, world, client_for, emails
    ):
        application = self._ineligible(world)
        client = client_for(world.office)
        page = text(client.get(f"/selection/candidates/{application.pk}/"))
        assert "Admit to the procedure" in page
        before = snapshot()
        response = client.post(
            f"/selection/candidates/{application.pk}/admit/", {"reason": "   "}, follow=True
        )
        assert "Give a reason." in messages_of(response)
        assert snapshot() == before
        with emails() as sent:
            response = client.post(
                f"/selection/candidates/{application.pk}/admit/",
                {"reason": "B2 with an excellent interview record in Dutch."},
                follow=True,
            )
        assert "admitted to the procedure" in " ".join(messages_of(response))
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.admitted_by == world.office
        assert application.admitted_reason == "B2 with an excellent interview record in Dutch."
        event = AuditEvent.objects.get(action="application.admitted")
        assert event.actor == world.office
        assert event.reason == "B2 with an excellent interview record in Dutch."
        [message] = sent
        assert message.to == ["anna@example.org"]
        assert "Submitted" in message.subject

    def test_it_lets_nobody_else_admit_and_only_an_ineligible_one(self, world, client_for):
        application = self._ineligible(world)
        before = snapshot()
        for person in (world.coordinator_a, world.applicant, world.university_supervisor):
            response = client_for(person).post(
                f"/selection/candidates/{application.pk}/admit/", {"reason": "Because."}
            )
            assert response.status_code in (403, 404)
            with pytest.raises(Exception):  # noqa: B017,PT011 - PermissionDenied
                services.admit_application(
                    actor=fresh(person), application=application, reason="Because."
                )
        assert snapshot() == before
        services.admit_application(actor=world.office, application=application, reason="Fine.")
        with pytest.raises(ActionRefused) as refusal:
            services.admit_application(actor=world.office, application=application, reason="Again")
        assert refusal.value.code == "invalid_state"


class TestFollowingAndWithdrawing:
    def test_it_shows_the_applicant_the_status_of_each_application(self, world, client_for):
        first = open_position(world, title_en="Closed-loop ventilation")
        second = open_position(world, title_en="Smart infusion pumps")
        draft = services.start_application(actor=world.applicant, position=first)
        submitted = draft_application(second, world.applicant)
        services.submit_application(actor=world.applicant, application=submitted)
        page = text(client_for(world.applicant).get("/applications/"))
        assert "Closed-loop ventilation" in page
        assert "Smart infusion pumps" in page
        assert f'/applications/{draft.pk}/"' in page
        assert "status-draft" in page
        assert "status-submitted" in page
        page = text(client_for(world.applicant).get(f"/applications/{submitted.pk}/"))
        assert "You submitted your application." in page  # the history, in plain words

    def test_it_lets_the_applicant_withdraw_with_an_optional_reason(self, world, client_for):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        services.submit_application(actor=world.applicant, application=application)
        client = client_for(world.applicant)
        assert client.get(f"/applications/{application.pk}/withdraw/").status_code == 200
        response = client.post(
            f"/applications/{application.pk}/withdraw/",
            {"reason": "I accepted another job."},
            follow=True,
        )
        assert "Your application has been withdrawn." in messages_of(response)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.WITHDRAWN
        assert application.status_reason == "I accepted another job."
        before = snapshot()
        response = client.post(
            f"/applications/{application.pk}/withdraw/", {"reason": ""}, follow=True
        )
        assert "cannot become" in " ".join(messages_of(response))
        assert snapshot() == before

    def test_it_lets_nobody_else_withdraw_an_application(self, world, client_for):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        services.submit_application(actor=world.applicant, application=application)
        before = snapshot()
        response = client_for(world.office).post(f"/applications/{application.pk}/withdraw/")
        assert response.status_code == 404
        assert snapshot() == before


class TestConsentAndPrivacy:
    def test_it_records_consent_and_its_withdrawal(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        assert not application.keep_for_a_year
        client = client_for(world.applicant)
        response = client.post(
            f"/applications/{application.pk}/consent/", {"keep_for_a_year": "yes"}, follow=True
        )
        assert "Your choice has been recorded." in messages_of(response)
        application.refresh_from_db()
        assert application.keep_for_a_year
        given_at = application.consent_recorded_at
        assert given_at is not None
        assert "Withdraw my consent" in text(response)
        client.post(f"/applications/{application.pk}/consent/", {"keep_for_a_year": "no"})
        application.refresh_from_db()
        assert not application.keep_for_a_year
        assert application.consent_recorded_at >= given_at
        assert _events(application) == [
            "application.started",
            "application.consent_given",
            "application.consent_withdrawn",
        ]

    def test_it_lets_consent_change_after_submission_and_in_the_form(self, world):
        position = open_position(world)
        application = draft_application(position, world.applicant, keep_for_a_year=True)
        assert application.keep_for_a_year
        assert application.consent_recorded_at is not None
        services.submit_application(actor=world.applicant, application=application)
        application = services.set_consent(
            actor=world.applicant, application=application, keep_for_a_year=False
        )
        assert not application.keep_for_a_year

    def test_it_lets_only_the_applicant_change_the_consent(self, world, client_for):
        position = open_position(world)
        application = draft_application(position, world.applicant)
        services.submit_application(actor=world.applicant, application=application)
        before = snapshot()
        response = client_for(world.office).post(
            f"/applications/{application.pk}/consent/", {"keep_for_a_year": "yes"}
        )
        assert response.status_code in (302, 403)
        assert snapshot() == before

    def test_it_shows_the_privacy_statement_to_anyone(self, client):
        response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        page = text(response)
        assert "four weeks" in page
        assert "one year" in page
        assert "What we keep" in page

    def test_it_links_the_privacy_statement_from_the_application_page(self, world, client_for):
        position = open_position(world)
        application = services.start_application(actor=world.applicant, position=position)
        assert "/privacy/" in text(
            client_for(world.applicant).get(f"/applications/{application.pk}/")
        )
