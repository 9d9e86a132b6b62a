"""Time the batch work on the seeded national data set.

    python bench/batch.py RESULTS.json      (DATABASE_URL and the QME_* settings in the env)

Each job runs inside a transaction that is rolled back afterwards, so the database is the same
before and after and the benchmark can be repeated: the data-retention job, the feedback
reminder jobs, issuing 1,000 diplomas (the diplomas of 1,000 graduates are taken away inside the
transaction and issued again, signing each), one full trainee export, and verifying 1,000
credentials. Files that the jobs write go to the benchmark's own data folder.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from prepare import _setup


class Rollback(Exception):
    pass


def timed(name: str, job: Callable[[], object], results: list[dict]) -> None:
    from django.db import transaction

    began = time.perf_counter()
    outcome: object = None
    try:
        with transaction.atomic():
            outcome = job()
            elapsed = time.perf_counter() - began
            raise Rollback
    except Rollback:
        pass
    results.append({"name": name, "seconds": round(elapsed, 2)})
    print(f"  {name:<45} {elapsed:8.2f} s  ({outcome})", flush=True)


def retention() -> int:
    from qme.selection import services

    return services.delete_expired_applicant_data()


def reminders() -> int:
    from qme.feedback import services

    return services.send_cadence_reminders() + services.send_request_reminders()


def issue_diplomas(count: int = 1000) -> int:
    from qme.graduation import issuing
    from qme.graduation.models import Diploma

    diplomas = list(
        Diploma.objects.filter(revoked_at__isnull=True, replaces__isnull=True)
        .select_related("case")
        .order_by("-pk")[:count]
    )
    if len(diplomas) < count:
        raise SystemExit(f"bench: the data set has {len(diplomas)} diplomas, not {count}")
    cases = [diploma.case for diploma in diplomas]
    Diploma.objects.filter(pk__in=[d.pk for d in diplomas]).delete()
    for case in cases:
        issuing.issue_diploma(case=case)
    return len(cases)


def trainee_export() -> int:
    """The full record of a graduate as the programme office downloads it: the ZIP with the
    JSON, the files, the diplomas and the PDF portfolio. Returns its size in bytes."""
    from qme.organisations.models import Role, RoleKind
    from qme.privacy import services
    from qme.training.models import Traineeship

    office = Role.objects.current().filter(kind=RoleKind.PROGRAMME_OFFICE).first().user
    traineeship = (
        Traineeship.objects.filter(status="completed", diplomas__isnull=False)
        .order_by("pk")
        .first()
    )
    archive = services.record_archive(actor=office, traineeship=traineeship)
    return len(archive.read())


def verify_credentials(count: int = 1000) -> int:
    from qme.graduation import issuing
    from qme.graduation.models import Diploma

    credentials = list(Diploma.objects.order_by("pk").values_list("credential", flat=True)[:count])
    if len(credentials) < count:
        raise SystemExit(f"bench: the data set has {len(credentials)} diplomas, not {count}")
    outcomes = {}
    for credential in credentials:
        outcome = issuing.verify_diploma(credential).outcome
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def main() -> int:
    _setup()
    out = Path(sys.argv[1])
    results: list[dict] = []
    timed("data-retention job", retention, results)
    timed("feedback reminder jobs", reminders, results)
    timed("issue 1,000 diplomas", issue_diplomas, results)
    timed("one full trainee export", trainee_export, results)
    timed("verify 1,000 credentials", verify_credentials, results)
    out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
