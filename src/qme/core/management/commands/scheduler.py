import time

from django.core.management.base import BaseCommand, CommandParser

from qme.core.schedule import enqueue_due_jobs


class Command(BaseCommand):
    help = "Put periodic jobs on the task queue when they are due (run beside `qme worker`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron).")
        parser.add_argument(
            "--interval",
            type=int,
            default=20,
            help="Seconds between checks (a job runs at most this long after it is due).",
        )

    def handle(self, *args, once: bool, interval: int, **options) -> None:
        while True:
            for name in enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
