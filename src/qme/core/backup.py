"""Backup and restore of a whole installation: the database and the uploaded files.

A backup is one .tar.gz archive:

    manifest.json   format version, when, from which database, the applied migrations, the
                    number of rows per model and the list of files with their sizes and SHA-256
    data.json       every row of every model (Django's serialisation with natural keys for
                    content types and permissions, which a fresh installation creates itself)
    media/...       the uploaded files (applications, evidence, deliverables, diploma PDFs)
    keys/...        only with --include-keys: the issuer's private signing keys

The rows are read in one transaction (REPEATABLE READ on PostgreSQL), so they are one consistent
moment even while people keep working. Files are copied after the rows: they are only ever added
or deleted, never changed in place, so every file the rows name is there unless it was deleted
in the meantime (the manifest then simply does not list it).

Restoring needs an empty installation (no people in the database): it migrates the database to
the backup's migrations, loads the rows with the audit history switched off (the rows already
carry their own history), puts the files back, checks every file against the manifest, and then
migrates forward to the installed version. Without the private keys a restored installation
signs with a new key on its first diploma; earlier diplomas stay verifiable because the public
keys are rows in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
#: Rows a fresh installation makes itself (migrate) or that must never travel (sign-ins).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    path: Path
    rows: int
    files: int
    keys: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed:
            continue
        if label.split(".")[0] in EXCLUDED or label in EXCLUDED:
            continue
        counts[label] = model._base_manager.count()
    return counts


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(content))


def create_backup(output: Path, *, include_keys: bool = False) -> Summary:
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qme-backup-") as work:
        data = Path(work) / "data.json"
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = _row_counts()
            migrations = _migrations()
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                natural_foreign=True,
                output=str(data),
                verbosity=0,
            )
        media_root = Path(settings.MEDIA_ROOT)
        key_root = Path(settings.QME_SIGNING_KEY_DIR)
        media = [(p, "media/" + p.relative_to(media_root).as_posix()) for p in _files(media_root)]
        keys = (
            [(p, "keys/" + p.relative_to(key_root).as_posix()) for p in _files(key_root)]
            if include_keys
            else []
        )
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "rows": counts,
            "files": {name: {"size": p.stat().st_size, "sha256": _sha256(p)} for p, name in media},
            "keys": [name for _p, name in keys],
        }
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
                archive.add(data, "data.json")
                for path, name in media + keys:
                    archive.add(path, name)
            partial.chmod(0o600)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(output, sum(counts.values()), len(media), len(keys))


def _installation_is_empty() -> bool:
    from qme.accounts.models import User
    from qme.organisations.models import Organisation

    return not User.objects.exists() and not Organisation.objects.exists()


def _safe_member(member: tarfile.TarInfo) -> PurePosixPath:
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
        raise BackupError(f"The archive holds an unsafe entry ({member.name!r}); it is refused.")
    return name


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError("This file is not a QME backup (it has no readable manifest).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')!r}; expected {FORMAT}.")
    return manifest


def _migrate_to(migrations: dict[str, list[str]]) -> None:
    """Bring the empty database to the backup's schema (it may be older than the code)."""
    known = _migrations()
    call_command("migrate", verbosity=0, interactive=False)
    for app, names in migrations.items():
        if app in known and names and names[-1] != sorted(known[app])[-1]:
            call_command("migrate", app, names[-1], verbosity=0, interactive=False)


def _stage_files(archive: tarfile.TarFile, manifest: dict, staging: Path) -> tuple[int, int]:
    """Extract the files to a staging folder and check each against the manifest, before
    anything in the installation changes."""
    files = keys = 0
    for member in archive.getmembers():
        name = _safe_member(member)
        if not member.isfile() or name.parts[0] not in {"media", "keys"}:
            continue
        target = staging.joinpath(*name.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(member) as handle, target.open("wb") as out:  # type: ignore[union-attr]
            shutil.copyfileobj(handle, out)
        if name.parts[0] == "keys":
            keys += 1
            continue
        expected = manifest["files"].get(name.as_posix())
        if expected is None or _sha256(target) != expected["sha256"]:
            raise BackupError(f"{name} does not match the manifest: the backup is damaged.")
        files += 1
    if files != len(manifest["files"]):
        raise BackupError("Files listed in the manifest are missing: the backup is damaged.")
    return files, keys


def _move_into_place(staging: Path, folder: str, root: Path, mode: int | None = None) -> None:
    source = staging / folder
    if not source.is_dir():
        return
    for path in _files(source):
        target = root / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        if mode is not None:
            target.chmod(mode)


def restore_backup(source: Path) -> Summary:
    """Check the whole archive first; only a sound backup changes the installation."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the `with` below
        members = archive.getmembers()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{source} is not a readable backup archive ({error}).") from error
    with archive, tempfile.TemporaryDirectory(prefix="qme-restore-") as work:
        manifest = read_manifest(archive)
        for member in members:
            _safe_member(member)
        call_command("migrate", verbosity=0, interactive=False)
        if not _installation_is_empty():
            raise BackupError(
                "This installation already holds data. Restore into an empty database "
                "(a new DATABASE_URL, migrated), so that nothing is overwritten."
            )
        staging = Path(work) / "files"
        files, keys = _stage_files(archive, manifest, staging)
        data = Path(work) / "data.json"
        try:
            with archive.extractfile("data.json") as handle, data.open("wb") as out:  # type: ignore[union-attr]
                shutil.copyfileobj(handle, out)
        except KeyError as error:
            raise BackupError("The backup has no data.json: it is damaged.") from error
        _migrate_to(manifest["migrations"])
        from auditlog.context import disable_auditlog

        with transaction.atomic(), disable_auditlog():
            call_command("loaddata", str(data), verbosity=0)
        _move_into_place(staging, "media", Path(settings.MEDIA_ROOT))
        _move_into_place(staging, "keys", Path(settings.QME_SIGNING_KEY_DIR), 0o600)
        call_command("migrate", verbosity=0, interactive=False)
    return Summary(source, sum(manifest["rows"].values()), files, keys)


def default_name() -> str:
    return f"qme-backup-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.tar.gz"
