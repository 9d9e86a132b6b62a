"""Bitstring status lists: decoding, the bit order, and when a list may be trusted."""

from __future__ import annotations

import base64
import copy
import gzip

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qme.graduation.credentials import (
    REVOKED,
    STATUS_UNKNOWN,
    VALID,
    CredentialError,
    KeyRegistry,
    encode_list,
    to_multikey,
    verify,
)
from qme.graduation.credentials.status import bit_is_set, decode_list, list_index, set_bit

from .builders import ISSUER, STATUS_LIST_URL, diploma, signed, status_list

KEY = Ed25519PrivateKey.generate()
METHOD = f"{ISSUER}#key-1"
REGISTRY = KeyRegistry({ISSUER: {METHOD: KEY.public_key()}})


def test_bit_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = bytes([0b1000_0000, 0b0000_0001])
    assert bit_is_set(bits, 0)
    assert not any(bit_is_set(bits, i) for i in range(1, 15))
    assert bit_is_set(bits, 15)


def test_the_encoded_list_is_multibase_base64url_of_gzip():
    bits = bytearray(16 * 1024)
    set_bit(bits, 23)
    encoded = encode_list(bytes(bits))
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert "+" not in encoded
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == bytes(bits)
    assert decode_list(encoded) == bytes(bits)
    set_bit(bits, 23, False)
    assert not any(bits)


def test_the_conformance_list_has_bit_23_set_and_no_other():
    encoded = "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA"
    bits = decode_list(encoded)
    assert [i for i in range(len(bits) * 8) if bit_is_set(bits, i)] == [23]


@pytest.mark.parametrize(
    "encoded", ["zabc", "u!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode()]
)
def test_a_malformed_list_is_refused(encoded):
    with pytest.raises(CredentialError):
        decode_list(encoded)


def test_the_index_is_a_decimal_string_or_a_number():
    assert list_index({"statusListIndex": "94567"}) == 94567
    assert list_index({"statusListIndex": 23}) == 23
    for bad in ("-1", "x", None, True, 1.5):
        with pytest.raises(CredentialError):
            list_index({"statusListIndex": bad})


def test_an_index_beyond_the_list_leaves_the_status_unknown():
    document = signed(diploma(status_index=10**7), KEY, METHOD)
    result = verify(document, status_list=signed(status_list(), KEY, METHOD), key_resolver=REGISTRY)
    assert result.outcome == STATUS_UNKNOWN
    assert "outside the status list" in result.reason


def test_revoked_and_not_revoked():
    document = signed(diploma(status_index=7), KEY, METHOD)
    clean = signed(status_list({6, 8}), KEY, METHOD)
    revoked = signed(status_list({7}), KEY, METHOD)
    assert verify(document, status_list=clean, key_resolver=REGISTRY).outcome == VALID
    result = verify(document, status_list=revoked, key_resolver=REGISTRY)
    assert result.outcome == REVOKED
    assert (
        result.reason
        == f"the issuer has revoked it: bit 7 of the status list {STATUS_LIST_URL} is set"
    )


def test_a_suspension_list_suspends():
    document = diploma(status_index=3)
    document["credentialStatus"]["statusPurpose"] = "suspension"
    document = signed(document, KEY, METHOD)
    suspended = status_list({3})
    suspended["credentialSubject"]["statusPurpose"] = "suspension"
    result = verify(document, status_list=signed(suspended, KEY, METHOD), key_resolver=REGISTRY)
    assert result.outcome == REVOKED
    assert "suspended" in result.reason


def test_a_list_for_another_purpose_is_not_used():
    document = signed(diploma(status_index=3), KEY, METHOD)
    other = status_list({3})
    other["credentialSubject"]["statusPurpose"] = "suspension"
    result = verify(document, status_list=signed(other, KEY, METHOD), key_resolver=REGISTRY)
    assert result.outcome == STATUS_UNKNOWN
    assert "not for 'revocation'" in result.reason


def test_a_list_of_another_issuer_is_not_used():
    document = signed(diploma(status_index=7), KEY, METHOD)
    stranger = Ed25519PrivateKey.generate()
    foreign = status_list({7})
    foreign["issuer"] = "https://stranger.example/issuer"
    foreign = signed(foreign, stranger, f"https://stranger.example/issuer#{to_multikey(stranger)}")
    result = verify(document, status_list=foreign, key_resolver=REGISTRY)
    assert result.outcome == STATUS_UNKNOWN
    assert "not by the credential's issuer" in result.reason


def test_an_unsigned_or_changed_list_is_not_used():
    document = signed(diploma(status_index=7), KEY, METHOD)
    listed = signed(status_list(), KEY, METHOD)
    unsigned = copy.deepcopy(listed)
    del unsigned["proof"]
    assert (
        "status list has no proof"
        in verify(document, status_list=unsigned, key_resolver=REGISTRY).reason
    )
    changed = copy.deepcopy(listed)
    changed["credentialSubject"]["encodedList"] = status_list({7})["credentialSubject"][
        "encodedList"
    ]
    result = verify(document, status_list=changed, key_resolver=REGISTRY)
    assert result.outcome == STATUS_UNKNOWN
    assert "signature does not match" in result.reason


def test_an_expired_list_is_not_used():
    document = signed(diploma(status_index=7), KEY, METHOD)
    stale = status_list()
    stale["validUntil"] = "2026-02-01T00:00:00Z"
    result = verify(document, status_list=signed(stale, KEY, METHOD), key_resolver=REGISTRY)
    assert result.outcome == STATUS_UNKNOWN
    assert "the status list expired" in result.reason


def test_the_list_may_be_looked_up_by_its_url():
    document = signed(diploma(status_index=7), KEY, METHOD)
    lists = {STATUS_LIST_URL: signed(status_list({7}), KEY, METHOD)}
    assert verify(document, status_list=lists.get, key_resolver=REGISTRY).outcome == REVOKED
    assert verify(document, status_list={}.get, key_resolver=REGISTRY).outcome == STATUS_UNKNOWN


def test_an_unsupported_status_type_leaves_the_status_unknown():
    document = diploma(status_index=None)
    document["credentialStatus"] = {
        "id": "https://qme.example.nl/status/1",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "1",
        "statusListCredential": STATUS_LIST_URL,
    }
    assert verify(signed(document, KEY, METHOD), key_resolver=REGISTRY).outcome == VALID
