"""`qme backup` writes one consistent archive of the database and the files; `qme restore` brings
it back into an empty installation with every record and every file, and a diploma issued before
the backup still verifies afterwards."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from qme.accounts.models import User
from qme.graduation import issuing
from qme.graduation.models import Diploma
from tests.diplomas.builders import diploma_of
from tests.training.conftest import catalogue, rules

__all__ = ["catalogue", "rules"]

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> dict[str, int]:
    skip = {"contenttypes", "auth", "sessions", "admin"}
    return {
        m._meta.label_lower: m._base_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in skip and m._meta.managed and not m._meta.proxy
    }


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _wipe() -> None:
    """A new, empty installation: no rows, no files, no keys."""
    call_command("flush", interactive=False, verbosity=0)
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.QME_SIGNING_KEY_DIR)):
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


def test_it_restores_every_record_and_file_and_the_diploma_still_verifies(
    world, rules, catalogue, tmp_path, client
):
    diploma = diploma_of(world, catalogue)
    assert issuing.verify_diploma(diploma.credential).outcome == "VALID"
    rows, files = _rows(), _files(Path(settings.MEDIA_ROOT))
    assert files, "the record has evidence files to back up"
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backup written" in out.getvalue()

    _wipe()
    assert not User.objects.exists()
    assert not _files(Path(settings.MEDIA_ROOT))

    call_command("restore", str(archive), stdout=io.StringIO())
    assert _rows() == rows
    assert _files(Path(settings.MEDIA_ROOT)) == files
    restored = Diploma.objects.get(number=diploma.number)
    assert restored.credential == diploma.credential
    assert issuing.verify_diploma(restored.credential).outcome == "VALID"
    page = client.get(f"/v/{diploma.number}/")
    assert page.status_code == 200
    assert diploma.holder_name in page.content.decode()


def test_the_archive_says_what_it_holds_and_leaves_the_keys_out_unless_asked(
    world, rules, catalogue, tmp_path
):
    diploma_of(world, catalogue)
    plain, with_keys = tmp_path / "plain.tar.gz", tmp_path / "keys.tar.gz"
    call_command("backup", str(plain), stdout=io.StringIO())
    call_command("backup", str(with_keys), "--include-keys", stdout=io.StringIO())
    with tarfile.open(plain) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
    assert "data.json" in names
    assert not [n for n in names if n.startswith("keys/")]
    assert manifest["rows"]["graduation.diploma"] == 1
    assert manifest["migrations"]["graduation"]
    assert set(manifest["files"]) == {n for n in names if n.startswith("media/")}
    with tarfile.open(with_keys) as archive:
        assert [n for n in archive.getnames() if n.startswith("keys/") and n.endswith(".pem")]
    assert oct(plain.stat().st_mode & 0o777) == "0o600"


def test_a_restore_without_keys_signs_with_a_new_key_and_old_diplomas_still_verify(
    world, rules, catalogue, tmp_path
):
    diploma = diploma_of(world, catalogue)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    _wipe()
    call_command("restore", str(archive), stdout=io.StringIO())
    old_method = diploma.credential["proof"]["verificationMethod"]
    method, _private = issuing.signing_key()
    assert method != old_method
    assert issuing.verify_diploma(Diploma.objects.get().credential).outcome == "VALID"


def test_it_refuses_to_restore_over_existing_data(world, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    people = User.objects.count()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert User.objects.count() == people


def test_it_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some text")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_it_refuses_an_archive_that_writes_outside_its_folders(db, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        for name, content in (
            ("manifest.json", json.dumps({"format": 1, "migrations": {}, "rows": {}, "files": {}})),
            ("data.json", "[]"),
            ("media/../../escaped.txt", "gotcha"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content.encode()))
    with pytest.raises(CommandError, match="unsafe entry"):
        call_command("restore", str(evil))
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_it_refuses_a_damaged_file(world, rules, catalogue, tmp_path):
    diploma_of(world, catalogue)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("media/"):
                content = content + b"tampered"
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    _wipe()
    with pytest.raises(CommandError, match="does not match the manifest"):
        call_command("restore", str(damaged), stdout=io.StringIO())
    assert not User.objects.exists(), "a refused restore changes nothing"
    assert not _files(Path(settings.MEDIA_ROOT))


def test_it_never_overwrites_an_existing_archive(db, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"precious")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"precious"
