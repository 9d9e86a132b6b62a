"""From a hospital's request to a position that applicants find (issue 3), in a real browser.

A hospital coordinator writes and submits a request, the programme office asks for a change,
the coordinator answers, resolves and resubmits, the office approves and publishes, and an
anonymous visitor finds the position on a phone. Each person keeps their own browser context
for the whole journey, so the office signs in (with its two-factor step) only once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from qme.positions.models import Position, PositionRequest, RequestComment

from ..conftest import TOTP_SECRET
from ..factories import DepartmentFactory
from .helpers import PHONE, html_lang, path_of, sign_in

pytestmark = pytest.mark.browser

TITLE = "Smart infusion pump alarms on the ICU"
CHANGE = "Please say who in the department the trainee can learn from, besides the doctor."
ANSWER = "Two clinical physicists and a biomedical engineer work on the ICU every day."
BETTER_CLIMATE = (
    "Two clinical physicists, a biomedical engineer and the ICU's research nurses, "
    "with a weekly technology meeting."
)
PUBLIC_TITLE = "QME trainee: quieter, smarter ICU alarms"
PUBLIC_DESCRIPTION = "You design an alarm strategy for infusion pumps together with ICU doctors."


def _click(page, name: str, *, within=None) -> None:
    """Press the button (or link) with this accessible name and wait for the next page."""
    scope = within if within is not None else page.locator("main")
    target = scope.get_by_role("button", name=name, exact=True)
    if target.count() == 0:
        target = scope.get_by_role("link", name=name, exact=True)
    with page.expect_navigation():
        target.first.click()


def _flash(page) -> str:
    return page.locator(".messages").inner_text()


def _mails_to(person) -> list:
    return [message for message in mail.outbox if person.email in message.to]


def test_a_hospital_request_becomes_a_position_that_a_visitor_finds_on_a_phone(
    world, new_page, live_server
):
    department = DepartmentFactory(organisation=world.hospital_a, name="Intensive Care")
    start = timezone.localdate() + dt.timedelta(days=180)
    mail.outbox.clear()

    # --- The coordinator starts a request: a draft, which says what is still missing.
    coordinator = new_page()
    sign_in(coordinator, world.coordinator_a.email)
    coordinator.goto("/requests/")
    _click(coordinator, "New request")
    assert path_of(coordinator) == "/requests/new/"
    assert world.hospital_a.name in coordinator.locator("main").inner_text()
    coordinator.select_option("#id_department", str(department.pk))
    coordinator.fill("#id_title", TITLE)
    coordinator.fill("#id_clinical_problem", "Nurses on the ICU hear hundreds of alarms a day.")
    _click(coordinator, "Save draft")
    request = PositionRequest.objects.get(title=TITLE)
    assert path_of(coordinator) == f"/requests/{request.pk}/"
    assert request.hospital == world.hospital_a
    assert request.status == "draft"
    missing = coordinator.locator("main .card", has_text="Still missing before you can submit")
    assert missing.count() == 1
    still_missing = missing.inner_text()
    for message in (
        "Outline the design project.",
        "Name the medical doctor who is the clinical partner.",
        "Name the hospital supervisor.",
        "Give the intended start date.",
        "Confirm that the funding is in place.",
    ):
        assert message in still_missing
    assert "Describe the clinical problem." not in still_missing
    assert coordinator.get_by_role("button", name="Submit the request").count() == 0

    # Completing it in stages: a start date in the past is still not enough.
    _click(coordinator, "Complete the request")
    assert path_of(coordinator) == f"/requests/{request.pk}/edit/"
    coordinator.fill("#id_project_outline", "Design and test an alarm filter on one ICU ward.")
    coordinator.fill("#id_expected_result", "Half the non-actionable alarms, none missed.")
    coordinator.select_option("#id_medical_doctor", str(world.doctor_a.pk))
    coordinator.select_option("#id_hospital_supervisor", str(world.supervisor_a.pk))
    coordinator.fill("#id_intended_start", "2020-09-01")
    coordinator.check("#id_commits_employment")
    coordinator.check("#id_commits_funding")
    coordinator.check("#id_commits_workplace")
    coordinator.fill("#id_training_climate", "A clinical physicist works on the ICU.")
    _click(coordinator, "Save draft")
    assert path_of(coordinator) == f"/requests/{request.pk}/"
    still_missing = coordinator.locator("main").inner_text()
    assert "The intended start must be in the future." in still_missing
    assert "Name the medical doctor" not in still_missing
    assert coordinator.get_by_role("button", name="Submit the request").count() == 0

    _click(coordinator, "Edit")
    assert coordinator.locator("#id_commits_funding").is_checked()
    coordinator.fill("#id_intended_start", start.isoformat())
    _click(coordinator, "Save draft")
    assert "Ready to submit" in coordinator.locator("main").inner_text()
    _click(coordinator, "Submit the request")
    request.refresh_from_db()
    assert request.status == "submitted"
    assert request.submission_count == 1
    assert request.intended_start == start
    assert (request.medical_doctor, request.hospital_supervisor) == (
        world.doctor_a,
        world.supervisor_a,
    )
    assert (request.commits_employment, request.commits_funding, request.commits_workplace) == (
        True,
        True,
        True,
    )
    assert "programme office has been notified" in _flash(coordinator)
    # A submitted request cannot be edited.
    assert coordinator.locator(f"main a[href='/requests/{request.pk}/edit/']").count() == 0
    response = coordinator.goto(f"/requests/{request.pk}/edit/")
    assert response.status in (403, 404)
    assert PositionRequest.objects.get(pk=request.pk).title == TITLE

    submitted = _mails_to(world.office)
    assert len(submitted) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert TITLE in submitted[0].subject
    assert f"/requests/{request.pk}/" in submitted[0].body

    # --- The programme office finds it in the queue and asks for a change.
    office = new_page()
    sign_in(office, world.office.email, totp_secret=TOTP_SECRET)
    office.goto("/requests/?status=submitted")
    queue = office.locator("#results")
    assert queue.locator("tbody tr").count() == 1
    with office.expect_navigation():
        queue.get_by_role("link", name=TITLE).click()
    assert path_of(office) == f"/requests/{request.pk}/"
    office.fill("#id_comment", CHANGE)
    _click(office, "Ask for changes")
    request.refresh_from_db()
    assert request.status == "changes_requested"
    assert "Changes requested" in office.locator("main .lede").inner_text()

    changes_mail = _mails_to(world.coordinator_a)
    assert len(changes_mail) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert "Changes requested" in changes_mail[0].subject
    assert CHANGE in changes_mail[0].body
    assert f"/requests/{request.pk}/" in changes_mail[0].body

    # --- The coordinator sees the comment, answers it, resolves it, edits and resubmits.
    coordinator.goto(f"/requests/{request.pk}/")
    comment = coordinator.locator("#comments li.comment.change-request")
    assert CHANGE in comment.inner_text()
    assert world.office.full_name in comment.inner_text()
    comment.locator("summary").click()
    comment.get_by_label("Your answer").fill(ANSWER)
    _click(coordinator, "Send answer", within=comment)
    comment = coordinator.locator("#comments li.comment.change-request")
    assert ANSWER in comment.locator(".reply").inner_text()
    _click(coordinator, "Mark as resolved", within=comment)
    comment = coordinator.locator("#comments li.comment.change-request")
    assert "resolved" in comment.locator(".pill.ok").inner_text()
    change_request = RequestComment.objects.get(request=request, is_change_request=True)
    assert change_request.resolved_by == world.coordinator_a
    assert change_request.replies.get().body == ANSWER

    _click(coordinator, "Edit")
    coordinator.fill("#id_training_climate", BETTER_CLIMATE)
    _click(coordinator, "Save draft")
    _click(coordinator, "Submit again")
    request.refresh_from_db()
    assert request.status == "submitted"
    assert request.submission_count == 2
    assert request.training_climate == BETTER_CLIMATE
    assert "2 times" in coordinator.locator("main").inner_text()

    # --- The office sees the answer, approves and chooses the university and its supervisor.
    office.goto(f"/requests/{request.pk}/")
    conversation = office.locator("#comments").inner_text()
    assert CHANGE in conversation
    assert ANSWER in conversation
    assert BETTER_CLIMATE in office.locator("main").inner_text()
    _click(office, "Approve")
    assert path_of(office) == f"/requests/{request.pk}/approve/"
    office.select_option("#id_university", str(world.university.pk))
    office.select_option("#id_university_supervisor", str(world.university_supervisor.pk))
    _click(office, "Approve")
    position = Position.objects.get(request=request)
    request.refresh_from_db()
    assert request.status == "approved"
    assert (request.university, request.university_supervisor) == (
        world.university,
        world.university_supervisor,
    )
    assert position.status == "draft"

    # The approval leads to the position's texts; the office writes them, then publishes.
    assert path_of(office) == f"/manage/positions/{position.pk}/edit/"
    assert office.locator("#id_title_en").input_value() == TITLE
    deadline = dt.date.fromisoformat(office.locator("#id_application_deadline").input_value())
    assert timezone.localdate() < deadline < start
    assert office.locator("#id_start_date").input_value() == start.isoformat()
    office.fill("#id_title_en", PUBLIC_TITLE)
    office.fill("#id_title_nl", "AIOS QME: stillere, slimmere IC-alarmen")
    office.fill("#id_description_en", PUBLIC_DESCRIPTION)
    office.fill("#id_description_nl", "Je ontwerpt samen met IC-artsen een alarmstrategie.")
    office.fill("#id_requirements_en", "Interest in signal processing.")
    _click(office, "Save")
    assert path_of(office) == f"/manage/positions/{position.pk}/"
    assert "Not yet published" in office.locator("main .lede").inner_text()
    _click(office, "Publish")
    position.refresh_from_db()
    assert position.status == "open"
    assert position.published_at is not None
    assert position.application_deadline == deadline
    assert "Open for applications" in office.locator("main .lede").inner_text()

    coordinator_mails = [m.subject for m in _mails_to(world.coordinator_a)]
    approvals = [m for m in _mails_to(world.coordinator_a) if "approved" in m.subject]
    assert len(approvals) == 1, coordinator_mails
    assert TITLE in approvals[0].subject
    assert world.university.name in approvals[0].body
    assert f"/requests/{request.pk}/" in approvals[0].body
    # The office heard of both submissions (and of the coordinator's answer).
    office_subjects = [m.subject for m in _mails_to(world.office)]
    assert sum(TITLE in subject and "again" in subject for subject in office_subjects) == 1, (
        office_subjects
    )
    # The people named on the request hear of the approval too.
    for person in (world.doctor_a, world.supervisor_a, world.university_supervisor):
        assert any("approved" in m.subject for m in _mails_to(person)), person.email

    # --- An anonymous visitor finds the position on a phone.
    visitor = new_page(viewport=PHONE)
    response = visitor.goto("/positions/")
    assert response.status == 200
    card = visitor.locator("#results article", has_text=PUBLIC_TITLE)
    assert card.count() == 1
    assert world.hospital_a.name in card.inner_text()
    with visitor.expect_navigation():
        card.get_by_role("link", name=PUBLIC_TITLE).click()
    assert path_of(visitor) == f"/positions/{position.pk}/"
    assert visitor.locator("main h1").inner_text() == PUBLIC_TITLE
    with translation.override(html_lang(visitor)):
        shown_deadline = formats.date_format(deadline, "DATE_FORMAT")
    facts = visitor.locator("main dl.facts")
    assert facts.get_by_text(world.hospital_a.name).first.is_visible()
    assert facts.get_by_text(shown_deadline).is_visible()
    assert visitor.get_by_text(PUBLIC_DESCRIPTION).is_visible()
    page_text = visitor.locator("main").inner_text()
    # Nothing personal the hospital did not choose to publish.
    for private in (
        world.coordinator_a.full_name,
        world.doctor_a.full_name,
        world.supervisor_a.email,
        CHANGE,
        ANSWER,
    ):
        assert private not in page_text
    assert visitor.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the position page makes a phone scroll sideways"

    # The request detail is not public.
    visitor.goto(f"/requests/{request.pk}/")
    assert path_of(visitor) == "/accounts/login/"
