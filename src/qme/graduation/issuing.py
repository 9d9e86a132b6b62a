"""Issuing the diploma: the signed Open Badges 3.0 credential, the revocation status list, the
issuer's published keys, and revoking or reissuing. One function per change."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import secrets
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.mail import notify_people
from qme.core.permissions import require
from qme.positions.models import Position, PositionStatus
from qme.training.models import Traineeship, TraineeshipStatus

from .credentials import KeyRegistry, encode_list, from_multikey, sign, to_multikey, verify
from .credentials.proof import xsd_datetime
from .credentials.status import set_bit
from .models import Diploma, GraduationCase, IssuerKey, StatusList

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ISSUER_NAME = (
    "QME Programme Office — Qualified Medical Engineer (EngD), 4TU Stan Ackermans Institute"
)


def issuer_id() -> str:
    return settings.SITE_URL + "/credentials/issuer"


def status_list_url() -> str:
    return settings.SITE_URL + "/credentials/status/1"


# --- Keys ---


def _key_dir() -> Path:
    path = Path(settings.QME_SIGNING_KEY_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_private(key_id: str, key: Ed25519PrivateKey) -> None:
    path = _key_dir() / f"{key_id}.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _read_private(key_id: str) -> Ed25519PrivateKey:
    path = _key_dir() / f"{key_id}.pem"
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ActionRefused(_("The signing key is not an Ed25519 key."))
    return key


@transaction.atomic
def rotate_signing_key() -> IssuerKey:
    """A new active key; the old ones stay published for verifying earlier diplomas."""
    private = Ed25519PrivateKey.generate()
    key_id = f"key-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(2)}"
    _write_private(key_id, private)
    IssuerKey.objects.filter(active=True).update(active=False)
    key = IssuerKey.objects.create(key_id=key_id, public_multikey=to_multikey(private), active=True)
    record_event(actor=None, action="issuer.key_rotated", target=key)
    return key


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    """The verification method and private key to sign with (generated once for the demo)."""
    key = IssuerKey.objects.filter(active=True).first()
    if key is None or not (_key_dir() / f"{key.key_id}.pem").exists():
        key = rotate_signing_key()
    return f"{issuer_id()}#{key.key_id}", _read_private(key.key_id)


def key_registry() -> KeyRegistry:
    return KeyRegistry(
        {
            issuer_id(): {
                f"{issuer_id()}#{k.key_id}": from_multikey(k.public_multikey)
                for k in IssuerKey.objects.all()
            }
        }
    )


def issuer_profile() -> dict[str, Any]:
    methods = [
        {
            "id": f"{issuer_id()}#{k.key_id}",
            "type": "Multikey",
            "controller": issuer_id(),
            "publicKeyMultibase": k.public_multikey,
        }
        for k in IssuerKey.objects.order_by("created_at")
    ]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": settings.SITE_URL,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


# --- The status list ---


def _status_list(lock: bool = False) -> StatusList:
    qs = StatusList.objects.select_for_update() if lock else StatusList.objects.all()
    current = qs.filter(pk=1).first()
    if current is None:
        try:
            with transaction.atomic():
                current = StatusList.objects.create(pk=1)
        except IntegrityError:
            current = qs.get(pk=1)
        _sign_status_list(current)
    return current


def _sign_status_list(current: StatusList) -> None:
    method, private = signing_key()
    document = {
        "@context": [VC_CONTEXT],
        "id": status_list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": xsd_datetime(datetime.now(tz=UTC)),
        "credentialSubject": {
            "id": status_list_url() + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bytes(current.bits)),
        },
    }
    current.credential = sign(document, private, method)
    current.updated_at = timezone.now()
    current.save(update_fields=["credential", "updated_at"])


def status_list_credential() -> dict[str, Any]:
    return _status_list().credential


def status_resolver(url: str) -> dict[str, Any] | None:
    return status_list_credential() if url == status_list_url() else None


# --- Issuing ---


def _email_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _credential(diploma: Diploma, traineeship: Traineeship) -> dict[str, Any]:
    return credential_for(
        number=diploma.number,
        holder_name=diploma.holder_name,
        email=traineeship.trainee.email,
        issued_at=diploma.issued_at,
        status_index=diploma.status_index,
        salt=secrets.token_hex(8),
    )


def credential_for(
    *,
    number: str,
    holder_name: str,
    email: str,
    issued_at: datetime,
    status_index: int,
    salt: str,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of a diploma."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": settings.SITE_URL + reverse("graduation:public_diploma", args=[number]),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": settings.SITE_URL,
        },
        "validFrom": xsd_datetime(issued_at),
        "name": "Qualified Medical Engineer — Engineering Doctorate (EngD)",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": holder_name,
                    "identityType": "name",
                    "hashed": False,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": _email_hash(email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                },
            ],
            "achievement": {
                "id": settings.SITE_URL + "/credentials/achievements/qme-engd",
                "type": ["Achievement"],
                "achievementType": "ProfessionalDoctorate",
                "name": "Qualified Medical Engineer (EngD)",
                "description": (
                    "Certified QME diploma: a two-year, hospital-based, university-managed "
                    "post-master design programme in medical engineering, entitling the holder "
                    "to the degree "
                    "Engineering Doctorate (EngD)."
                ),
                "criteria": {
                    "narrative": "120 EC, including an individual design project of about 60 EC, "
                    "assessed on the EngD design criteria; decided by the examination board."
                },
                "creditsAvailable": 120,
            },
            "creditsEarned": 120,
        },
        "credentialSchema": [{"id": SCHEMA, "type": "JsonSchema"}],
        "credentialStatus": {
            "id": f"{status_list_url()}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(),
        },
    }


def _sign_chunk(
    seed: bytes, method: str, chunk: list[tuple[dict[str, Any], str]]
) -> list[dict[str, Any]]:
    """Sign documents with their proof's `created` (in a worker process of `sign_many`)."""
    key = Ed25519PrivateKey.from_private_bytes(seed)
    return [sign(document, key, method, created=created) for document, created in chunk]


def sign_many(
    documents: list[tuple[dict[str, Any], str]], *, workers: int | None = None
) -> list[dict[str, Any]]:
    """Sign many credentials with the active key, in order, each with its own `created`; for the
    bulk seed. Worker processes share the work when there is much of it and more than one core:
    signing is CPU-bound (canonicalisation), and each process signs independently."""
    method, private = signing_key()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(documents) < 400:
        return _sign_chunk(seed, method, documents)
    size = -(-len(documents) // (workers * 4))
    chunks = [documents[i : i + size] for i in range(0, len(documents), size)]
    # Forked workers only sign: they never touch the database connection they inherit.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(_sign_chunk, [seed] * len(chunks), [method] * len(chunks), chunks)
        return [signed for chunk in results for signed in chunk]


def _next_number(year: int) -> str:
    prefix = f"QME-{year}-"
    # Longest first: as text, QME-2026-9999 sorts after QME-2026-10000.
    last = (
        Diploma.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


@transaction.atomic
def issue_diploma(*, case: GraduationCase, holder_name: str | None = None) -> Diploma:
    """Issue the diploma of a granted case. Issuing twice gives the same diploma."""
    case = (
        GraduationCase.objects.select_for_update()
        .select_related("traineeship__trainee")
        .get(pk=case.pk)
    )
    existing = Diploma.objects.filter(traineeship=case.traineeship, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    if case.status != "granted":
        raise ActionRefused(_("Only a granted graduation gives a diploma."), code="not_granted")
    traineeship = case.traineeship
    status = _status_list(lock=True)
    index = status.next_index
    status.next_index += 1
    status.save(update_fields=["next_index"])
    diploma = Diploma(
        traineeship=traineeship,
        case=case,
        number=_next_number(timezone.localdate().year),
        holder_name=holder_name or traineeship.trainee.full_name,
        status_index=index,
        credential={},
    )
    method, private = signing_key()
    diploma.credential = sign(_credential(diploma, traineeship), private, method)
    diploma.save()
    traineeship.status = TraineeshipStatus.COMPLETED
    traineeship.save(update_fields=["status"])
    if traineeship.position_id:
        Position.objects.filter(pk=traineeship.position_id).exclude(
            status=PositionStatus.CANCELLED
        ).update(status=PositionStatus.COMPLETED, status_changed_at=timezone.now())
    record_event(
        actor=None, action="diploma.issued", target=diploma, data={"number": diploma.number}
    )
    notify_people(
        [traineeship.trainee],
        "diploma_issued",
        {"number": diploma.number},
        link=reverse("graduation:my_diploma", args=[diploma.number]),
        attachments=diploma_attachments(diploma),
    )
    return diploma


def diploma_attachments(diploma: Diploma) -> list[tuple[str, bytes | str, str]]:
    """What the graduate receives by e-mail: the PDF diploma and supplement (each with the
    signed credential inside) and the credential itself."""
    from . import documents

    return [
        (f"{diploma.number}.pdf", documents.diploma_pdf(diploma), "application/pdf"),
        (
            f"{diploma.number}-supplement.pdf",
            documents.supplement_pdf(diploma),
            "application/pdf",
        ),
        (f"{diploma.number}.json", _json(diploma.credential), "application/ld+json"),
    ]


def _json(document: dict[str, Any]) -> str:
    import json

    return json.dumps(document, indent=2, ensure_ascii=False)


@transaction.atomic
def revoke(*, actor: User, diploma: Diploma, reason: str) -> Diploma:
    require(actor, "graduation.propose")
    diploma = Diploma.objects.select_for_update().get(pk=diploma.pk)
    if diploma.revoked_at is not None:
        raise ActionRefused(_("This diploma has already been revoked."), code="already_revoked")
    if not reason.strip():
        raise ActionRefused(_("Give the reason of the revocation."), code="reason_required")
    if "\x00" in reason or len(reason.strip()) > 2000:
        raise ActionRefused(
            _("Give the reason as text of at most 2000 characters."), code="invalid_reason"
        )
    status = _status_list(lock=True)
    bits = bytearray(status.bits)
    set_bit(bits, diploma.status_index)
    status.bits = bytes(bits)
    status.save(update_fields=["bits"])
    _sign_status_list(status)
    diploma.revoked_at, diploma.revoked_by, diploma.revoked_reason = (
        timezone.now(),
        actor,
        reason.strip(),
    )
    diploma.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    record_event(actor=actor, action="diploma.revoked", target=diploma, reason=reason.strip())
    return diploma


@transaction.atomic
def reissue(*, actor: User, diploma: Diploma, reason: str, holder_name: str = "") -> Diploma:
    """Revoke and issue anew (for example with a corrected name); the old one points to the new."""
    if "\x00" in holder_name or len(holder_name.strip()) > 200:
        raise ActionRefused(
            _("Give the name as text of at most 200 characters."), code="invalid_name"
        )
    old = revoke(actor=actor, diploma=diploma, reason=reason)
    new = issue_diploma(case=old.case, holder_name=holder_name.strip() or old.holder_name)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    record_event(
        actor=actor,
        action="diploma.reissued",
        target=new,
        reason=reason.strip(),
        data={"replaces": old.number},
    )
    return new


def verify_diploma(document: dict[str, Any]):
    """Verify a credential against our own keys and status list (offline)."""
    return verify(document, status_list=status_resolver, key_resolver=key_registry())


def installed_key_registry() -> KeyRegistry:
    """The issuer's keys for `qme verify`, when this installation's database can be read."""
    from django.db import DatabaseError

    try:
        return key_registry()
    except DatabaseError:
        # Still claim our issuer, so that a key it does not know (a forger's key in the
        # verification method's fragment) is refused rather than trusted.
        return KeyRegistry({issuer_id(): {}})
