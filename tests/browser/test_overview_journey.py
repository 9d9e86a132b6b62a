"""The overview for every role (issue 8), in a real browser.

Olga of the programme office opens the app on her phone: Olaf, who has had no feedback from the
hospital for 40 days, is on her home page among the trainees at risk, with the reason, and one
click takes her to his traineeship. Tim records two plan items for sign-off; Ulla, his university
supervisor, sees the unread count in the header, opens one notification, lands on the record to
sign off, and the count goes down; "Mark all read" clears the rest. Olga opens the pipeline
report, narrows it to one hospital, and the table and its CSV download give the same figures; on
a phone the report does not scroll sideways. axe finds no serious problem on the notifications,
the reports and a report page at desktop and phone width.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from qme.feedback import services as feedback
from qme.feedback.models import Feedback
from qme.notifications.models import Notification
from qme.training import services as training

from ..conftest import TOTP_SECRET
from ..factories import UserFactory
from ..reports.factories import application_to, offer_for, position_at, request_at, traineeship_at
from ..training.factories import approved_plan, catalogue_for, recorded, rules_for, traineeship_of
from .helpers import DESKTOP, PHONE, path_of, sign_in
from .test_accessibility import AxeReport

pytestmark = pytest.mark.browser

D = dt.date


def _main(page) -> str:
    return page.locator("main").inner_text()


def _flash(page) -> str:
    return page.locator(".messages").inner_text()


def _no_sideways_scrolling(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{path_of(page)} is {width}px wide"


# --- Trainees at risk ---


def _overdue_olaf(world):
    """Olaf: university feedback 5 days ago, hospital feedback 40 days ago."""
    olaf = training.create_traineeship(
        actor=None,
        trainee=UserFactory(full_name="Olaf Overdue"),
        hospital=world.hospital_a,
        university=world.university,
        start_date=timezone.localdate() - dt.timedelta(days=120),
        university_supervisor=world.university_supervisor,
        hospital_supervisor=world.supervisor_a,
        medical_doctor=world.doctor_a,
    )
    for author, days in ((world.university_supervisor, 5), (world.supervisor_a, 40)):
        given = feedback.give_feedback(
            actor=author,
            traineeship=olaf,
            competencies=list(feedback.current_framework().competencies.all()[:2]),
            rating=4,
            went_well="You explained the alarm filter clearly to the ICU nurses on Tuesday.",
            to_improve="You had no validation numbers ready when Dirk asked for them.",
            next_step="Bring the validation numbers of ward 4 to next week's meeting.",
        )
        Feedback.objects.filter(pk=given.pk).update(
            given_at=timezone.now() - dt.timedelta(days=days)
        )
    return olaf


def test_the_office_sees_a_trainee_at_risk_on_a_phone_and_opens_the_traineeship(
    world, new_page, live_server
):
    olaf = _overdue_olaf(world)

    office = new_page(viewport=PHONE)
    sign_in(office, world.office.email, totp_secret=TOTP_SECRET)
    assert path_of(office) == "/"
    at_risk = office.locator("[data-group=at_risk]")
    assert "Trainees at risk" in at_risk.locator("h3").inner_text()
    assert at_risk.locator("h3 .pill").inner_text().strip() == "1"
    flagged = at_risk.locator("li", has_text="Olaf Overdue")
    assert flagged.count() == 1
    assert "no feedback: hospital 40 days" in flagged.inner_text()
    assert "university" not in flagged.inner_text()
    assert "Amstelland Medisch Centrum" in flagged.inner_text()
    _no_sideways_scrolling(office)

    # One click from the action: the link leads to Olaf's traineeship.
    with office.expect_navigation():
        flagged.get_by_role("link", name="Olaf Overdue").click()
    assert path_of(office) == reverse("training:detail", args=[olaf.pk])
    assert "Olaf Overdue" in _main(office)


# --- Notifications ---


def _header_count(page) -> int:
    """The unread count in the header (0 when there is no badge)."""
    badge = page.locator("#notifications-link .count-badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_a_supervisor_follows_a_notification_to_the_sign_off_and_marks_all_read(
    world, new_page, live_server
):
    catalogue = catalogue_for()
    rules_for(catalogue)
    tim = traineeship_of(world)
    plan = approved_plan(tim, catalogue)
    items = list(plan.items.exclude(kind="clinical_project").order_by("pk")[:2])
    first, second = (recorded(tim, item) for item in items)
    asks = Notification.objects.filter(
        recipient=world.university_supervisor, kind="sign_off_requested"
    ).order_by("pk")
    assert asks.count() == 2
    unread = Notification.objects.filter(
        recipient=world.university_supervisor, read_at__isnull=True
    ).count()
    assert unread >= 2
    others_unread = (
        Notification.objects.filter(read_at__isnull=True)
        .exclude(recipient=world.university_supervisor)
        .count()
    )

    ulla = new_page(viewport=DESKTOP)
    sign_in(ulla, world.university_supervisor.email)
    assert path_of(ulla) == "/"
    link = ulla.locator("#notifications-link")
    assert _header_count(ulla) == unread
    assert link.get_attribute("aria-label") == f"Notifications: {unread} unread"

    with ulla.expect_navigation():
        link.click()
    assert path_of(ulla) == "/notifications/"
    notification = asks.first()
    assert notification.link == reverse("training:record", args=[first.pk])
    entry = ulla.locator(f"#notification-{notification.pk}")
    assert "new" in entry.inner_text()
    with ulla.expect_navigation():
        entry.get_by_role("link", name=notification.title).click()
    # She lands on the record she is asked to sign off, and the count is one lower.
    assert path_of(ulla) == reverse("training:record", args=[first.pk])
    assert items[0].title in _main(ulla)
    assert _header_count(ulla) == unread - 1
    notification.refresh_from_db()
    assert notification.read_at is not None

    # The list shows it read; "Mark all read" clears the rest, the other sign-off too.
    ulla.goto("/notifications/")
    assert ulla.locator(f"#notification-{notification.pk}.unread").count() == 0
    assert ulla.locator(f"#notification-{asks.last().pk}.unread").count() == 1
    assert asks.last().link == reverse("training:record", args=[second.pk])
    with ulla.expect_navigation():
        ulla.get_by_role("button", name="Mark all read").click()
    assert path_of(ulla) == "/notifications/"
    assert "All notifications are marked read." in _flash(ulla)
    assert _header_count(ulla) == 0
    assert ulla.locator("#notifications-link").get_attribute("aria-label") is None
    assert ulla.locator(".notification.unread").count() == 0
    assert not Notification.objects.filter(
        recipient=world.university_supervisor, read_at__isnull=True
    ).exists()
    # Nobody else's notifications were touched.
    assert (
        Notification.objects.filter(read_at__isnull=True)
        .exclude(recipient=world.university_supervisor)
        .count()
        == others_unread
    )


# --- Reports ---


def _pipeline_data(world) -> None:
    """Hospital A: two submitted requests (and a draft), two positions with five applications,
    an offer and a trainee. Hospital B: one request, a position with two applications, an
    offer and a trainee."""
    a, b, office = world.hospital_a, world.hospital_b, world.office
    request_at(a, office, intended_start=D(2025, 9, 1))
    request_at(a, office, intended_start=D(2025, 9, 1), submitted=False)
    first = position_at(a, world.university, office, D(2025, 9, 1))
    second = position_at(a, world.university, office, D(2025, 9, 1))
    applications = [application_to(first) for _ in range(3)]
    application_to(first, submitted=False)
    applications += [application_to(second) for _ in range(2)]
    offer_for(applications[0], office)
    traineeship_at(a, world.university, D(2025, 9, 1))
    position_b = position_at(b, world.university, office, D(2026, 9, 1))
    offer_for(application_to(position_b), office)
    application_to(position_b)
    traineeship_at(b, world.university, D(2026, 9, 1))


def _table_rows(page) -> list[list[str]]:
    return page.locator("section[aria-labelledby=table-pipeline] table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def _table_totals(page) -> list[str]:
    return page.locator("section[aria-labelledby=table-pipeline] table tfoot tr").evaluate(
        "r => Array.from(r.cells).map(c => c.innerText.trim())"
    )


MAASOEVER = ["Ziekenhuis De Maasoever", "1", "1", "2", "2.0", "1", "1"]


def test_the_office_filters_the_pipeline_by_hospital_and_downloads_the_same_figures(
    world, new_page, live_server
):
    _pipeline_data(world)

    office = new_page(viewport=DESKTOP)
    sign_in(office, world.office.email, totp_secret=TOTP_SECRET)
    office.goto("/reports/")
    with office.expect_navigation():
        office.get_by_role("link", name="Pipeline", exact=True).click()
    assert path_of(office) == "/reports/pipeline/"
    assert [row[0] for row in _table_rows(office)] == [
        "Amstelland Medisch Centrum",
        "Ziekenhuis De Maasoever",
    ]

    office.locator("#id_hospital").select_option(label="Ziekenhuis De Maasoever")
    with office.expect_navigation():
        office.get_by_role("button", name="Filter").click()
    assert path_of(office) == "/reports/pipeline/"
    assert f"hospital={world.hospital_b.pk}" in office.url
    assert _table_rows(office) == [MAASOEVER]
    assert _table_totals(office) == ["All hospitals", *MAASOEVER[1:]]
    assert "Amstelland" not in office.locator(".report-section").inner_text()
    assert "Applications: 2" in office.locator("svg.chart").text_content()

    section = office.locator("section[aria-labelledby=table-pipeline]")
    with office.expect_download() as download_info:
        section.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "qme-pipeline-pipeline.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Hospital",
        "Requests",
        "Positions",
        "Applications",
        "Applicants per position",
        "Offers",
        "Trainees",
    ]
    assert rows[1] == MAASOEVER
    assert rows[2] == ["All hospitals", *MAASOEVER[1:]]
    assert len(rows) == 3

    # On a phone the filtered report does not scroll sideways.
    phone = new_page(viewport=PHONE)
    sign_in(phone, world.office.email, totp_secret=TOTP_SECRET)
    phone.goto(f"/reports/pipeline/?hospital={world.hospital_b.pk}")
    assert "Ziekenhuis De Maasoever" in phone.locator(".report-section").inner_text()
    _no_sideways_scrolling(phone)
    phone.goto("/reports/")
    _no_sideways_scrolling(phone)


# --- Accessibility ---


def test_notifications_and_reports_have_no_serious_accessibility_problems(
    world, new_page, live_server
):
    _pipeline_data(world)
    catalogue = catalogue_for()
    rules_for(catalogue)
    tim = traineeship_of(world)
    plan = approved_plan(tim, catalogue)
    recorded(tim, plan.items.exclude(kind="clinical_project").first())
    report = AxeReport()

    page = new_page()
    sign_in(page, world.university_supervisor.email)
    report.visit(page, "/notifications/", "notifications with unread ones")
    page.context.close()

    page = new_page()
    sign_in(page, world.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, "/notifications/", "notifications, programme office")
    report.visit(page, "/reports/", "reports")
    # The pipeline's bar chart scrolls sideways on a phone: its figure takes keyboard focus.
    report.visit(page, "/reports/pipeline/", "pipeline report")
    report.visit(page, "/reports/regions/", "hospitals by province report")
    report.visit(
        page, f"/reports/regions/?hospital={world.hospital_b.pk}", "province report, filtered"
    )
    page.context.close()

    assert report.pages_checked == 12
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )
