"""`qme verify FILE [--status-list FILE]`: verify a credential offline, one line, an exit code.

Prints one line starting with VALID, INVALID (with the reason), REVOKED or STATUS UNKNOWN, and
exits 0, 1, 2 or 3 respectively. FILE is a credential as JSON, or a PDF with one attached.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from qme.graduation.credentials import (
    INVALID,
    STATUS_UNKNOWN,
    CredentialError,
    KeyResolver,
    VerificationResult,
    credential_from_file,
    verify,
)


def application_key_resolver() -> KeyResolver | None:
    """The application's own issuer keys, when a factory for them is configured
    (setting GRADUATION_KEY_RESOLVER: the dotted path of a function returning a key resolver)."""
    path = getattr(settings, "GRADUATION_KEY_RESOLVER", None)
    return import_string(path)() if path else None


class Command(BaseCommand):
    help = (
        "Verify an Open Badges 3.0 credential (JSON, or a PDF with one attached) offline. "
        "Prints VALID, INVALID (with the reason), REVOKED or STATUS UNKNOWN and exits "
        "0, 1, 2 or 3."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the credential: a JSON file, or a PDF with it attached")
        parser.add_argument(
            "--status-list",
            dest="status_list",
            help="the BitstringStatusListCredential (JSON) that the credential points to",
        )

    def handle(self, *args: Any, file: str, status_list: str | None, **options: Any) -> None:
        result = self.verify_file(file, status_list)
        self.stdout.write(result.line)
        raise SystemExit(result.exit_code)

    def verify_file(self, file: str, status_list_file: str | None) -> VerificationResult:
        try:
            document = credential_from_file(file)
        except CredentialError as error:
            return VerificationResult(INVALID, str(error), codes=(error.code,))
        status_list = None
        status_list_problem = None
        if status_list_file:
            try:
                status_list = credential_from_file(status_list_file)
            except CredentialError as error:
                status_list_problem = f"the status list file cannot be used: {error}"
        result = verify(document, status_list=status_list, key_resolver=application_key_resolver())
        if result.outcome == STATUS_UNKNOWN and status_list_problem:
            return VerificationResult(
                STATUS_UNKNOWN,
                f"{result.reason}; {status_list_problem}",
                result.credential,
                result.issuer_id,
                result.verification_method,
                result.key_source,
                result.codes,
            )
        return result
