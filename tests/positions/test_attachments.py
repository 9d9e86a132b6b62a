"""Attachments are PDF files, judged by their content, and are served only through the checked
view: as a download, never from a public URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qme.audit.models import AuditEvent
from qme.positions import services
from qme.positions.models import RequestAttachment
from tests.helpers import page_text

from .factories import PDF_BYTES, draft_request, pdf_upload, submitted_request
from .helpers import messages_of, snapshot


def _files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload(client, request, upload):
    return client.post(f"/requests/{request.pk}/attachments/", {"file": upload}, follow=True)


class TestUploading:
    def test_it_attaches_a_pdf(self, world, client_for):
        request = draft_request(world)
        response = _upload(client_for(world.coordinator_a), request, pdf_upload("Budget 2031.pdf"))
        assert messages_of(response) == ["The file has been attached."]
        attachment = RequestAttachment.objects.get()
        assert attachment.original_name == "Budget 2031.pdf"
        assert attachment.size == len(PDF_BYTES)
        assert attachment.uploaded_by == world.coordinator_a
        assert attachment.file.name.startswith(f"private/requests/{request.pk}/")
        assert attachment.file.name.endswith(".pdf")
        assert "Budget" not in attachment.file.name
        assert AuditEvent.objects.get(action="request.attachment_added").data == {
            "file": "Budget 2031.pdf"
        }
        assert "Budget 2031.pdf" in page_text(response)

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("x.pdf", b"<html><body><script>alert(document.cookie)</script></body></html>"),
            ("x.pdf", b"<!DOCTYPE html><p>%PDF-1.4 hidden further on</p>"),
            ("x.pdf", b"MZ\x90\x00\x03 an executable"),
            ("x.pdf", b"\x89PNG\r\n\x1a\n"),
            ("budget.docx", b"PK\x03\x04 a word file"),
        ],
    )
    def test_it_refuses_a_file_that_is_not_a_pdf_by_its_content(
        self, world, client_for, name, content
    ):
        request = draft_request(world)
        before = snapshot()
        response = _upload(
            client_for(world.coordinator_a),
            request,
            SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
        assert messages_of(response) == ["Only PDF files can be attached."]
        assert snapshot() == before
        assert _files_on_disk() == []

    def test_it_refuses_an_empty_file(self, world, client_for):
        request = draft_request(world)
        before = snapshot()
        response = _upload(client_for(world.coordinator_a), request, pdf_upload(content=b""))
        assert response.status_code == 200
        assert messages_of(response)
        assert snapshot() == before

    def test_it_refuses_a_file_over_the_size_limit(self, world, client_for):
        request = draft_request(world)
        too_big = PDF_BYTES + b"0" * (services.MAX_ATTACHMENT_BYTES - len(PDF_BYTES) + 1)
        before = snapshot()
        response = _upload(client_for(world.coordinator_a), request, pdf_upload(content=too_big))
        assert messages_of(response) == ["The file is larger than 10 MB."]
        assert snapshot() == before
        assert _files_on_disk() == []

    def test_it_accepts_a_file_of_exactly_the_limit(self, world):
        request = draft_request(world)
        exact = PDF_BYTES + b"0" * (services.MAX_ATTACHMENT_BYTES - len(PDF_BYTES))
        attachment = services.add_attachment(
            actor=world.coordinator_a, request=request, uploaded=pdf_upload(content=exact)
        )
        assert attachment.size == services.MAX_ATTACHMENT_BYTES

    def test_it_refuses_an_eleventh_attachment(self, world, client_for):
        request = draft_request(world)
        for n in range(services.MAX_ATTACHMENTS):
            services.add_attachment(
                actor=world.coordinator_a, request=request, uploaded=pdf_upload(f"{n}.pdf")
            )
        before = snapshot()
        response = _upload(client_for(world.coordinator_a), request, pdf_upload("11.pdf"))
        assert messages_of(response) == ["A request can have at most 10 attachments."]
        assert snapshot() == before

    def test_it_keeps_a_hostile_file_name_out_of_the_path(self, world):
        request = draft_request(world)
        attachment = services.add_attachment(
            actor=world.coordinator_a,
            request=request,
            uploaded=pdf_upload("../../../etc/passwd"),
        )
        assert "/" not in attachment.original_name
        assert attachment.original_name.endswith(".pdf")
        assert attachment.file.name.startswith(f"private/requests/{request.pk}/")
        [stored] = _files_on_disk()
        assert Path(settings.MEDIA_ROOT) in stored.parents

    def test_it_asks_for_a_file(self, world, client_for):
        request = draft_request(world)
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/attachments/", {}, follow=True
        )
        assert response.status_code == 200
        assert messages_of(response)
        assert snapshot() == before

    def test_it_refuses_an_attachment_to_a_submitted_request(self, world, client_for):
        request = submitted_request(world)
        before = snapshot()
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/attachments/", {"file": pdf_upload()}
        )
        assert response.status_code == 403
        assert snapshot() == before
        response = client_for(world.office).post(
            f"/requests/{request.pk}/attachments/", {"file": pdf_upload()}
        )
        assert response.status_code == 403
        assert snapshot() == before

    def test_it_removes_an_attachment_and_its_file(self, world, client_for):
        request = draft_request(world)
        attachment = services.add_attachment(
            actor=world.coordinator_a, request=request, uploaded=pdf_upload()
        )
        response = client_for(world.coordinator_a).post(
            f"/requests/{request.pk}/attachments/{attachment.pk}/delete/", follow=True
        )
        assert messages_of(response) == ["The file has been removed."]
        assert RequestAttachment.objects.count() == 0
        assert _files_on_disk() == []
        assert AuditEvent.objects.filter(action="request.attachment_removed").count() == 1


class TestDownloading:
    @pytest.fixture
    def attachment(self, world):
        request = draft_request(world)
        attachment = services.add_attachment(
            actor=world.coordinator_a, request=request, uploaded=pdf_upload("plan <b>.pdf")
        )
        services.submit_request(actor=world.coordinator_a, request=request)
        return attachment

    def test_it_serves_the_file_as_a_pdf_download(self, world, client_for, attachment):
        url = f"/requests/{attachment.request_id}/attachments/{attachment.pk}/"
        response = client_for(world.office).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "plan" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF_BYTES

    def test_it_never_serves_the_file_from_a_public_url(
        self, world, client, client_for, attachment
    ):
        stored = attachment.file.name
        for url in (
            attachment.file.url,
            f"/{stored}",
            f"/media/{stored}",
            f"{settings.MEDIA_URL}{stored}",
        ):
            assert client.get(url).status_code == 404, url
            assert client_for(world.coordinator_a).get(url).status_code == 404, url

    def test_it_answers_404_for_a_file_missing_on_disk(self, world, client_for, attachment):
        Path(attachment.file.path).unlink()
        url = f"/requests/{attachment.request_id}/attachments/{attachment.pk}/"
        assert client_for(world.office).get(url).status_code == 404

    def test_it_answers_404_for_an_unknown_attachment(self, world, client_for, attachment):
        client = client_for(world.office)
        for url in (
            f"/requests/{attachment.request_id}/attachments/999999/",
            f"/requests/{attachment.request_id}/attachments/99999999999999999999/",
            f"/requests/999999/attachments/{attachment.pk}/",
        ):
            assert client.get(url).status_code == 404, url
