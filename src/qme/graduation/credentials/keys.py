"""Ed25519 keys as Multikeys, did:key, and the resolution of a proof's verification method.

A verification method is resolved offline only:

- through the key resolver that the caller passes (the application's registry of its own keys:
  any callable from a verificationMethod URL to a public key, or None for "not mine");
- `did:key:z6Mk…`: the key is the identifier itself;
- `https://issuer#z6Mk…` (the convention of the Open Badges conformance material): the fragment is
  the public key as a Multikey and the part before it is the key's controller.

Every other form is refused: no scheme, an unknown scheme, a DID method other than `key` (a
`did:web` would need the network), or an http(s) URL whose key only the network could tell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import CredentialError

ED25519_PUB_MULTICODEC = b"\xed\x01"
# Only the characters of the base58btc alphabet: the base58 library itself strips whitespace
# around a value, so a proofValue with a space or a newline after it would decode as valid.
_BASE58BTC = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")

PublicKeyLike = Ed25519PublicKey | bytes | str
KeyResolver = Callable[[str], PublicKeyLike | None]


# --- multibase ---------------------------------------------------------------------------------


def multibase_decode(value: str) -> bytes:
    """Decode multibase base58btc ('z' prefix)."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise CredentialError("not a multibase base58btc value (it must start with 'z')")
    if not _BASE58BTC.fullmatch(value):
        raise CredentialError("not a valid base58btc value (a character outside its alphabet)")
    try:
        return base58.b58decode(value[1:], alphabet=base58.BITCOIN_ALPHABET)
    except ValueError as error:
        raise CredentialError("not a valid base58btc value") from error


def multibase_encode(data: bytes) -> str:
    return "z" + base58.b58encode(data, alphabet=base58.BITCOIN_ALPHABET).decode("ascii")


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def to_multikey(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The public key as a Multikey `publicKeyMultibase`: 'z6Mk…'."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return multibase_encode(ED25519_PUB_MULTICODEC + public_key_bytes(key))


def from_multikey(value: str) -> Ed25519PublicKey:
    """An Ed25519 public key from its Multikey form ('z6Mk…')."""
    raw = multibase_decode(value)
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_MULTICODEC):
        raise CredentialError(f"{value!r} is not an Ed25519 public key Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def is_multikey(value: str) -> bool:
    try:
        from_multikey(value)
    except (CredentialError, ValueError):
        return False
    return True


def as_public_key(key: PublicKeyLike) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, bytes):
        if len(key) != 32:
            raise CredentialError("an Ed25519 public key has 32 bytes")
        return Ed25519PublicKey.from_public_bytes(key)
    if isinstance(key, str):
        return from_multikey(key)
    raise TypeError(f"not a public key: {type(key).__name__}")


def did_key(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The did:key DID of an Ed25519 key."""
    return f"did:key:{to_multikey(key)}"


def did_key_verification_method(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    multikey = to_multikey(key)
    return f"did:key:{multikey}#{multikey}"


# --- the application's key registry ----------------------------------------------------------


@runtime_checkable
class IssuerKeyRegistry(Protocol):
    """A key resolver that also says which issuers it speaks for.

    For an issuer it claims, a key that it does not know is refused, even if the verification
    method carries a key of its own (a forger's `https://our-issuer#z6Mk…` or a did:key).
    """

    def __call__(self, verification_method: str) -> PublicKeyLike | None: ...

    def claims_issuer(self, issuer_id: str) -> bool: ...


class KeyRegistry:
    """The keys of one or more issuers, by verification method URL.

    `KeyRegistry({"https://qme.example/issuer": {"https://qme.example/issuer#key-1": key}})`.
    Old keys stay in the registry after a rotation, so that old diplomas stay verifiable; a key
    listed here verifies only under its own issuer (the part of its URL before '#').
    """

    def __init__(self, keys_by_issuer: Mapping[str, Mapping[str, PublicKeyLike]]) -> None:
        self._issuers = set(keys_by_issuer)
        self._keys: dict[str, Ed25519PublicKey] = {}
        for issuer, keys in keys_by_issuer.items():
            for method, key in keys.items():
                if method.split("#", 1)[0] != issuer:
                    raise ValueError(f"{method} is not a key of {issuer}")
                self._keys[method] = as_public_key(key)

    def __call__(self, verification_method: str) -> Ed25519PublicKey | None:
        return self._keys.get(verification_method)

    def claims_issuer(self, issuer_id: str) -> bool:
        return issuer_id in self._issuers

    @property
    def issuers(self) -> Iterable[str]:
        return frozenset(self._issuers)


# --- resolution --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedKey:
    public_key: Ed25519PublicKey
    controller: str
    # "registry": the application's own keys; "did:key": the identifier is the key;
    # "fragment": an https URL whose fragment is the key (self-asserted, conformance convention)
    source: str


def resolve_verification_method(
    method: Any, issuer_id: str | None, key_resolver: KeyResolver | None = None
) -> ResolvedKey:
    """The public key of a proof's verification method, with its controller checked.

    Raises CredentialError with the reason when the method cannot be resolved offline or its
    controller is not the issuer.
    """
    if not isinstance(method, str) or not method:
        raise CredentialError("the proof has no verificationMethod")
    scheme_match = _SCHEME.match(method)
    if scheme_match is None:
        raise CredentialError(f"the verification method {method!r} is not a URI (it has no scheme)")
    scheme = scheme_match.group(1).lower()

    claimed = (
        issuer_id is not None
        and isinstance(key_resolver, IssuerKeyRegistry)
        and key_resolver.claims_issuer(issuer_id)
    )
    if key_resolver is not None:
        found = key_resolver(method)
        if found is not None:
            controller = method.split("#", 1)[0]
            _require_controller(method, controller, issuer_id)
            return ResolvedKey(as_public_key(found), controller, "registry")
    if claimed:
        raise CredentialError(
            f"the verification method {method} is not a registered key of the issuer {issuer_id}"
        )

    if scheme == "did":
        did, _, fragment = method.partition("#")
        parts = did.split(":")
        did_method = parts[1] if len(parts) > 2 else ""
        if did_method != "key":
            raise CredentialError(
                f"the verification method {method} uses the DID method {did_method!r}, which "
                "cannot be resolved offline (only did:key is supported)"
            )
        if len(parts) != 3:
            raise CredentialError(f"{did} is not a valid did:key")
        multikey = parts[2]
        if fragment and fragment != multikey:
            raise CredentialError(f"the verification method {method} is not a key of {did}")
        try:
            key = from_multikey(multikey)
        except CredentialError as error:
            raise CredentialError(f"{did} is not a valid did:key: {error}") from error
        # A did:key controls itself. When the issuer is a DID, it must be this one; an issuer
        # identified otherwise cannot be tied to the key offline (as in the conformance material).
        if issuer_id is not None and issuer_id.startswith("did:") and issuer_id != did:
            raise CredentialError(
                f"the verification method's controller {did} is not the issuer {issuer_id}"
            )
        return ResolvedKey(key, did, "did:key")

    if scheme in ("http", "https"):
        controller, _, fragment = method.partition("#")
        if fragment and is_multikey(fragment):
            _require_controller(method, controller, issuer_id)
            return ResolvedKey(from_multikey(fragment), controller, "fragment")
        raise CredentialError(
            f"the verification method {method} cannot be resolved offline: no registered key "
            "and no Ed25519 Multikey in its fragment"
        )

    raise CredentialError(
        f"the verification method {method} has an unknown scheme {scheme!r} "
        "(expected did:key, http or https)"
    )


def _require_controller(method: str, controller: str, issuer_id: str | None) -> None:
    if issuer_id is None:
        raise CredentialError("the credential has no issuer to control its verification method")
    if controller != issuer_id:
        raise CredentialError(
            f"the verification method's controller {controller} is not the issuer {issuer_id}"
        )
