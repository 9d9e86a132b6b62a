from django.core.management.base import BaseCommand, CommandError, CommandParser

from qme.core import seeding


class Command(BaseCommand):
    help = (
        "Load demo data (--scale demo) or a large synthetic national data set (--scale national)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument(
            "--graduates",
            type=int,
            default=10000,
            help="national scale: graduates with signed diplomas, in all (default 10000)",
        )

    def handle(self, *args, scale: str, graduates: int, **options) -> None:
        if graduates < 0:
            raise CommandError("--graduates cannot be negative.")
        seeding.seed_demo(stdout=self.stdout)
        if scale == "national":
            seeding.seed_national(graduates=graduates, stdout=self.stdout)
