"""Data Integrity proofs with the cryptosuite `eddsa-rdfc-2022` (Ed25519 over RDFC-1.0).

Signing and verifying follow the W3C "Data Integrity EdDSA Cryptosuites v1.0":

1. the proof configuration is the proof without `proofValue`, with the document's `@context`;
2. both the configuration and the document without `proof` are canonicalised (RDFC-1.0);
3. the data signed is SHA-256(canonical configuration) followed by SHA-256(canonical document);
4. `proofValue` is the Ed25519 signature, multibase base58btc ('z…').
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import jsonld
from .errors import CredentialError
from .keys import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"


def proofs_of(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return proof if isinstance(proof, list) else [proof]


def is_supported(proof: Any) -> bool:
    return (
        isinstance(proof, dict)
        and _types(proof.get("type")) == [PROOF_TYPE]
        and proof.get("cryptosuite") == CRYPTOSUITE
    )


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its proof."""
    return {key: value for key, value in document.items() if key != "proof"}


def proof_configuration(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = document.get("@context")
    return config


def hash_data(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    """The bytes that the Ed25519 signature covers."""
    canonical_config = jsonld.canonicalize(proof_configuration(document, proof))
    canonical_document = jsonld.canonicalize(unsecured(document))
    return combine_hashes(canonical_config, canonical_document)


def combine_hashes(canonical_config: str, canonical_document: str) -> bytes:
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def _private_key(key: Ed25519PrivateKey | bytes) -> Ed25519PrivateKey:
    if isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, bytes) and len(key) in (32, 64):
        return Ed25519PrivateKey.from_private_bytes(key[:32])  # a seed, or seed + public key
    raise TypeError("an Ed25519 private key, or its 32-byte seed")


def xsd_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey | bytes,
    verification_method: str,
    *,
    created: datetime | str | None = None,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """A copy of the document with an `eddsa-rdfc-2022` DataIntegrityProof added.

    Refuses (CredentialError) a document that has a proof already, refers to a context that is
    not bundled, or uses a property or type that the contexts do not define: such a property
    would not be signed.
    """
    if "proof" in document:
        raise CredentialError("the document has a proof already")
    if created is None:
        created = datetime.now(tz=UTC)
    document = copy.deepcopy(document)
    # Each part is expanded once, for the check of its terms and for its canonical form.
    expanded_document = jsonld.expand_defined(document)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "created": created if isinstance(created, str) else xsd_datetime(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }
    expanded_config = jsonld.expand_defined(proof_configuration(document, proof))
    data = combine_hashes(
        jsonld.canonical_of_expanded(expanded_config),
        jsonld.canonical_of_expanded(expanded_document),
    )
    signature = _private_key(private_key).sign(data)
    proof["proofValue"] = multibase_encode(signature)
    return {**document, "proof": proof}


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    public_key: Ed25519PublicKey,
    *,
    hashed: Callable[[], bytes] | None = None,
) -> None:
    """Raises CredentialError with the reason unless the proof's signature is valid.

    hashed: gives the data signed (`hash_data`), when the caller has the expansions at hand.
    """
    if not is_supported(proof):
        raise CredentialError(
            f"the proof is not a {PROOF_TYPE} with the cryptosuite {CRYPTOSUITE}",
            code="unsupported_proof",
        )
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise CredentialError(
            "the proof's @context differs from the document's", code="unsupported_proof"
        )
    if "previousProof" in proof:
        raise CredentialError(
            "proof chains (previousProof) are not supported", code="unsupported_proof"
        )
    created = proof.get("created")
    if created is not None and parse_datetime(created) is None:
        raise CredentialError(
            f"the proof's created {created!r} is not a date and time", code="date"
        )
    try:
        signature = multibase_decode(proof.get("proofValue", ""))
    except CredentialError as error:
        raise CredentialError(
            f"the proofValue is not valid: {error}", code="proof_value"
        ) from error
    if len(signature) != 64:
        raise CredentialError(
            "the proofValue is not an Ed25519 signature (64 bytes)", code="proof_value"
        )
    data = hashed() if hashed is not None else hash_data(document, proof)
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise CredentialError(
            "the signature does not match: the credential was changed after signing, or was "
            "signed with another key",
            code="signature_mismatch",
        ) from None


def parse_datetime(value: Any) -> datetime | None:
    """An XSD dateTime; without a time zone it is taken as UTC. None when it is not one."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
