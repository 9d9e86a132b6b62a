from django.core.management.base import BaseCommand, CommandParser

from qme.core import seeding


class Command(BaseCommand):
    help = (
        "Load demo data (--scale demo) or a large synthetic national data set (--scale national)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")

    def handle(self, *args, scale: str, **options) -> None:
        seeding.seed_demo(stdout=self.stdout)
        if scale == "national":
            seeding.seed_national(stdout=self.stdout)
