"""Each person's own data: the GDPR access archive, the trainee's export of their record, and
erasure. The data itself comes from every app's privacy.py (see protocol.py)."""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.permissions import require

from .labels import label_for
from .models import Erasure
from .registry import erasure_order, providers
from .sweep import sweep

logger = logging.getLogger(__name__)

#: Spooled in memory up to this size, then on disk.
SPOOL_BYTES = 16 * 1024 * 1024
REASON_LENGTH = 2000


@dataclass
class Category:
    app: str
    label: str
    counts: list[tuple[str, int]]


def _count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        return 1 if any(v not in (None, "", [], {}) for v in value.values()) else 0
    return 1 if value not in (None, "") else 0


def personal_data(person: User) -> dict[str, Any]:
    """Everything every app holds about or by the person, per app."""
    return {provider.label: provider.personal_data(person) for provider in providers()}


def summary(person: User) -> dict[str, Any]:
    """What the "Your data" page lists, per app: the app's own cheap summary where it has one
    (the audit trail of an office member runs to many thousands of events), else its data."""
    found = {}
    for provider in providers():
        cheap = provider.summary(person)
        found[provider.label] = cheap if cheap is not None else provider.personal_data(person)
    return found


def categories(data: dict[str, Any]) -> list[Category]:
    """What `personal_data` (or `summary`) holds, as the page lists it: per app, each kind with a
    count."""
    by_label = {provider.label: provider for provider in providers()}
    found = []
    for app, sections in data.items():
        counts = [(label_for(key), _count(value)) for key, value in sections.items()]
        counts = [(key, n) for key, n in counts if n]
        if counts:
            found.append(Category(app=app, label=by_label[app].verbose_name, counts=counts))
    return found


def _json(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode("utf-8")


def _write_files(archive: zipfile.ZipFile, files: list[tuple[str, Any]]) -> list[str]:
    """Write stored files (FieldFile) or drawn ones (bytes); return the names that could not be
    read from storage."""
    missing = []
    seen: set[str] = set()
    for name, content in files:
        if name in seen:
            continue
        seen.add(name)
        if isinstance(content, bytes | bytearray):
            archive.writestr(name, bytes(content))
            continue
        try:
            with content.storage.open(content.name, "rb") as source, archive.open(name, "w") as out:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    out.write(chunk)
        except OSError:
            logger.warning("privacy export: a stored file is missing", extra={"file": name})
            missing.append(name)
    return missing


def _new_archive() -> tuple[IO[bytes], zipfile.ZipFile]:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned, closed by the response)
    return spool, zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED)


def _finish(spool: IO[bytes], archive: zipfile.ZipFile) -> IO[bytes]:
    archive.close()
    spool.seek(0)
    return spool


# --- GDPR access: what the system holds about a person ---


def access_archive(*, actor: User, person: User) -> IO[bytes]:
    """A ZIP with personal-data.json (every app's personal data) and the person's own files.
    For the person themselves, or the programme office on their behalf; audited."""
    if actor.pk != person.pk:
        require(actor, "privacy.manage")
    data = personal_data(person)
    spool, archive = _new_archive()
    files = [entry for provider in providers() for entry in provider.files(person)]
    missing = _write_files(archive, files)
    document = {
        "person": {"name": person.full_name, "e-mail address": person.email},
        "generated": timezone.now(),
        "files": [name for name, _content in files if name not in missing],
        "files that could not be read": missing,
        "data": data,
    }
    archive.writestr("personal-data.json", _json(document))
    record_event(actor=actor, action="privacy.personal_data_downloaded", target=person)
    return _finish(spool, archive)


# --- The trainee's record ---


def _record_providers():
    return [p for p in providers() if hasattr(p.module, "record_of")]


def trainee_record(traineeship) -> dict[str, Any]:
    """The whole record of one traineeship, as the trainee may see it (record.json), with its
    labels (statuses, kinds) in the trainee's language, whoever downloads it."""
    trainee = traineeship.trainee
    record: dict[str, Any] = {}
    with translation.override(trainee.language):
        for provider in _record_providers():
            record.update(provider.module.record_of(traineeship))
    return {
        "format": "qme-trainee-record/1",
        "exported": timezone.now(),
        "trainee": {"name": trainee.full_name, "e-mail address": trainee.email},
        "language": trainee.language,
        "traineeship": record,
    }


def record_archive(*, actor: User, traineeship) -> IO[bytes]:
    """record.json, portfolio.pdf, the evidence and deliverable files, and the diploma PDFs and
    credential. For the trainee (also after graduating or when discontinued) and the programme
    office; audited."""
    from .portfolio import portfolio_pdf

    require(actor, "privacy.export_record", traineeship)
    record = trainee_record(traineeship)
    files = [
        entry
        for provider in _record_providers()
        if hasattr(provider.module, "record_files")
        for entry in provider.module.record_files(traineeship)
    ]
    spool, archive = _new_archive()
    missing = _write_files(archive, files)
    record["files that could not be read"] = missing
    archive.writestr("record.json", _json(record))
    with translation.override(traineeship.trainee.language):
        archive.writestr("portfolio.pdf", portfolio_pdf(record))
    record_event(actor=actor, action="privacy.record_exported", target=traineeship)
    return _finish(spool, archive)


# --- Erasure ---


def erasure_blockers(person: User) -> list[str]:
    """Why the law does not allow erasing the person now; empty when nothing stands in the way."""
    blockers = []
    for provider in providers():
        blockers.extend(provider.erasure_blockers(person))
    return blockers


def is_erased(person: User) -> bool:
    return Erasure.objects.filter(person=person).exists()


@transaction.atomic
def erase(*, actor: User, person: User, reason: str, confirmation: str) -> Erasure:
    """Erase a person where the law allows it: every app deletes or anonymises what it holds,
    the account is anonymised and can no longer sign in, and the audit trail keeps one event
    that an erasure happened (when, by whom, why), naming nobody erased."""
    require(actor, "privacy.manage")
    person = User.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        raise ActionRefused(_("This person has already been erased."), code="already_erased")
    if person.pk == actor.pk:
        raise ActionRefused(_("You cannot erase yourself."), code="self")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the erasure."), code="reason")
    if len(reason) > REASON_LENGTH or "\x00" in reason:
        raise ActionRefused(
            _("Keep the reason under %(count)s characters of plain text.")
            % {"count": REASON_LENGTH},
            code="reason",
        )
    lowered = reason.lower()
    if person.email.lower() in lowered or (
        len(person.full_name.strip()) >= 4 and person.full_name.strip().lower() in lowered
    ):
        raise ActionRefused(
            _(
                "Leave the person's name and e-mail address out of the reason: the audit trail "
                "keeps the reason, and nothing of the erased person."
            ),
            code="reason",
        )
    if (confirmation or "").strip().lower() != person.email.lower():
        raise ActionRefused(
            _("Type the person's e-mail address exactly to confirm the erasure."),
            code="confirmation",
        )
    blockers = erasure_blockers(person)
    if blockers:
        raise ActionRefused(
            _("The law does not allow erasing this person yet: %(reasons)s")
            % {"reasons": " ".join(blockers)},
            code="blocked",
        )
    email, full_name = person.email, person.full_name
    with disable_auditlog():
        for provider in erasure_order():
            provider.erase(person)
        sweep(
            email=email,
            full_name=full_name,
            new_email=person.email,
            label=person.full_name,
            # The trail was swept by audit.privacy with the same patterns: its tables are the
            # largest, so they are not read twice.
            skip=(User, Erasure, AuditEvent, LogEntry),
        )
    erasure = Erasure.objects.create(person=person, erased_by=actor, reason=reason)
    record_event(
        actor=actor,
        action="person.erased",
        target=person,
        reason=reason,
        data={"erasure": erasure.pk},
    )
    return erasure
