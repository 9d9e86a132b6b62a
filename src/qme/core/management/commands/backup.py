"""qme backup [FILE] [--include-keys]: one consistent archive of the database and the files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qme.core.backup import BackupError, create_backup, default_name


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database and the uploaded files to one .tar.gz "
        "archive (see qme.core.backup). --include-keys adds the issuer's private signing keys: "
        "keep such an archive as safely as the keys themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the archive to write (default: a dated name)")
        parser.add_argument("--include-keys", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["file"] or default_name())
        try:
            summary = create_backup(path, include_keys=options["include_keys"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {summary.path}: {summary.rows} rows, {summary.files} files"
            + (f", {summary.keys} signing keys" if summary.keys else "")
            + "."
        )
