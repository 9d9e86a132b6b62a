"""Contexts are bundled and never fetched; what the contexts do not define is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qme.graduation.credentials import (
    BUNDLED_CONTEXTS,
    INVALID,
    ContextNotBundled,
    CredentialError,
    UndefinedTerms,
    canonicalize,
    load_bundled_context,
    sign,
    undefined_terms,
    verify,
)
from qme.graduation.credentials.jsonld import CREDENTIALS_V2, OB_CONTEXT_3_0_3, OB_EXTENSIONS

from .builders import ISSUER, diploma, signed

CONFORMANCE = Path(__file__).parent / "conformance"
PACKAGE_CONTEXTS = Path(__file__).resolve().parents[2] / "src/qme/graduation/credentials/contexts"


def test_only_the_three_contexts_are_bundled():
    assert set(BUNDLED_CONTEXTS) == {CREDENTIALS_V2, OB_CONTEXT_3_0_3, OB_EXTENSIONS}


@pytest.mark.parametrize("url", sorted(BUNDLED_CONTEXTS))
def test_the_loader_serves_each_bundled_context(url):
    remote = load_bundled_context(url, {})
    assert remote["documentUrl"] == url
    assert "@context" in remote["document"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://w3id.org/security/data-integrity/v2",
        "http://www.w3.org/ns/credentials/v2",  # not the same URL: no scheme games
        "https://www.w3.org/ns/credentials/v2/",
        "file:///etc/passwd",
        "https://127.0.0.1/context.json",
    ],
)
def test_the_loader_refuses_any_other_url_without_touching_the_network(url):
    with pytest.raises(ContextNotBundled) as refused:
        load_bundled_context(url, {})
    assert url in str(refused.value)


def test_a_document_with_an_unknown_context_is_refused_not_fetched():
    document = diploma()
    document["@context"].append("https://example.org/my-context.jsonld")
    with pytest.raises(ContextNotBundled):
        canonicalize(document)
    with pytest.raises(ContextNotBundled):
        sign(document, Ed25519PrivateKey.generate(), f"{ISSUER}#key-1")


def test_a_signed_credential_with_an_unknown_context_is_invalid():
    key = Ed25519PrivateKey.generate()
    document = signed(diploma(status_index=None), key)
    document["@context"].append("https://example.org/my-context.jsonld")
    result = verify(document)
    assert result.outcome == INVALID
    assert "https://example.org/my-context.jsonld" in result.reason
    assert "not one of the bundled contexts" in result.reason


def test_the_package_contexts_are_the_conformance_contexts():
    for name in ("credentials-v2.jsonld", "ob-context-3.0.3.json"):
        assert (PACKAGE_CONTEXTS / name).read_bytes() == (
            CONFORMANCE / "contexts" / name
        ).read_bytes()
    assert (PACKAGE_CONTEXTS / "README.md").is_file()


def test_a_complete_diploma_defines_every_term():
    assert undefined_terms(diploma()) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.update(favouriteColour="blue"), "'favouriteColour'"),
        (lambda d: d["credentialSubject"].update(studentNumber="12345"), "'studentNumber'"),
        (lambda d: d["credentialSubject"]["achievement"].update(level="expert"), "'level'"),
        (lambda d: d["issuer"].update(type=["Profile", "Hospital"]), "the type 'Hospital'"),
        (lambda d: d["credentialSubject"]["achievement"].update(id="engd-qme"), "'engd-qme'"),
    ],
)
def test_a_property_or_type_the_contexts_do_not_define_is_named(change, named):
    document = diploma()
    change(document)
    problems = undefined_terms(document)
    assert any(named in problem for problem in problems), problems


def test_signing_refuses_an_undefined_property_because_it_would_not_be_signed():
    document = diploma()
    document["credentialSubject"]["grade"] = "cum laude"
    with pytest.raises(UndefinedTerms) as refused:
        sign(document, Ed25519PrivateKey.generate(), f"{ISSUER}#key-1")
    assert "'grade'" in str(refused.value)
    assert "would not be signed" in str(refused.value)


def test_verifying_refuses_an_undefined_property_even_when_the_signature_holds():
    """An undefined property drops out of the canonical form: adding one after signing keeps the
    signature valid, which is exactly why such documents are refused."""
    key = Ed25519PrivateKey.generate()
    document = signed(diploma(status_index=None), key)
    document["credentialSubject"]["grade"] = "cum laude"
    result = verify(document)
    assert result.outcome == INVALID
    assert "do not define the property 'grade'" in result.reason
    assert "signature" not in result.reason


def test_an_expanded_issuer_dependent_property_is_refused_too():
    document = diploma()
    document["https://www.w3.org/ns/credentials/issuer-dependent#note"] = "x"
    assert any("'note'" in problem for problem in undefined_terms(document))


def test_invalid_json_ld_is_a_credential_error_with_a_one_line_reason():
    document = diploma()
    document["credentialSubject"]["achievement"]["creditsAvailable"] = {
        "@value": 1,
        "@type": "ects",
    }
    with pytest.raises(CredentialError) as refused:
        canonicalize(document)
    assert str(refused.value).startswith(
        "the document is not valid JSON-LD: Invalid JSON-LD syntax"
    )
    assert "\n" not in str(refused.value)
    with pytest.raises(CredentialError):
        canonicalize({"@context": [CREDENTIALS_V2], "@id": 5})


def test_canonical_form_is_independent_of_key_order_and_whitespace():
    document = diploma()
    reordered = json.loads(json.dumps(document, sort_keys=True, indent=4))
    assert canonicalize(document) == canonicalize(reordered)


def test_canonicalisation_work_is_bounded(monkeypatch):
    """Identical blank nodes need RDFC-1.0's N-degree hashing, which crafted graphs make
    exponential: past the bound the document is refused instead of keeping the server busy."""
    from qme.graduation.credentials import jsonld

    document = diploma()
    same = {"type": ["Evidence"], "name": "Design project report"}
    document["evidence"] = [dict(same), dict(same), {**same, "name": "Another"}]
    canonicalize(document)  # within the bound
    monkeypatch.setattr(jsonld, "MAX_N_DEGREE_HASHES", 0)
    with pytest.raises(CredentialError, match="too costly to canonicalise"):
        canonicalize(document)
    monkeypatch.setattr(jsonld, "MAX_BLANK_NODES", 2)
    with pytest.raises(CredentialError, match="too many blank nodes"):
        canonicalize(document)
