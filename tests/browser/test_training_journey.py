"""Training in the hospital (issue 5), in a real browser.

The trainee drafts an individual training plan from the catalogue and items of their own, seeing
what the plan still lacks until it meets the cohort's rules, and sends it for approval. The
university supervisor approves it (the plan then waits for the hospital supervisor), the hospital
supervisor approves it too. The trainee records a course as completed with a PDF certificate; the
university supervisor, already signed in on a phone, opens the link in the e-mail and signs it off
with one tap (opening the link signs nothing), and the trainee's progress shows the EC earned.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from qme.training import services as training
from qme.training.models import (
    CatalogueItem,
    Curriculum,
    ItemKind,
    ItemRecord,
    PlanStatus,
    RecordStatus,
    TrainingPlan,
)

from .helpers import PHONE, path_of, sign_in

pytestmark = pytest.mark.browser

REGULATION = "Medical device regulation"
HUMAN_FACTORS = "Human factors in healthcare"
ETHICS = "Clinical ethics"
AUDIT = "Dose audit of the paediatric CT protocols"
DESIGN = "Quieter, smarter ICU alarms"


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


def _main(page) -> str:
    return page.locator("main").inner_text()


def _mails_to(person) -> list:
    return [message for message in mail.outbox if person.email in message.to]


def _path_in(message) -> str:
    """The path of the link to this site in an e-mail."""
    match = re.search(r"https?://[^/\s]+(/\S*)", message.body)
    assert match, message.body
    return match.group(1)


def _lacks(page) -> str:
    """What the plan page says the plan still lacks ("" when it meets the rules)."""
    card = page.locator("main .card", has_text="What the plan still lacks")
    return card.inner_text() if card.count() else ""


def _add(page, *, catalogue: CatalogueItem | None = None, own: dict | None = None, start, end):
    """Add a component on the plan page: from the catalogue, or one of the trainee's own."""
    form = page.locator("main form", has=page.get_by_role("button", name="Add", exact=True))
    if catalogue is not None:
        form.locator("#id_catalogue_item").select_option(str(catalogue.pk))
    else:
        form.locator("#id_kind").select_option(own["kind"])
        form.locator("#id_title").fill(own["title"])
        form.locator("#id_ec").fill(own["ec"])
    form.locator("#id_planned_start").fill(start.isoformat())
    form.locator("#id_planned_end").fill(end.isoformat())
    _click(page, "Add", within=form)
    assert "The item has been added." in _flash(page), _main(page)


def test_a_trainee_plans_completes_a_course_and_the_supervisor_signs_it_off_on_a_phone(
    world, new_page, browser, live_server
):
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    regulation = CatalogueItem.objects.create(
        kind=ItemKind.COURSE,
        title_en=REGULATION,
        title_nl="Regelgeving medische hulpmiddelen",
        provider="University of Twente",
        ec=Decimal("3"),
    )
    human_factors = CatalogueItem.objects.create(
        kind=ItemKind.COURSE,
        title_en=HUMAN_FACTORS,
        title_nl="Human factors in de zorg",
        provider="TU Delft",
        ec=Decimal("2"),
        format="online",
    )
    ethics = CatalogueItem.objects.create(
        kind=ItemKind.WORKSHOP,
        title_en=ETHICS,
        title_nl="Klinische ethiek",
        provider="Amstelland Academy",
        ec=Decimal("1"),
    )
    curriculum = Curriculum.objects.create(
        cohort_year=start.year,
        total_ec=12,
        design_project_ec=4,
        course_ec=5,
        clinical_project_ec=2,
    )
    curriculum.mandatory.add(ethics)
    traineeship = training.create_traineeship(
        actor=world.office,
        trainee=world.trainee_a,
        hospital=world.hospital_a,
        university=world.university,
        start_date=start,
        university_supervisor=world.university_supervisor,
        hospital_supervisor=world.supervisor_a,
        medical_doctor=world.doctor_a,
        design_project_title=DESIGN,
    )
    assert traineeship.curriculum == curriculum
    mail.outbox.clear()

    # --- The trainee drafts a plan: first empty, and told what it lacks.
    trainee = new_page()
    sign_in(trainee, world.trainee_a.email)
    trainee.goto("/training/")
    _click(trainee, world.trainee_a.full_name)
    assert path_of(trainee) == f"/training/{traineeship.pk}/"
    _click(trainee, "Training plan")
    assert path_of(trainee) == f"/training/{traineeship.pk}/plan/"
    assert "No plan yet." in _main(trainee)
    _click(trainee, "Draft your plan")
    assert "A new version of your plan is ready to edit." in _flash(trainee)
    assert "Version 1 · Draft" in _main(trainee)
    lacks = _lacks(trainee)
    assert "The plan has 0 EC" in lacks
    assert "asks for 12" in lacks
    assert "Course: 0 EC planned, at least 5" in lacks
    assert "Clinical project: 0 EC planned, at least 2" in lacks
    assert "Design project: 0 EC planned, at least 4" in lacks
    assert f"The mandatory component “{ETHICS}” is missing." in lacks

    # From the catalogue: the title and EC come with the item.
    _add(
        trainee,
        catalogue=regulation,
        start=start + dt.timedelta(days=7),
        end=start + dt.timedelta(days=35),
    )
    lacks = _lacks(trainee)
    assert "Course: 3" in lacks
    assert "at least 5" in lacks
    assert f"“{ETHICS}”" in lacks
    components = trainee.locator("main table.data").inner_text()
    assert REGULATION in components
    assert "University of Twente" in components
    _add(
        trainee,
        catalogue=ethics,
        start=start + dt.timedelta(days=40),
        end=start + dt.timedelta(days=41),
    )
    _add(
        trainee,
        catalogue=human_factors,
        start=today + dt.timedelta(days=30),
        end=today + dt.timedelta(days=90),
    )
    lacks = _lacks(trainee)
    assert "Course:" not in lacks
    assert "mandatory" not in lacks
    assert "Clinical project: 0 EC planned, at least 2" in lacks

    # An own item without a title is refused on the page, with the form kept.
    form = trainee.locator("main form", has=trainee.get_by_role("button", name="Add", exact=True))
    form.locator("#id_kind").select_option(ItemKind.CLINICAL_PROJECT)
    form.locator("#id_planned_start").fill((today + dt.timedelta(days=60)).isoformat())
    form.locator("#id_planned_end").fill((today + dt.timedelta(days=150)).isoformat())
    _click(trainee, "Add", within=form)
    assert "This field is required for an item of your own." in _main(trainee)
    assert trainee.locator("main table.data tbody tr").count() == 3

    # Items of the trainee's own: a clinical project and the design project.
    _add(
        trainee,
        own={"kind": ItemKind.CLINICAL_PROJECT, "title": AUDIT, "ec": "2"},
        start=today + dt.timedelta(days=60),
        end=today + dt.timedelta(days=150),
    )
    assert "Clinical project:" not in _lacks(trainee)
    _add(
        trainee,
        own={"kind": ItemKind.DESIGN_PROJECT, "title": DESIGN, "ec": "4"},
        start=start,
        end=start + dt.timedelta(days=600),
    )
    assert _lacks(trainee) == ""
    assert "The plan meets the requirements of your cohort." in _main(trainee)
    assert trainee.locator("main table.data tbody tr").count() == 5

    trainee.fill("#plan-note", "My first plan.")
    _click(trainee, "Send to my supervisors")
    assert "Your plan has been sent to both supervisors for approval." in _flash(trainee)
    assert "Version 1 · Waiting for approval" in _main(trainee)
    assert trainee.get_by_role("button", name="Add", exact=True).count() == 0
    plan = TrainingPlan.objects.get(traineeship=traineeship)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.items.count() == 5
    asked = {
        person.email: len(_mails_to(person))
        for person in (world.university_supervisor, world.supervisor_a)
    }
    assert asked == {world.university_supervisor.email: 1, world.supervisor_a.email: 1}

    # Until the plan is approved, its items show on the timeline but cannot be recorded yet.
    trainee.goto(f"/training/{traineeship.pk}/")
    timeline = trainee.locator("main .timeline")
    assert REGULATION in timeline.inner_text()
    assert timeline.get_by_role("link", name=REGULATION).count() == 0

    # --- The university supervisor approves first: the plan waits for the hospital supervisor.
    ulla = new_page()
    sign_in(ulla, world.university_supervisor.email)
    _click(ulla, f"Approve the training plan of {world.trainee_a.full_name} (version 1)")
    assert path_of(ulla) == f"/training/{traineeship.pk}/plan/"
    assert "The plan meets the requirements of your cohort." in _main(ulla)
    _click(ulla, "Approve the plan")
    assert "Your approval has been recorded." in _flash(ulla)
    approval = ulla.locator("main .card", has_text="Approval").inner_text()
    assert f"approved by {world.university_supervisor.full_name}" in approval
    assert "waiting" in approval
    assert "Version 1 · Waiting for approval" in _main(ulla)
    assert ulla.get_by_role("button", name="Approve the plan").count() == 0
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.university_approved_by == world.university_supervisor
    assert plan.hospital_approved_at is None

    # --- The hospital supervisor approves second: the plan is approved.
    sara = new_page()
    sign_in(sara, world.supervisor_a.email)
    _click(sara, f"Approve the training plan of {world.trainee_a.full_name} (version 1)")
    assert f"approved by {world.university_supervisor.full_name}" in _main(sara)
    _click(sara, "Approve the plan")
    assert "Your approval has been recorded." in _flash(sara)
    assert "Version 1 · Approved" in _main(sara)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.hospital_approved_by == world.supervisor_a
    assert len(_mails_to(world.trainee_a)) == 1  # "your plan has been approved"

    # --- The trainee records the course as completed, with a PDF certificate.
    trainee.goto(f"/training/{traineeship.pk}/")
    assert "0 / 12" in trainee.locator("main .grid").first.inner_text()
    _click(trainee, REGULATION, within=trainee.locator("main .timeline"))
    item = plan.items.get(title=REGULATION)
    assert path_of(trainee) == f"/training/{traineeship.pk}/items/{item.pk}/record/"
    completed_on = today - dt.timedelta(days=3)
    trainee.fill("#id_completed_on", completed_on.isoformat())
    trainee.fill("#id_grade", "8.5")
    trainee.set_input_files(
        "#id_evidence",
        {
            "name": "certificate-mdr.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
            b"% certificate\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        },
    )
    trainee.fill("#id_note", "Passed the exam in Enschede.")
    _click(trainee, "Save")
    assert path_of(trainee) == f"/training/{traineeship.pk}/"
    assert "Recorded. Your supervisor has been asked to sign it off." in _flash(trainee)
    record = ItemRecord.objects.get(traineeship=traineeship)
    assert (record.title, record.completed_on, record.grade) == (REGULATION, completed_on, "8.5")
    assert record.status == RecordStatus.RECORDED
    assert record.evidence
    row = trainee.locator("main .timeline-row", has_text=REGULATION)
    assert "Waiting for sign-off" in row.inner_text()

    # The course's sign-off is asked of the university supervisor, by e-mail with a link.
    asks = [m for m in _mails_to(world.university_supervisor) if REGULATION in m.body]
    assert len(asks) == 1, [(m.to, m.subject) for m in mail.outbox]
    link = _path_in(asks[0])
    assert link == f"/training/records/{record.pk}/"
    assert not [m for m in _mails_to(world.supervisor_a) if REGULATION in m.body]

    # The link alone, without signing in, signs nothing: it asks to sign in.
    stranger = new_page(viewport=PHONE)
    stranger.goto(link)
    assert path_of(stranger) == "/accounts/login/"
    record.refresh_from_db()
    assert record.status == RecordStatus.RECORDED
    stranger.context.close()

    # --- On a phone, already signed in: tap 1 opens the link, tap 2 signs off.
    phone = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    phone.set_default_timeout(15_000)
    try:
        ulla_phone = phone.new_page()
        sign_in(ulla_phone, world.university_supervisor.email)
        ulla_phone.goto(link)
        assert path_of(ulla_phone) == link
        shown = _main(ulla_phone)
        assert REGULATION in shown
        assert world.trainee_a.full_name in shown
        assert "Waiting for sign-off" in shown
        assert "8.5" in shown
        assert ulla_phone.get_by_role("link", name="Download the evidence (PDF)").count() == 1
        record.refresh_from_db()
        assert record.status == RecordStatus.RECORDED, "opening the link must not sign off"
        assert record.decided_by is None
        assert ulla_phone.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), "the sign-off page is wider than the phone"
        button = ulla_phone.get_by_role("button", name="Sign off", exact=True)
        box = button.bounding_box()
        # A big button, on the first screen: no scrolling, no zooming.
        assert box is not None
        assert box["width"] >= 200, box
        assert box["height"] >= 44, box
        assert box["y"] + box["height"] <= PHONE["height"], box
        with ulla_phone.expect_navigation():
            button.tap()
        assert "Signed off. Thank you!" in _flash(ulla_phone)
        assert path_of(ulla_phone) == link
        assert "Signed off" in _main(ulla_phone)
        assert ulla_phone.get_by_role("button", name="Sign off", exact=True).count() == 0
    finally:
        phone.close()
    record.refresh_from_db()
    assert record.status == RecordStatus.SIGNED_OFF
    assert record.decided_by == world.university_supervisor

    # --- The trainee's progress shows the EC earned.
    trainee.goto(f"/training/{traineeship.pk}/")
    summary = trainee.locator("main .grid").first.inner_text()
    assert "3 / 12" in summary, summary
    assert "EC earned (signed off)" in summary
    assert "9\nEC still to earn" in summary, summary
    course = trainee.locator("main table.data tr", has_text="Course").inner_text()
    assert course.split("\t")[:4] == ["Course", "3", "5", "5"], course
    row = trainee.locator("main .timeline-row", has_text=REGULATION)
    assert "Signed off" in row.inner_text()
    signed = [m for m in _mails_to(world.trainee_a) if REGULATION in m.body]
    assert len(signed) == 1
