"""Uploaded files: PDF checked by content, size-limited, stored privately, served by a view that
checks the rules. Never from a public URL."""

from __future__ import annotations

import unicodedata

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
    return safe_filename(uploaded.name or "", default="document.pdf", suffix=".pdf")


#: Characters that are not allowed, or mean something, in file names on common systems.
_UNSAFE_IN_NAMES = set('<>:"/\\|?*')


def safe_filename(name: str, *, default: str, suffix: str = "") -> str:
    """A file name to show and to offer as a download name: no path, no control characters, no
    characters that mean something to a shell, a browser or a file system; at most 150
    characters; ending in `suffix`."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(
        "_" if ch in _UNSAFE_IN_NAMES else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C"  # control, format (e.g. right-to-left override)
    )
    name = " ".join(name.split()).strip(" .")[-150:].lstrip(" .")
    if not name:
        name = default
    if suffix and not name.lower().endswith(suffix):
        name += suffix
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
