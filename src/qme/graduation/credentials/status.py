"""W3C Bitstring Status List: `encodedList` is multibase 'u' (base64url, no padding) of a
GZIP-compressed bitstring; bit 0 is the most significant bit of the first byte."""

from __future__ import annotations

import base64
import gzip
import zlib
from typing import Any

from .errors import CredentialError

MAX_LIST_BYTES = 16 * 1024 * 1024  # a decompressed list larger than this is refused
STATUS_ENTRY = "BitstringStatusListEntry"


def decode_list(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise CredentialError("the encodedList is not multibase base64url (it must start with 'u')")
    body = encoded[1:]
    try:
        padded = body + "=" * (-len(body) % 4)
        compressed = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (ValueError, TypeError) as error:
        raise CredentialError("the encodedList is not valid base64url") from error
    try:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
        bits = decompressor.decompress(compressed, MAX_LIST_BYTES + 1)
    except zlib.error as error:
        raise CredentialError("the encodedList is not GZIP-compressed") from error
    if len(bits) > MAX_LIST_BYTES:
        raise CredentialError("the status list is too large")
    return bits


def encode_list(bits: bytes) -> str:
    """The encodedList of a bitstring (for the issuer's status list)."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def bit_is_set(bits: bytes, index: int) -> bool:
    if index < 0 or index >= len(bits) * 8:
        raise CredentialError(
            f"the statusListIndex {index} is outside the status list ({len(bits) * 8} entries)"
        )
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    mask = 0x80 >> (index % 8)
    if value:
        bits[index // 8] |= mask
    else:
        bits[index // 8] &= ~mask & 0xFF


def list_index(entry: dict[str, Any]) -> int:
    """The statusListIndex of an entry: a decimal string per the specification, or a number."""
    value = entry.get("statusListIndex")
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        index = value
    elif isinstance(value, str) and value.isdigit():
        index = int(value)
    else:
        raise CredentialError(f"the statusListIndex {value!r} is not a non-negative integer")
    if index < 0:
        raise CredentialError(f"the statusListIndex {index} is negative")
    return index
