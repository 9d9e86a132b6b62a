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
from .structure import check_nesting

ATTACHMENT_NAME = "credential.json"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_JSON_BYTES = 2 * 1024 * 1024


def parse_json(data: bytes) -> Any:
    if len(data) > MAX_JSON_BYTES:
        raise CredentialError("the credential is too large", code="too_large")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CredentialError(f"the file is not JSON ({error})", code="not_json") from error
    except RecursionError as error:
        raise CredentialError(
            "the JSON is nested too deeply to be read", code="too_deeply_nested"
        ) from error
    except ValueError as error:  # a number with more digits than Python converts
        raise CredentialError(f"the JSON cannot be read ({error})", code="not_json") from error
    check_nesting(document)
    return document


def credential_from_pdf(data: bytes) -> dict[str, Any]:
    """The one credential attached inside a PDF: `credential.json`, or else the one JSON
    attachment that is a credential.

    Strict: a PDF with more than one credential attached (two files named `credential.json`, or
    another credential beside it) is refused, because a verifier cannot tell which of them the
    PDF stands for, and would otherwise verify one while a reader trusts another.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        # The attachments are inflated when read: read them all here, where a stream that would
        # inflate beyond pypdf's limit (a decompression bomb) is refused like any unreadable PDF.
        attachments = {name: list(contents) for name, contents in reader.attachments.items()}
    except (PyPdfError, ValueError, KeyError, TypeError, MemoryError) as error:
        raise CredentialError(f"the PDF cannot be read ({error})", code="pdf_unreadable") from error
    named: list[Any] = []
    found: list[dict[str, Any]] = []
    for name, contents in attachments.items():
        if name == ATTACHMENT_NAME:
            named.extend(parse_json(content) for content in contents)
            continue
        if not name.lower().endswith((".json", ".jsonld")):
            continue
        for content in contents:
            try:
                document = parse_json(content)
            except CredentialError:
                continue
            if isinstance(document, dict) and "@context" in document and "proof" in document:
                found.append(document)
    count = len(named) + len(found)
    if count > 1:
        raise CredentialError(
            f"the PDF has {count} credentials attached; it must carry exactly one, so that it is "
            "clear which one it stands for",
            code="pdf_several_credentials",
        )
    if named:
        if not isinstance(named[0], dict):
            raise CredentialError(
                f"the attached {ATTACHMENT_NAME} is not a JSON object", code="not_an_object"
            )
        return named[0]
    if found:
        return found[0]
    raise CredentialError("the PDF has no credential attached", code="pdf_without_credential")


def credential_from_bytes(data: bytes) -> dict[str, Any] | Any:
    """A credential from the bytes of an uploaded or given file: a PDF or JSON."""
    if len(data) > MAX_FILE_BYTES:
        raise CredentialError("the file is too large", code="too_large")
    if data.lstrip()[:5] == b"%PDF-":
        return credential_from_pdf(data)
    return parse_json(data)


def credential_from_file(path: str | Path) -> Any:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CredentialError(
            f"cannot read {path}: {error.strerror or error}", code="unreadable_file"
        ) from error
    return credential_from_bytes(data)


def attach_credential(pdf: bytes, credential: dict[str, Any]) -> bytes:
    """The PDF with the credential attached as `credential.json` (for the issuer)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    body = json.dumps(credential, ensure_ascii=False, indent=2).encode("utf-8")
    writer.add_attachment(ATTACHMENT_NAME, body)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
