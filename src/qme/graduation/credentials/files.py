"""Credentials in files: a JSON document, or a PDF with the credential attached inside it.

The diploma PDF carries its signed credential as an embedded file named `credential.json`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from .errors import CredentialError

ATTACHMENT_NAME = "credential.json"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_JSON_BYTES = 2 * 1024 * 1024


def parse_json(data: bytes) -> Any:
    if len(data) > MAX_JSON_BYTES:
        raise CredentialError("the credential is too large")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CredentialError(f"the file is not JSON ({error})") from error


def credential_from_pdf(data: bytes) -> dict[str, Any]:
    """The credential attached inside a PDF: `credential.json`, else the one JSON attachment
    that is a credential."""
    try:
        reader = PdfReader(io.BytesIO(data))
        attachments = reader.attachments
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise CredentialError(f"the PDF cannot be read ({error})") from error
    if ATTACHMENT_NAME in attachments:
        contents = attachments[ATTACHMENT_NAME]
        document = parse_json(contents[0])
        if not isinstance(document, dict):
            raise CredentialError(f"the attached {ATTACHMENT_NAME} is not a JSON object")
        return document
    found = []
    for name, contents in attachments.items():
        if not name.lower().endswith((".json", ".jsonld")):
            continue
        for content in contents:
            try:
                document = parse_json(content)
            except CredentialError:
                continue
            if isinstance(document, dict) and "@context" in document and "proof" in document:
                found.append(document)
    if len(found) == 1:
        return found[0]
    if found:
        raise CredentialError(f"the PDF has {len(found)} credentials attached; expected one")
    raise CredentialError("the PDF has no credential attached")


def credential_from_bytes(data: bytes) -> dict[str, Any] | Any:
    """A credential from the bytes of an uploaded or given file: a PDF or JSON."""
    if len(data) > MAX_FILE_BYTES:
        raise CredentialError("the file is too large")
    if data.lstrip()[:5] == b"%PDF-":
        return credential_from_pdf(data)
    return parse_json(data)


def credential_from_file(path: str | Path) -> Any:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CredentialError(f"cannot read {path}: {error.strerror or error}") from error
    return credential_from_bytes(data)


def attach_credential(pdf: bytes, credential: dict[str, Any]) -> bytes:
    """The PDF with the credential attached as `credential.json` (for the issuer)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    body = json.dumps(credential, ensure_ascii=False, indent=2).encode("utf-8")
    writer.add_attachment(ATTACHMENT_NAME, body)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
