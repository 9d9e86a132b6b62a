"""qme restore FILE: bring a backup back into an empty installation."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qme.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `qme backup` into an empty installation (a new, empty "
        "database and media folder): rows, files and, if the archive has them, signing keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            summary = restore_backup(Path(options["file"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.rows} rows and {summary.files} files from {summary.path}"
            + (f", with {summary.keys} signing keys" if summary.keys else "")
            + "."
        )
