import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qme.core import seeding


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", default=f"office@{seeding.DEMO_DOMAIN}")

    def handle(self, *args, email: str, **options) -> None:
        login = next((d for d in seeding.DEMO_LOGINS if d.email == email), None)
        if login is None or not login.needs_totp:
            raise CommandError(
                "Only the demo accounts of the programme office and examination board "
                "have a demo code."
            )
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(seeding.DEMO_TOTP_SECRET, counter)))
