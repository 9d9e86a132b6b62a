"""Choose the pages to measure in the seeded database, sign in a person of each role, and count
each page's database queries in-process.

    python bench/prepare.py SPECS.json          (DATABASE_URL and the QME_* settings in the env)
    python bench/prepare.py --cleanup SPECS.json

Each page is requested once through Django's test client against the same database as the
server, with CaptureQueriesContext counting its queries; a page that does not answer its expected
status with its expected content stops the benchmark here. The sessions are real sessions in the
session store (Django's login), so the load driver's requests are signed in like a browser's.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BENCH_MARK = "Benchmark feedback"


@dataclass
class Page:
    name: str
    path: str
    user: object | None = None
    expect: str = ""
    method: str = "GET"
    data: dict | None = None
    status: int = 200
    headers: dict = field(default_factory=dict)


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qme.settings")
    import django

    django.setup()


def _person(kind: str, **filters):
    from qme.organisations.models import Role

    role = (
        Role.objects.current()
        .filter(kind=kind, user__is_active=True, **filters)
        .select_related("user")
        .order_by("pk")
    )
    found = role.first()
    if found is None:
        raise SystemExit(f"bench: the database has nobody with the role {kind}; seed it first")
    return found.user


def pages() -> list[Page]:
    from django.db.models import Count, Exists, OuterRef
    from django.urls import NoReverseMatch, reverse

    from qme.feedback.models import Review
    from qme.graduation.models import Diploma
    from qme.organisations.models import Role, RoleKind
    from qme.positions.selectors import public_positions
    from qme.selection.models import Application, ScoreSheet, Stage
    from qme.training.models import Traineeship, TraineeshipStatus

    office = _person(RoleKind.PROGRAMME_OFFICE)
    coordinated = Role.objects.current().filter(
        organisation=OuterRef("hospital"), kind=RoleKind.HOSPITAL_COORDINATOR
    )
    active = (
        Traineeship.objects.filter(status=TraineeshipStatus.ACTIVE)
        .filter(Exists(coordinated))
        .exclude(hospital_supervisor=None)
        .exclude(university_supervisor=None)
        .annotate(n_feedback=Count("feedback"))
        .filter(n_feedback__gt=0)
        .select_related("trainee", "hospital_supervisor", "university_supervisor")
        .order_by("-n_feedback", "pk")
    )
    # The national data set gives its trainees no medical doctor (only the demo's have one).
    doctor = (
        Traineeship.objects.filter(status=TraineeshipStatus.ACTIVE)
        .exclude(medical_doctor=None)
        .select_related("medical_doctor")
        .order_by("pk")
        .first()
    )
    trainee_ship = active.first()
    if trainee_ship is None:
        raise SystemExit("bench: no active traineeship with feedback; seed the national data set")
    # Submitting feedback goes to another trainee, so the record page measured stays the same.
    giving = active.exclude(pk=trainee_ship.pk).first()
    coordinator = _person(RoleKind.HOSPITAL_COORDINATOR, organisation=trainee_ship.hospital)
    scored_stage = (
        Stage.objects.filter(Exists(ScoreSheet.objects.filter(stage=OuterRef("pk"))))
        .filter(position__status="selection")
        .annotate(n=Count("position__applications", distinct=True))
        .order_by("-n", "pk")
        .select_related("position")
        .first()
    )
    member = (
        scored_stage.position.committee.filter(
            sheets__stage=scored_stage, sheets__submitted_at__isnull=False
        )
        .select_related("user")
        .order_by("pk")
        .first()
        if scored_stage
        else None
    )
    review = (
        Review.objects.filter(traineeship=trainee_ship).order_by("-due_on").first()
        or Review.objects.exclude(outcome="").order_by("-pk").first()
    )
    diploma = Diploma.objects.filter(revoked_at__isnull=True).order_by("pk").first()
    applicant = Application.objects.select_related("applicant").order_by("-pk").first()
    board = _person(RoleKind.EXAMINATION_BOARD)
    position = public_positions().order_by("pk").first()

    result = [
        Page("floor", reverse("session_status"), trainee_ship.trainee, '"signed_in": true'),
        Page("home: programme office", "/", office, office.get_short_name()),
        Page("home: hospital coordinator", "/", coordinator, coordinator.get_short_name()),
        Page(
            "home: hospital supervisor",
            "/",
            trainee_ship.hospital_supervisor,
            trainee_ship.hospital_supervisor.get_short_name(),
        ),
        Page(
            "home: university supervisor",
            "/",
            trainee_ship.university_supervisor,
            trainee_ship.university_supervisor.get_short_name(),
        ),
        Page("home: trainee", "/", trainee_ship.trainee, trainee_ship.trainee.get_short_name()),
        Page("home: examination board", "/", board, board.get_short_name()),
        Page("open positions (public)", reverse("positions:public_list"), None, "</main>"),
        Page(
            "trainee record",
            reverse("training:detail", args=[trainee_ship.pk]),
            trainee_ship.hospital_supervisor,
            trainee_ship.trainee.full_name,
        ),
        Page(
            "trainee feedback",
            reverse("feedback:list", args=[trainee_ship.pk]),
            trainee_ship.hospital_supervisor,
            trainee_ship.trainee.full_name,
        ),
        Page(
            "public diploma verification",
            reverse("graduation:public_diploma", args=[diploma.number]) if diploma else "",
            None,
            diploma.number if diploma else "",
        ),
    ]
    if member is not None:
        result.insert(
            8, Page("home: committee member", "/", member.user, member.user.get_short_name())
        )
        result.append(
            Page(
                "applications with the committee's scores",
                reverse("selection:results", args=[scored_stage.position_id, scored_stage.pk]),
                member.user,
                "</table>",
            )
        )
    if doctor is not None:
        result.insert(5, Page("home: medical doctor", "/", doctor.medical_doctor, "</main>"))
    if applicant is not None:
        result.insert(9, Page("home: applicant", "/", applicant.applicant, "</main>"))
    if review is not None:
        result.append(
            Page(
                "progress review",
                reverse("feedback:review", args=[review.traineeship_id, review.pk]),
                office,
                "</main>",
            )
        )
    if giving is not None:
        data = {
            "subject": BENCH_MARK,
            "competencies": _competency_ids()[:2],
            "rating": "3",
            "went_well": "You planned the MRI phantom measurements on 12 March with the physicist "
            "and documented every sequence parameter in the shared protocol.",
            "to_improve": "Write the uncertainty budget for the SNR measurement before the next "
            "session, with each source and its magnitude in a table.",
            "next_step": "Present the uncertainty budget at the department meeting on Thursday.",
        }
        result.append(
            Page(
                "submit feedback",
                reverse("feedback:give", args=[giving.pk]),
                giving.hospital_supervisor,
                "",
                method="POST",
                data=data,
                status=302,
            )
        )
    # Every report of the programme office.
    try:
        from qme.reports.views import REPORTS
    except ImportError:
        REPORTS = {}
    for slug in REPORTS:
        result.append(
            Page(f"report: {slug}", reverse("reports:report", args=[slug]), office, "</table>")
        )
    for name in (
        "api-v1:list_requests",
        "api-v1:list_positions",
        "api-v1:list_traineeships",
        "api-v1:list_people",
        "api-v1:list_organisations",
        "api-v1:open_positions",
        "api-v1:list_cases",
    ):
        try:
            path = reverse(name)
        except NoReverseMatch:
            continue
        result.append(Page(f"API: {path}", path, office, '"items"'))
    if position is not None:
        result.append(
            Page(
                "open position (public)",
                reverse("positions:public_detail", args=[position.pk]),
                None,
                "</main>",
            )
        )
    return [page for page in result if page.path]


def _competency_ids() -> list[str]:
    from qme.feedback import services

    return [
        str(pk) for pk in services.current_framework().competencies.values_list("pk", flat=True)
    ]


def _session(user, cache: dict) -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    if user is None:
        return {}
    if user.pk not in cache:
        client = Client()
        client.force_login(user)
        csrf = secrets.token_hex(
            16
        )  # an unmasked 32-character secret, valid as cookie and form token
        cache[user.pk] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: csrf,
        }
    return cache[user.pk]


def _check(page: Page, response) -> str | None:
    if response.status_code != page.status:
        return f"{page.name}: {page.path} answered {response.status_code}, expected {page.status}"
    if page.expect and page.expect.encode() not in response.content:
        return f"{page.name}: {page.path} answered without {page.expect!r}"
    return None


def build(out: Path) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qme.reports import cache as versioned

    sessions: dict = {}
    specs = []
    for page in pages():
        cookies = _session(page.user, sessions)
        client = Client(HTTP_HOST="127.0.0.1")
        for key, value in cookies.items():
            client.cookies[key] = value
        body = None
        if page.method == "POST":
            data = dict(page.data or {})
            data["csrfmiddlewaretoken"] = cookies[settings.CSRF_COOKIE_NAME]
            body = urlencode(data, doseq=True)
        # The first view with nothing kept (every version of the versioned cache moved on):
        # what the first reader after a change waits for. Then the view the load repeats.
        versioned.forget_all()
        with CaptureQueriesContext(connection) as first:
            if body is None:
                client.get(page.path)
            else:
                client.generic(
                    "POST", page.path, body, content_type="application/x-www-form-urlencoded"
                )
        queries_first = len(first)
        with CaptureQueriesContext(connection) as queries:
            if body is None:
                response = client.get(page.path)
            else:
                response = client.generic(
                    "POST", page.path, body, content_type="application/x-www-form-urlencoded"
                )
        problem = _check(page, response)
        if problem:
            raise SystemExit(f"bench: {problem}")
        spec = asdict(page)
        spec.pop("user")
        spec.pop("data")
        spec.update(cookies=cookies, body=body, queries=len(queries), queries_first=queries_first)
        specs.append(spec)
        print(
            f"  {page.name:<45} {len(queries):>3} queries ({queries_first} at first)  {page.path}",
            flush=True,
        )
    out.write_text(json.dumps(specs, indent=2))


def cleanup() -> None:
    """Remove what the measured form submissions created, so that runs can be repeated."""
    from qme.feedback.models import Feedback

    deleted, _ = Feedback.objects.filter(subject=BENCH_MARK).delete()
    print(f"  removed {deleted} rows created by the benchmark's submissions")


def main() -> int:
    _setup()
    args = sys.argv[1:]
    if args and args[0] == "--cleanup":
        cleanup()
        return 0
    build(Path(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
