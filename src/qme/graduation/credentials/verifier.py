"""Verifying an Open Badges 3.0 credential offline: one function, one outcome with its reason.

Outcomes:

- VALID: the shape, the signature (eddsa-rdfc-2022), the verification method and the dates are
  all right, and the credential has no status or its status list says it is not revoked;
- INVALID: anything of that is wrong; the reason says what;
- REVOKED: valid, but its Bitstring status list (signed by the same issuer) has its bit set;
- STATUS_UNKNOWN: valid, but it has a status and no usable status list is at hand.

A credential without `credentialStatus` is VALID: there is nothing to look up.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import jsonld, status
from .errors import CredentialError
from .keys import KeyResolver, ResolvedKey, resolve_verification_method
from .proof import (
    ASSERTION_METHOD,
    CRYPTOSUITE,
    PROOF_TYPE,
    combine_hashes,
    is_supported,
    parse_datetime,
    proof_configuration,
    proofs_of,
    unsecured,
    verify_proof,
)
from .structure import (
    check_context,
    check_nesting,
    check_open_badge,
    check_status_list_credential,
    issuer_id,
    types_of,
)

logger = logging.getLogger(__name__)

VALID = "VALID"
INVALID = "INVALID"
REVOKED = "REVOKED"
STATUS_UNKNOWN = "STATUS_UNKNOWN"
EXIT_CODES = {VALID: 0, INVALID: 1, REVOKED: 2, STATUS_UNKNOWN: 3}

# A status list given directly, or a function from a statusListCredential URL to the list
# (the application serves its own), or nothing.
StatusListSource = dict[str, Any] | Callable[[str], dict[str, Any] | None] | None

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class VerificationResult:
    outcome: str
    reason: str
    credential: dict[str, Any] | None = field(default=None, repr=False)
    issuer_id: str | None = None
    verification_method: str | None = None
    key_source: str | None = None  # "registry", "did:key" or "fragment" (see keys.py)
    # The kinds of the reasons (errors.REASON_CODES), one per problem, for INVALID.
    codes: tuple[str, ...] = ()

    @property
    def code(self) -> str | None:
        """A stable, machine-readable name of the reason: the first problem's kind for INVALID,
        "revoked" or "status_unknown" for those outcomes, None for VALID."""
        if self.outcome == INVALID:
            return self.codes[0] if self.codes else "invalid"
        return {REVOKED: "revoked", STATUS_UNKNOWN: "status_unknown"}.get(self.outcome)

    @property
    def valid(self) -> bool:
        return self.outcome == VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    @property
    def line(self) -> str:
        """One line: the outcome (STATUS UNKNOWN with a space), a colon and the reason."""
        label = self.outcome.replace("_", " ")
        return f"{label}: {_CONTROL.sub(' ', self.reason)}"

    @property
    def summary(self) -> dict[str, Any]:
        """What a page shows of a valid credential: holder, achievement, issuer and dates."""
        document = self.credential or {}
        issuer = document.get("issuer")
        subject = document.get("credentialSubject")
        subject = subject if isinstance(subject, dict) else {}
        achievement = subject.get("achievement")
        achievement = achievement if isinstance(achievement, dict) else {}
        return {
            "credential_id": document.get("id"),
            "name": document.get("name"),
            "issuer_id": self.issuer_id,
            "issuer_name": issuer.get("name") if isinstance(issuer, dict) else None,
            "holder_name": subject.get("name"),
            "achievement_name": achievement.get("name"),
            "achievement_type": achievement.get("achievementType"),
            "valid_from": parse_datetime(document.get("validFrom")),
            "valid_until": parse_datetime(document.get("validUntil")),
        }


def _describe(document: dict[str, Any], key: ResolvedKey, method: str) -> str:
    issuer = document.get("issuer")
    name = document.get("name") or "credential"
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
    by = f"{issuer_name} ({issuer_id(document)})" if issuer_name else issuer_id(document)
    kinds = {
        "registry": "a registered key of the issuer",
        "did:key": "a did:key",
        "fragment": "the key named in its verification method",
    }
    return f"{name!r} issued by {by}, signed with {kinds[key.source]} ({method})"


def _check_dates(document: dict[str, Any], now: datetime, what: str) -> None:
    valid_from_text = document.get("validFrom")
    valid_from = parse_datetime(valid_from_text)
    if valid_from_text is not None and valid_from is None:
        raise CredentialError(
            f"the {what}'s validFrom {valid_from_text!r} is not a date and time", code="date"
        )
    valid_until_text = document.get("validUntil")
    valid_until = parse_datetime(valid_until_text)
    if valid_until_text is not None and valid_until is None:
        raise CredentialError(
            f"the {what}'s validUntil {valid_until_text!r} is not a date and time", code="date"
        )
    if valid_from is not None and valid_from > now:
        raise CredentialError(
            f"the {what} is not valid before {valid_from_text} (validFrom)", code="not_yet_valid"
        )
    if valid_until is not None and valid_until < now:
        raise CredentialError(
            f"the {what} expired on {valid_until_text} (validUntil)", code="expired"
        )


def _check_signature(
    document: dict[str, Any], key_resolver: KeyResolver | None, what: str
) -> tuple[ResolvedKey, str]:
    """Proof, verification method, defined terms and signature of a signed document."""
    proofs = proofs_of(document)
    if not proofs:
        raise CredentialError(f"the {what} has no proof", code="no_proof")
    supported = [proof for proof in proofs if is_supported(proof)]
    if not supported:
        raise CredentialError(
            f"the {what} has no {PROOF_TYPE} with the cryptosuite {CRYPTOSUITE}",
            code="unsupported_proof",
        )
    issuer = issuer_id(document)
    resolved: list[tuple[dict[str, Any], ResolvedKey]] = []
    for proof in supported:
        if proof.get("proofPurpose") != ASSERTION_METHOD:
            raise CredentialError(
                f"the proof's purpose is {proof.get('proofPurpose')!r}, not {ASSERTION_METHOD}",
                code="unsupported_proof",
            )
        method = proof.get("verificationMethod")
        try:
            resolved.append((proof, resolve_verification_method(method, issuer, key_resolver)))
        except CredentialError as error:
            error.code = "verification_method"
            raise
    # Each part is expanded once, for the check of its terms and for its canonical form.
    expanded_document = jsonld.expand_defined(unsecured(document))
    canonical_document: list[str] = []

    def hashed(expanded_config: list[Any]) -> bytes:
        canonical_config = jsonld.canonical_of_expanded(expanded_config)
        if not canonical_document:
            canonical_document.append(jsonld.canonical_of_expanded(expanded_document))
        return combine_hashes(canonical_config, canonical_document[0])

    for proof, key in resolved:
        expanded_config = jsonld.expand_defined(proof_configuration(document, proof))
        verify_proof(
            document, proof, key.public_key, hashed=functools.partial(hashed, expanded_config)
        )
    proof, key = resolved[0]
    return key, proof["verificationMethod"]


def _problems(
    document: dict[str, Any],
    key_resolver: KeyResolver | None,
    now: datetime,
    *,
    status_list: bool = False,
) -> tuple[list[tuple[str, str]], ResolvedKey | None, str | None]:
    """Every independent reason to reject a signed document, like the 1EdTech validator reports
    them all: proof, context, structure, signature, dates; each as (code, reason). Also the key
    when the signature holds.
    """
    what = "status list" if status_list else "credential"
    problems: list[tuple[str, str]] = []

    def add(error: CredentialError, default: str) -> None:
        problems.append((default if error.code == "invalid" else error.code, str(error)))

    if not proofs_of(document):
        problems.append(("no_proof", f"the {what} has no proof"))
    try:
        check_context(document, open_badge=not status_list)
        context_ok = True
    except CredentialError as error:
        add(error, "context")
        context_ok = False
    try:
        if status_list:
            check_status_list_credential(document)
        else:
            check_open_badge(document)
    except CredentialError as error:
        add(error, "status" if status_list else "not_an_open_badge")
    key = method = None
    if context_ok and proofs_of(document):
        try:
            key, method = _check_signature(document, key_resolver, what)
        except CredentialError as error:
            add(error, "invalid")
    try:
        _check_dates(document, now, what)
    except CredentialError as error:
        add(error, "date")
    unique: dict[str, str] = {}
    for code, reason in problems:
        unique.setdefault(reason, code)
    return [(code, reason) for reason, code in unique.items()], key, method


def _status_lists_for(
    entries: list[dict[str, Any]], source: StatusListSource
) -> list[dict[str, Any] | None]:
    if source is None:
        return [None for _ in entries]
    if callable(source):
        lists = []
        for entry in entries:
            url = entry.get("statusListCredential")
            lists.append(source(url) if isinstance(url, str) else None)
        return lists
    # One list given: it is the list of the entry that names it, or of the only entry there is.
    if len(entries) == 1:
        return [source]
    return [
        source if entry.get("statusListCredential") == source.get("id") else None
        for entry in entries
    ]


def _status_outcome(
    document: dict[str, Any],
    source: StatusListSource,
    key_resolver: KeyResolver | None,
    now: datetime,
) -> tuple[str, str] | None:
    """(REVOKED or STATUS_UNKNOWN, reason), or None when the status says nothing against it."""
    raw = document.get("credentialStatus")
    if raw is None:
        return None
    entries = raw if isinstance(raw, list) else [raw]
    unknown: list[str] = []
    bitstring_entries: list[dict[str, Any]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise CredentialError("a credentialStatus entry must be an object")
        if status.STATUS_ENTRY in types_of(entry):
            bitstring_entries.append(entry)
        else:
            unknown.append(f"the status type {entry.get('type')!r} is not supported")
    for entry, status_list in zip(
        bitstring_entries, _status_lists_for(bitstring_entries, source), strict=True
    ):
        purpose = entry.get("statusPurpose")
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or not isinstance(purpose, str):
            raise CredentialError(
                "a BitstringStatusListEntry needs a statusListCredential and a statusPurpose"
            )
        index = status.list_index(entry)
        if purpose not in ("revocation", "suspension"):
            continue  # a message or other purpose says nothing about validity
        if status_list is None:
            unknown.append(f"no status list at hand for {url}")
            continue
        try:
            bits = _read_status_list(status_list, purpose, issuer_id(document), key_resolver, now)
            is_set = status.bit_is_set(bits, index)
        except CredentialError as error:
            unknown.append(f"the status list cannot be used: {error}")
            continue
        if is_set:
            verb = "revoked" if purpose == "revocation" else "suspended"
            return REVOKED, (
                f"the issuer has {verb} it: bit {index} of the status list {url} is set"
            )
    if unknown:
        return STATUS_UNKNOWN, "signature and dates are valid, but " + "; ".join(unknown)
    return None


def _read_status_list(
    status_list: dict[str, Any],
    purpose: str,
    credential_issuer: str | None,
    key_resolver: KeyResolver | None,
    now: datetime,
) -> bytes:
    problems, _key, _method = _problems(status_list, key_resolver, now, status_list=True)
    if problems:
        raise CredentialError("; ".join(reason for _code, reason in problems))
    subject = check_status_list_credential(status_list)
    if issuer_id(status_list) != credential_issuer:
        raise CredentialError(
            f"it is issued by {issuer_id(status_list)}, not by the credential's issuer "
            f"{credential_issuer}"
        )
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if purpose not in purposes:
        raise CredentialError(f"it is a list for {purposes!r}, not for {purpose!r}")
    return status.decode_list(subject["encodedList"])


def verify(
    document: Any,
    *,
    status_list: StatusListSource = None,
    key_resolver: KeyResolver | None = None,
    now: datetime | None = None,
) -> VerificationResult:
    """Verify an Open Badges 3.0 credential offline. Never raises for a bad credential.

    status_list: the BitstringStatusListCredential the credential points to (verified too), or a
      function from its URL to it; without it, a credential with a status is STATUS_UNKNOWN.
    key_resolver: the application's keys (see keys.KeyRegistry): a function from a
      verificationMethod URL to a public key, or None when it does not know the URL.
    now: the moment to judge validFrom and validUntil by (default: now).
    """
    moment = now or datetime.now(tz=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not isinstance(document, dict):
        return VerificationResult(
            INVALID, "a credential must be a JSON object", codes=("not_an_object",)
        )
    try:
        check_nesting(document)
    except CredentialError as error:
        return VerificationResult(INVALID, str(error), codes=(error.code,))
    document = copy.deepcopy(document)
    issuer = issuer_id(document)
    try:
        problems, key, method = _problems(document, key_resolver, moment)
        if problems or key is None or method is None:
            reason = "; ".join(reason for _code, reason in problems)
            codes = tuple(dict.fromkeys(code for code, _reason in problems))
            return VerificationResult(
                INVALID,
                reason or "the credential cannot be verified",
                document,
                issuer,
                codes=codes or ("invalid",),
            )
        found = _status_outcome(document, status_list, key_resolver, moment)
    except CredentialError as error:
        code = "status" if error.code == "invalid" else error.code
        return VerificationResult(INVALID, str(error), document, issuer, codes=(code,))
    except Exception as error:  # a verifier fails closed on whatever it cannot process
        logger.exception("credential verification failed unexpectedly")
        reason = f"the credential cannot be processed ({type(error).__name__})"
        return VerificationResult(INVALID, reason, document, issuer, codes=("cannot_process",))
    if found is not None:
        outcome, reason = found
        return VerificationResult(outcome, reason, document, issuer, method, key.source)
    described = _describe(document, key, method)
    return VerificationResult(VALID, described, document, issuer, method, key.source)
