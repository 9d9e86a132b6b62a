"""Uploaded files: PDF checked by content, size-limited, stored privately, served by a view that
checks the rules. Never from a public URL."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_PDF_BYTES = 10 * 1024 * 1024


def is_pdf(uploaded: UploadedFile) -> bool:
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(0)
    return head.startswith(b"%PDF-")


def validate_pdf(
    uploaded: UploadedFile, *, field: str = "file", max_bytes: int = MAX_PDF_BYTES
) -> str:
    """Raise a field error unless the upload is a PDF within the limit; returns a safe name."""
    if not uploaded.size:
        raise ValidationError({field: _("The file is empty.")})
    if uploaded.size > max_bytes:
        raise ValidationError(
            {field: _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}}
        )
    if not is_pdf(uploaded):
        raise ValidationError({field: _("Only PDF files can be uploaded here.")})
    name = (uploaded.name or "document.pdf").replace("/", "_").replace("\\", "_").strip()[-150:]
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def private_file_response(file: FieldFile, filename: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
