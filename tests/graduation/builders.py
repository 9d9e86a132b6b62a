"""A QME diploma as an Open Badges 3.0 credential, and its status list, for the tests."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qme.graduation.credentials import encode_list, sign, to_multikey
from qme.graduation.credentials.jsonld import CREDENTIALS_V2, OB_CONTEXT_3_0_3, OB_EXTENSIONS

ISSUER = "https://qme.example.nl/graduation/issuer"
STATUS_LIST_URL = "https://qme.example.nl/graduation/status/1"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


def diploma(*, status_index: int | None = 7) -> dict[str, Any]:
    salt = "c2FsdHlzYWx0"
    email_hash = hashlib.sha256(("a.jansen@example.nl" + salt).encode()).hexdigest()
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_CONTEXT_3_0_3, OB_EXTENSIONS],
        "id": "https://qme.example.nl/graduation/diplomas/QME-2026-0042",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Diploma Qualified Medical Engineer",
        "issuer": {
            "id": ISSUER,
            "type": ["Profile"],
            "name": "QME Programme Office",
            "url": "https://qme.example.nl/",
        },
        "validFrom": "2026-06-30T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Anna Jansen",
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": f"sha256${email_hash}",
                    "identityType": "emailAddress",
                    "salt": salt,
                }
            ],
            "creditsEarned": 120,
            "achievement": {
                "id": "https://qme.example.nl/graduation/achievements/engd-qme",
                "type": ["Achievement"],
                "achievementType": "ProfessionalDoctorate",
                "name": "Engineering Doctorate (EngD) Qualified Medical Engineer",
                "description": "The two-year post-master programme for medical engineers in hospitals.",
                "criteria": {"narrative": "All components completed; design project sufficient."},
                "creditsAvailable": 120,
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if status_index is not None:
        document["credentialStatus"] = {
            "id": f"{STATUS_LIST_URL}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": STATUS_LIST_URL,
        }
    return document


def status_list(revoked: set[int] = frozenset(), size: int = 16 * 1024) -> dict[str, Any]:
    bits = bytearray(size)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return {
        "@context": [CREDENTIALS_V2],
        "id": STATUS_LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{STATUS_LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bytes(bits)),
        },
    }


def signed(
    document: dict[str, Any], key: Ed25519PrivateKey, method: str | None = None
) -> dict[str, Any]:
    method = method or f"{ISSUER}#{to_multikey(key)}"
    return sign(copy.deepcopy(document), key, method, created="2026-06-30T10:00:00Z")
