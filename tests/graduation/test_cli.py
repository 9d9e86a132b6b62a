"""`qme verify FILE [--status-list FILE]`: one line, and the exit code 0, 1, 2 or 3."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from pypdf import PdfWriter

from qme.graduation.credentials import (
    CredentialError,
    KeyRegistry,
    attach_credential,
    credential_from_bytes,
    credential_from_pdf,
    to_multikey,
)

from .builders import ISSUER, diploma, signed

CREDENTIALS = Path(__file__).parent / "conformance" / "credentials"
SIMPLE = CREDENTIALS / "valid" / "simple.json"
REVOKED = CREDENTIALS / "revoked" / "credential-status-revoked.json"
STATUS_LIST = CREDENTIALS / "revoked" / "status-list.json"


OUR_KEY = Ed25519PrivateKey.generate()


def registry_for_tests() -> KeyRegistry:
    return KeyRegistry({ISSUER: {f"{ISSUER}#key-1": OUR_KEY.public_key()}})


@pytest.fixture(autouse=True)
def _no_installed_keys(settings):
    """The command asks the installation for its own keys (GRADUATION_KEY_RESOLVER); these tests
    run without a database, on the public material, unless they name a registry themselves."""
    settings.GRADUATION_KEY_RESOLVER = None


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify", *args, stdout=out)
    return exited.value.code, out.getvalue()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_valid():
    code, out = run(str(SIMPLE))
    assert code == 0
    assert out.startswith("VALID: 'Teamwork Badge' issued by Example Corp")
    assert out.count("\n") == 1


@pytest.mark.parametrize("name", sorted(p.name for p in (CREDENTIALS / "invalid").glob("*.json")))
def test_invalid(name):
    code, out = run(str(CREDENTIALS / "invalid" / name))
    assert code == 1
    assert out.startswith("INVALID: ")
    assert out.count("\n") == 1


def test_revoked_with_the_status_list():
    code, out = run(str(REVOKED), "--status-list", str(STATUS_LIST))
    assert code == 2
    assert out.startswith("REVOKED: the issuer has revoked it: bit 23 of the status list")


def test_status_unknown_without_it():
    code, out = run(str(REVOKED))
    assert code == 3
    assert out.startswith(
        "STATUS UNKNOWN: signature and dates are valid, but no status list at hand"
    )


def test_an_unreadable_status_list_file_is_named(tmp_path):
    broken = tmp_path / "list.json"
    broken.write_text("{")
    code, out = run(str(REVOKED), "--status-list", str(broken))
    assert code == 3
    assert "the status list file cannot be used: the file is not JSON" in out


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not json", "the file is not JSON"), (b"[1, 2]", "a credential must be a JSON object")],
)
def test_a_file_that_is_no_credential_is_invalid(tmp_path, content, reason):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    code, out = run(str(path))
    assert code == 1
    assert out.startswith(f"INVALID: {reason}")


def test_a_missing_file_is_invalid(tmp_path):
    code, out = run(str(tmp_path / "nowhere.json"))
    assert code == 1
    assert out.startswith("INVALID: cannot read")


def test_a_pdf_with_the_credential_attached(tmp_path):
    pdf = tmp_path / "diploma.pdf"
    pdf.write_bytes(attach_credential(blank_pdf(), json.loads(SIMPLE.read_text())))
    code, out = run(str(pdf))
    assert code == 0, out
    assert out.startswith("VALID: ")


def test_a_pdf_with_a_changed_credential_attached(tmp_path):
    key = Ed25519PrivateKey.generate()
    credential = signed(diploma(status_index=None), key)
    credential["credentialSubject"]["name"] = "Someone Else"
    pdf = tmp_path / "diploma.pdf"
    pdf.write_bytes(attach_credential(blank_pdf(), credential))
    code, out = run(str(pdf))
    assert code == 1
    assert "signature does not match" in out


def test_a_pdf_without_a_credential(tmp_path):
    pdf = tmp_path / "plain.pdf"
    pdf.write_bytes(blank_pdf())
    code, out = run(str(pdf))
    assert code == 1
    assert out == "INVALID: the PDF has no credential attached\n"


def test_the_credential_is_found_under_another_json_name():
    writer = PdfWriter(clone_from=io.BytesIO(blank_pdf()))
    writer.add_attachment("notes.txt", b"hello")
    writer.add_attachment("diploma-credential.json", SIMPLE.read_bytes())
    out = io.BytesIO()
    writer.write(out)
    assert credential_from_pdf(out.getvalue())["name"] == "Teamwork Badge"
    assert credential_from_bytes(out.getvalue())["name"] == "Teamwork Badge"


def _pdf_with(*attachments: tuple[str, bytes]) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(blank_pdf()))
    for name, content in attachments:
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _changed_simple() -> bytes:
    credential = json.loads(SIMPLE.read_text())
    credential["name"] = "Another Badge"
    return json.dumps(credential).encode()


@pytest.mark.parametrize(
    "attachments",
    [
        # the genuine one first or second: neither order is taken
        [("credential.json", SIMPLE.read_bytes()), ("credential.json", _changed_simple())],
        [("credential.json", _changed_simple()), ("credential.json", SIMPLE.read_bytes())],
        [("credential.json", SIMPLE.read_bytes()), ("other.json", _changed_simple())],
        [("a.json", SIMPLE.read_bytes()), ("b.jsonld", SIMPLE.read_bytes())],
    ],
)
def test_a_pdf_with_more_than_one_credential_is_refused_as_ambiguous(tmp_path, attachments):
    pdf = tmp_path / "two.pdf"
    pdf.write_bytes(_pdf_with(*attachments))
    code, out = run(str(pdf))
    assert code == 1
    assert out.startswith("INVALID: the PDF has 2 credentials attached; it must carry exactly one")


def test_other_attachments_beside_the_one_credential_are_no_problem(tmp_path):
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(
        _pdf_with(
            ("notes.json", b'{"note": "not a credential"}'),
            ("credential.json", SIMPLE.read_bytes()),
            ("readme.txt", b"hello"),
        )
    )
    code, out = run(str(pdf))
    assert code == 0, out


@pytest.mark.parametrize("depth", [1_000, 100_000, 1_000_000])
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_absurdly_nested_json_is_invalid_not_a_crash(tmp_path, depth, opening):
    closing = "]" if opening == "[" else "}"
    path = tmp_path / "deep.json"
    path.write_text(opening * depth + closing * depth)
    code, out = run(str(path))
    assert code == 1
    assert out.startswith("INVALID: ")
    assert out.count("\n") == 1
    status_list = tmp_path / "list.json"
    status_list.write_text(opening * depth + closing * depth)
    code, out = run(str(REVOKED), "--status-list", str(status_list))
    assert code == 3
    assert "the status list file cannot be used" in out


def test_absurdly_nested_json_inside_a_pdf_is_invalid_not_a_crash(tmp_path):
    pdf = tmp_path / "deep.pdf"
    pdf.write_bytes(_pdf_with(("credential.json", b"[" * 200_000 + b"]" * 200_000)))
    code, out = run(str(pdf))
    assert code == 1
    assert out.startswith("INVALID: ")


def test_a_broken_pdf_is_refused():
    with pytest.raises(CredentialError):
        credential_from_bytes(b"%PDF-1.7\nthis is no pdf")


@pytest.mark.parametrize(
    ("args", "code", "start"),
    [
        ([str(SIMPLE)], 0, "VALID: "),
        ([str(REVOKED), "--status-list", str(STATUS_LIST)], 2, "REVOKED: "),
    ],
)
def test_the_qme_command_exits_with_the_code(args, code, start):
    """Through the `qme` entry point, as a person runs it: the exit code reaches the shell
    (two of the four codes: each run starts Django, the others are covered above)."""
    done = subprocess.run(
        [sys.executable, "-m", "qme.cli", "verify", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == code, done.stderr
    assert done.stdout.startswith(start)
    assert done.stdout.count("\n") == 1


def test_the_installed_key_registry_decides_for_our_own_diplomas(settings, tmp_path):
    settings.GRADUATION_KEY_RESOLVER = "tests.graduation.test_cli.registry_for_tests"
    genuine = tmp_path / "genuine.json"
    genuine.write_text(json.dumps(signed(diploma(status_index=None), OUR_KEY, f"{ISSUER}#key-1")))
    code, out = run(str(genuine))
    assert code == 0, out
    assert "signed with a registered key of the issuer" in out

    forger = Ed25519PrivateKey.generate()
    forged = tmp_path / "forged.json"
    forged.write_text(
        json.dumps(signed(diploma(status_index=None), forger, f"{ISSUER}#{to_multikey(forger)}"))
    )
    code, out = run(str(forged))
    assert code == 1
    assert "is not a registered key of the issuer" in out
    settings.GRADUATION_KEY_RESOLVER = None
    assert run(str(forged))[0] == 0  # only the registry can tell it is not ours
