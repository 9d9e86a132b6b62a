"""The public Open Badges 3.0 conformance material (conformance/README.md, with its attribution):
every file has the outcome its README states, for the reason in its name, and the canonical forms
of the specification's worked example are reproduced byte for byte."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qme.graduation.credentials import (
    INVALID,
    REVOKED,
    STATUS_UNKNOWN,
    VALID,
    canonicalize,
    credential_from_file,
    verify,
)
from qme.graduation.credentials.verifier import _problems

CONFORMANCE = Path(__file__).parent / "conformance"
CREDENTIALS = CONFORMANCE / "credentials"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "ob3"


def load(relative: str) -> dict:
    return json.loads((CREDENTIALS / relative).read_text())


# The README's expectation for each invalid file, as a phrase the reason must contain.
INVALID_REASONS = {
    "simple-err-proof-value.json": "the signature does not match",
    "simple-err-expired.json": "expired on 2010-01-01T00:00:00Z",
    "simple-err-issued.json": "not valid before 2040-01-01T00:00:00Z",
    "simple-err-type.json": "neither OpenBadgeCredential nor AchievementCredential",
    "simple-err-context.json": "the first @context must be https://www.w3.org/ns/credentials/v2",
    "simple-err-issuer.json": "the credential has no issuer",
    "simple-err-issuer-type.json": "the issuer's type ['InvalidProfile'] is not Profile",
    "simple-err-credential-subject-type.json": "is not AchievementSubject",
    "simple-err-credential-subject-identifier-type.json": "'InvalidIdentityObject', not IdentityObject",
    "simple-err-credential-subject-result-type.json": "['InvalidResult'], not Result",
    "simple-err-evidence-type.json": "'InvalidEvidence', not Evidence",
    "simple-err-proof-method-no-scheme.json": "is not a URI (it has no scheme)",
    "simple-err-proof-method-unknown-scheme.json": "has an unknown scheme 'xxx'",
    "simple-err-proof-method-unknown-did-method.json": "uses the DID method 'example'",
    "simple-err-proof-method.json": "cannot be resolved offline",
    "simple-noproof.json": "the credential has no proof",
}


def test_the_copy_of_the_conformance_material_is_complete():
    invalid = {path.name for path in (CREDENTIALS / "invalid").glob("*.json")}
    assert invalid == set(INVALID_REASONS)
    assert (CONFORMANCE / "README.md").read_text().count("Apache-2.0") >= 2


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="the shared conformance folder is not beside the repo"
)
def test_the_copy_is_byte_for_byte_the_shared_material():
    shared = {
        path.relative_to(SHARED): path.read_bytes() for path in SHARED.rglob("*") if path.is_file()
    }
    copied = {
        path.relative_to(CONFORMANCE): path.read_bytes()
        for path in CONFORMANCE.rglob("*")
        if path.is_file()
    }
    assert copied == shared


@pytest.mark.parametrize(
    "name", ["simple.json", "simple-context-alias.json", "simple-did-key-method.json"]
)
def test_a_valid_credential_without_status_is_valid(name):
    result = verify(load(f"valid/{name}"))
    assert result.outcome == VALID, result.reason
    assert result.exit_code == 0
    assert result.line.startswith("VALID: ")


def test_the_did_key_credential_is_resolved_offline_as_a_did_key():
    result = verify(load("valid/simple-did-key-method.json"))
    assert result.key_source == "did:key"
    assert result.verification_method == "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


@pytest.mark.parametrize("name", sorted(INVALID_REASONS))
def test_each_invalid_credential_is_invalid_for_the_reason_in_its_name(name):
    result = verify(load(f"invalid/{name}"))
    assert result.outcome == INVALID
    assert INVALID_REASONS[name] in result.reason, result.reason
    assert result.exit_code == 1
    assert "\n" not in result.line


@pytest.mark.parametrize("name", ["simple-err-expired.json", "simple-err-issued.json"])
def test_the_date_cases_carry_valid_signatures_and_fail_on_the_date_alone(name):
    """At a moment inside their validity they have no reason left but the schema's."""
    document = load(f"invalid/{name}")
    # simple-err-expired is valid from and until 2010-01-01T00:00:00Z: only at that instant
    inside = (
        datetime(2045, 1, 1, tzinfo=UTC) if "issued" in name else datetime(2010, 1, 1, tzinfo=UTC)
    )
    result = verify(document, now=inside)
    if "expired" in name:
        assert result.outcome == VALID, result.reason
    else:
        # it also lacks credentialSubject.achievement, which the Open Badges schema requires
        assert result.outcome == INVALID
        assert "'achievement' is a required property" in result.reason
        assert "signature" not in result.reason
        assert "validFrom" not in result.reason


def test_the_revoked_credential_with_its_status_list_is_revoked():
    result = verify(
        load("revoked/credential-status-revoked.json"), status_list=load("revoked/status-list.json")
    )
    assert result.outcome == REVOKED, result.reason
    assert "bit 23" in result.reason
    assert result.exit_code == 2
    assert result.line.startswith("REVOKED: ")


def test_the_revoked_credential_without_a_status_list_has_an_unknown_status():
    result = verify(load("revoked/credential-status-revoked.json"))
    assert result.outcome == STATUS_UNKNOWN, result.reason
    assert result.exit_code == 3
    assert result.line.startswith("STATUS UNKNOWN: signature and dates are valid")


def test_the_status_list_itself_is_a_validly_signed_status_list_but_no_open_badge():
    status_list = load("revoked/status-list.json")
    problems, key, _method = _problems(status_list, None, datetime.now(tz=UTC), status_list=True)
    assert problems == []
    assert key is not None
    assert key.controller == "https://1edtech.edu/issuers/565049"
    assert verify(status_list).outcome == INVALID


def test_a_tampered_status_list_leaves_the_status_unknown():
    status_list = load("revoked/status-list.json")
    status_list["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA2NgGAWjYBSMAggAAMgNPsAAAAA"
    result = verify(load("revoked/credential-status-revoked.json"), status_list=status_list)
    assert result.outcome == STATUS_UNKNOWN
    assert "the status list cannot be used" in result.reason
    assert "signature does not match" in result.reason


def test_the_worked_example_of_the_specification_canonicalises_to_the_test_vectors():
    """The unsigned document of the OB 3.0 implementation guide's worked example is simple.json
    without its proof, with the issuer https://example.edu/issuers/565049 and its url; its proof
    options are the proof without proofValue, under the document's @context."""
    document = load("valid/simple.json")
    proof = document.pop("proof")[0]
    document["issuer"]["id"] = "https://example.edu/issuers/565049"
    document["issuer"]["url"] = "https://www.imsglobal.org"
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["verificationMethod"] = (
        "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    )
    options["@context"] = document["@context"]

    vectors = CONFORMANCE / "test-vectors"
    assert canonicalize(document).encode() == (vectors / "obv3p0-document-canon.txt").read_bytes()
    assert canonicalize(options).encode() == (vectors / "obv3p0-proof-canon.txt").read_bytes()


def test_simple_json_itself_differs_from_the_vector_only_in_the_issuer():
    document = load("valid/simple.json")
    del document["proof"]
    lines = set(canonicalize(document).splitlines())
    vector = set(
        (CONFORMANCE / "test-vectors" / "obv3p0-document-canon.txt").read_text().splitlines()
    )
    assert {line for line in vector - lines if "565049" not in line} == set()
    assert all("876543" in line for line in lines - vector)


def test_verifying_leaves_the_document_as_it_was():
    document = load("valid/simple.json")
    before = copy.deepcopy(document)
    verify(document)
    assert document == before


def test_a_credential_file_is_read_as_json():
    assert credential_from_file(CREDENTIALS / "valid" / "simple.json")["name"] == "Teamwork Badge"
