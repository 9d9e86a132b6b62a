from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qme.core import seeding
from qme.reports import cache as reports_cache


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
        parser.add_argument(
            "--applications",
            type=int,
            default=50_000,
            help="national scale: applications with committee scores, about (default 50000)",
        )
        parser.add_argument(
            "--feedback",
            type=int,
            default=500_000,
            help="national scale: feedback entries, about (default 500000)",
        )

    def handle(
        self, *args, scale: str, graduates: int, applications: int, feedback: int, **options
    ) -> None:
        if min(graduates, applications, feedback) < 0:
            raise CommandError("--graduates, --applications and --feedback cannot be negative.")
        seeding.seed_demo(stdout=self.stdout)
        if scale == "national":
            seeding.seed_national(
                graduates=graduates,
                applications=applications,
                feedback=feedback,
                stdout=self.stdout,
            )
            if connection.vendor == "postgresql":
                # Fresh statistics, or the planner guesses with the tables' former sizes.
                with connection.cursor() as cursor:
                    # VACUUM also sets the visibility map, so index-only scans skip the
                    # table; it cannot run inside a transaction (as in the tests).
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        # Rows written in bulk pass no signal: report figures in the cache are out of date.
        reports_cache.forget_all()
