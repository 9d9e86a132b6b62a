"""axe-core, run inside Chromium, finds no serious or critical problem on the pages of the
foundation, of position requests and positions, of selection and of training: at desktop width
and at phone width, signed out and for every persona."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.accounts.services import create_api_token
from qme.organisations.models import RoleKind
from qme.positions import services as positions
from qme.selection import services as selection
from qme.training import services as training
from qme.training.models import CatalogueItem, Curriculum, Edition, ItemKind

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD, DepartmentFactory, UserFactory, person_with_role
from .helpers import DESKTOP, PHONE, path_of, sign_in, submit, totp_code
from .selection_setup import open_position, pdf_bytes

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# What Axe.run sends, without putting axe into the page again on every run.
RUN_AXE = (
    f"axe.run({Axe._format_script_args(context=None, options=DEFAULT_OPTIONS)})"
    ".then(results => {return results;})"
)


class AxeReport:
    """Runs axe on the current page at each width and keeps what blocks people."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.pages_checked = 0

    def check(self, page, label: str) -> None:
        # axe is put into the page once (half a megabyte of script to parse) and run at each width.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.axe.axe_script)
        for width_name, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            results = AxeResults(page.evaluate(RUN_AXE))
            self.pages_checked += 1
            for violation in results.response["violations"]:
                if violation.get("impact") not in BLOCKING:
                    continue
                nodes = "\n".join(
                    f"      {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
                    for node in violation["nodes"][:5]
                )
                self.problems.append(
                    f"{label} ({path_of(page)}) at {width_name} width — "
                    f"{violation['id']} [{violation['impact']}]: {violation['help']}\n{nodes}"
                )

    def visit(self, page, path: str, label: str) -> None:
        response = page.goto(path)
        assert response.status == 200, (label, path, response.status)
        self.check(page, label)


def test_it_has_no_serious_accessibility_problems_at_desktop_and_phone_width(
    world, new_page, live_server
):
    DepartmentFactory(organisation=world.hospital_a, name="Klinische Fysica")
    create_api_token(user=world.office, name="weekly report script")
    report = AxeReport()

    page = new_page()
    report.visit(page, "/accounts/login/", "sign-in page")
    page.fill("input[name=login]", world.doctor_a.email)
    page.fill("input[name=password]", "not-the-password")
    submit(page, "main form")
    report.check(page, "sign-in page with an error")
    report.visit(page, "/accounts/password/reset/", "password reset page")
    page.context.close()

    # The programme office sees every page of this foundation, after the two-factor step.
    page = new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", world.office.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "main form")
    assert path_of(page) == "/accounts/2fa/authenticate/"
    report.check(page, "two-factor step")
    page.fill("input[name=code]", totp_code(world.office.email, TOTP_SECRET))
    submit(page, "main form")
    assert path_of(page) == "/"
    report.check(page, "home page, programme office")
    report.visit(page, "/organisations/", "organisation list, programme office")
    report.visit(
        page, f"/organisations/{world.hospital_a.pk}/", "organisation detail, programme office"
    )
    report.visit(page, "/people/", "people list, programme office")
    report.visit(page, f"/people/{world.doctor_a.pk}/", "person detail, programme office")
    report.visit(page, "/accounts/profile/", "profile, programme office")
    report.visit(page, "/accounts/api-tokens/", "API tokens, programme office")
    # The folded navigation and the account menu, opened on a phone.
    page.goto("/")
    page.set_viewport_size(PHONE)
    page.locator(".nav-toggle").click()
    page.locator(".user-menu summary").click()
    report.check(page, "home page with menus open, programme office")
    page.context.close()

    # A coordinator sees the same kinds of pages, limited to their hospital.
    page = new_page()
    sign_in(page, world.coordinator_a.email)
    report.check(page, "home page, hospital coordinator")
    report.visit(page, "/organisations/", "organisation list, hospital coordinator")
    report.visit(
        page, f"/organisations/{world.hospital_a.pk}/", "organisation detail, hospital coordinator"
    )
    report.visit(page, "/people/", "people list, hospital coordinator")
    report.visit(page, f"/people/{world.doctor_a.pk}/", "person detail, hospital coordinator")
    report.visit(page, "/accounts/profile/", "profile, hospital coordinator")
    report.visit(page, "/accounts/api-tokens/", "API tokens, hospital coordinator")
    page.goto(f"/organisations/{world.hospital_b.pk}/")
    report.check(page, "not-found page")
    page.context.close()

    # Every other persona's home page.
    for label, person, totp_secret in [
        ("hospital coordinator B", world.coordinator_b, None),
        ("medical doctor", world.doctor_a, None),
        ("hospital supervisor", world.supervisor_a, None),
        ("university supervisor", world.university_supervisor, None),
        ("examination board", world.board_member, TOTP_SECRET),
        ("trainee", world.trainee_a, None),
        ("applicant", world.applicant, None),
    ]:
        page = new_page()
        sign_in(page, person.email, totp_secret=totp_secret)
        assert path_of(page) == "/", (label, page.url)
        report.check(page, f"home page, {label}")
        page.context.close()

    assert report.pages_checked >= 40
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )


def _requests_in_every_kind_of_state(world):
    """A draft that is still missing things, a request returned with a conversation and an
    attachment, a submitted one awaiting a decision, and one approved into a published position."""
    hospital, coordinator, office = world.hospital_a, world.coordinator_a, world.office
    complete = {
        "department": DepartmentFactory(organisation=hospital, name="Intensive Care"),
        "clinical_problem": "Nurses on the ICU hear hundreds of alarms a day.",
        "project_outline": "Design and test an alarm filter on one ICU ward.",
        "expected_result": "Half the non-actionable alarms, none missed.",
        "medical_doctor": world.doctor_a,
        "hospital_supervisor": world.supervisor_a,
        "intended_start": timezone.localdate() + dt.timedelta(days=180),
        "commits_employment": True,
        "commits_funding": True,
        "commits_workplace": True,
        "training_climate": "Two clinical physicists and a biomedical engineer.",
    }

    def submitted(title: str):
        request = positions.create_request(
            actor=coordinator, hospital=hospital, title=title, **complete
        )
        return positions.submit_request(actor=coordinator, request=request)

    draft = positions.create_request(
        actor=coordinator, hospital=hospital, title="Half-written: sepsis early warning"
    )
    returned = submitted("Smart infusion pump alarms on the ICU")
    change = positions.request_changes(
        actor=office, request=returned, comment="Who can the trainee learn from?"
    )
    returned.refresh_from_db()  # services lock and reload; the rules judge the object given
    positions.add_comment(
        actor=coordinator, request=returned, body="Two clinical physicists.", reply_to=change
    )
    positions.add_comment(actor=office, request=returned, body="Thank you, that helps.")
    positions.add_attachment(
        actor=coordinator,
        request=returned,
        uploaded=SimpleUploadedFile(
            "letter-of-support.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
    )
    waiting = submitted("Dose tracking for paediatric CT")
    approved = submitted("Closed-loop ventilation weaning")
    position = positions.approve_request(
        actor=office,
        request=approved,
        university=world.university,
        university_supervisor=world.university_supervisor,
    )
    positions.update_position(
        actor=office,
        position=position,
        changes={
            "title_en": "QME trainee: closed-loop ventilation weaning",
            "title_nl": "AIOS QME: closed-loop beademing afbouwen",
            "requirements_en": "Interest in control engineering.",
            "requirements_nl": "Interesse in regeltechniek.",
            "contact_name": "Cora Coordinator",
            "contact_email": "qme@amstelland.example.org",
        },
    )
    positions.publish_position(actor=office, position=position)
    return draft, returned, waiting, approved, position


def test_the_pages_of_requests_and_positions_have_no_serious_accessibility_problems(
    world, new_page, live_server
):
    draft, returned, waiting, approved, position = _requests_in_every_kind_of_state(world)
    report = AxeReport()

    # Anyone: the public page of open positions and one position, signed out.
    page = new_page()
    report.visit(page, "/positions/", "public positions list")
    report.visit(page, f"/positions/{position.pk}/", "public position detail")
    page.context.close()

    # The hospital coordinator: their requests, the form, and requests in each state.
    page = new_page()
    sign_in(page, world.coordinator_a.email)
    report.visit(page, "/requests/", "request list, hospital coordinator")
    report.visit(page, "/requests/new/", "request form, hospital coordinator")
    submit(page, "main form.stack")
    assert path_of(page) == "/requests/new/", "a request without a title is not saved"
    report.check(page, "request form with an error, hospital coordinator")
    report.visit(page, f"/requests/{draft.pk}/", "draft request, hospital coordinator")
    report.visit(page, f"/requests/{draft.pk}/edit/", "request edit form, hospital coordinator")
    report.visit(
        page, f"/requests/{returned.pk}/", "request returned for changes, hospital coordinator"
    )
    # The answer box of the change request, opened.
    page.locator("#comments li.comment details.reply-box summary").first.click()
    report.check(page, "request with the answer box open, hospital coordinator")
    report.visit(page, f"/requests/{approved.pk}/", "approved request, hospital coordinator")
    page.context.close()

    # The programme office: the queue, a request to decide, the decision and the positions.
    page = new_page()
    sign_in(page, world.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, "/requests/", "request list, programme office")
    report.visit(page, "/requests/?status=submitted", "request list filtered, programme office")
    report.visit(page, f"/requests/{waiting.pk}/", "submitted request, programme office")
    report.visit(page, f"/requests/{returned.pk}/", "returned request, programme office")
    report.visit(page, f"/requests/{waiting.pk}/approve/", "approve form, programme office")
    report.visit(page, "/manage/positions/", "position list, programme office")
    report.visit(page, f"/manage/positions/{position.pk}/", "position detail, programme office")
    report.visit(page, f"/manage/positions/{position.pk}/edit/", "position form, programme office")
    page.context.close()

    assert report.pages_checked >= 36
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def _applied(world, position, person, *, dutch_level: str = "C1", submit: bool = True):
    """An application with every detail and document, submitted unless told otherwise."""
    application = selection.start_application(actor=person, position=position)
    selection.update_application(
        actor=person,
        application=application,
        changes={
            "phone": "+31 6 1234 5678",
            "city": "Utrecht",
            "master_field": "Biomedical Engineering",
            "master_university": "University of Twente",
            "master_date": dt.date(2024, 6, 28),
            "master_completed": True,
            "dutch_level": dutch_level,
            "dutch_evidence_kind": "certificate",
            "dutch_certificate_date": dt.date(2023, 5, 12),
        },
    )
    for kind in ("cv", "motivation", "diploma", "dutch_evidence"):
        selection.upload_document(
            actor=person, application=application, kind=kind, uploaded=_pdf(f"{kind}.pdf")
        )
    if submit:
        selection.submit_application(actor=person, application=application)
    application.refresh_from_db()
    return application


def _selection_in_every_state(world):
    """An open position with a committee of four, a draft, two submitted applications and an
    ineligible one; one candidate scored by all four members, the other by one."""
    position = open_position(world, "Closed-loop ventilation weaning")
    lars = person_with_role(
        RoleKind.UNIVERSITY_SUPERVISOR, world.university, full_name="Lars Lecturer"
    )
    for person, side, chair in [
        (world.university_supervisor, "university", True),
        (lars, "university", False),
        (world.coordinator_a, "hospital", True),
        (world.doctor_a, "hospital", False),
    ]:
        selection.add_committee_member(
            actor=world.office, position=position, person=person, side=side, is_chair=chair
        )
    draft = selection.start_application(actor=world.applicant, position=position)
    selection.update_application(
        actor=world.applicant,
        application=draft,
        changes={"city": "Amsterdam", "master_field": "Applied Physics"},
    )
    noor = _applied(world, position, UserFactory(full_name="Noor Nieuwenhuis"))
    pim = _applied(world, position, UserFactory(full_name="Pim Peters"), dutch_level="B2+")
    bram = _applied(world, position, UserFactory(full_name="Bram Basis"), dutch_level="B1")
    assert (noor.status, pim.status, bram.status) == ("submitted", "submitted", "ineligible")
    screening = position.stages.get(kind="screening")
    criteria = list(screening.criteria.all())
    for member, values in [
        (world.university_supervisor, [5, 4, 4, 5, 4]),
        (lars, [4, 4, 3, 5, 4]),
        (world.coordinator_a, [5, 5, 4, 4, 5]),
        (world.doctor_a, [4, 4, 1, 5, 4]),  # a disagreement on clinical affinity
    ]:
        selection.save_scores(
            actor=member,
            stage=screening,
            application=pim,
            scores={
                c.pk: (v, f"{member.full_name}: {v}") for c, v in zip(criteria, values, strict=True)
            },
            submit=True,
        )
    selection.save_scores(
        actor=world.university_supervisor,
        stage=screening,
        application=noor,
        scores={c.pk: (4, "Convincing.") for c in criteria},
        submit=True,
    )
    return position, lars, draft, noor, pim, bram, screening


def test_the_pages_of_selection_have_no_serious_accessibility_problems(
    world, new_page, live_server
):
    position, lars, draft, noor, pim, bram, screening = _selection_in_every_state(world)
    report = AxeReport()

    # Anyone: the sign-up page (from the position's "Create an account and apply") and the
    # privacy statement.
    page = new_page()
    report.visit(page, f"/accounts/signup/?next=/positions/{position.pk}/", "sign-up page")
    report.visit(page, "/privacy/", "privacy statement, signed out")
    page.context.close()

    # An applicant with a draft: their applications, the draft, the form (with an error).
    page = new_page()
    sign_in(page, world.applicant.email)
    report.visit(page, "/applications/", "my applications, applicant")
    report.visit(page, f"/applications/{draft.pk}/", "application page, draft")
    assert "Still missing before you can submit" in page.locator("main").inner_text()
    report.visit(page, f"/applications/{draft.pk}/edit/", "application form")
    # A browser without a date picker lets a person type anything.
    page.locator("#id_master_date").evaluate("el => { el.type = 'text'; el.value = '31-31-2024'; }")
    submit(page, "main form.stack")
    assert path_of(page) == f"/applications/{draft.pk}/edit/"
    report.check(page, "application form with an error")
    report.visit(page, "/privacy/", "privacy statement, applicant")
    page.context.close()

    # Applicants whose application was submitted, and one that is not eligible.
    for person, application, label in [
        (noor.applicant, noor, "application page, submitted"),
        (bram.applicant, bram, "application page, not eligible"),
    ]:
        page = new_page()
        sign_in(page, person.email)
        report.visit(page, f"/applications/{application.pk}/", label)
        page.context.close()

    # A committee member: the procedures, a procedure, a candidate with the scoring form, and
    # the results once they have scored one candidate (the other one stays hidden).
    page = new_page()
    sign_in(page, lars.email)
    report.visit(page, "/selection/", "procedures list, committee member")
    report.visit(page, f"/selection/{position.pk}/", "procedure page, committee member")
    report.visit(page, f"/selection/candidates/{noor.pk}/", "candidate with the scoring form")
    assert page.get_by_role("button", name="Submit my scores").count() == 1
    page.locator(f"#stage-{screening.pk} details summary").first.click()
    report.check(page, "candidate with the scoring form and the score meanings open")
    report.visit(
        page, f"/selection/{position.pk}/stages/{screening.pk}/", "results page, committee member"
    )
    report.visit(page, f"/selection/candidates/{pim.pk}/", "candidate already scored")
    page.context.close()

    # The programme office: the committee, the procedure, the results and the ineligible one.
    page = new_page()
    sign_in(page, world.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, "/selection/", "procedures list, programme office")
    report.visit(page, f"/selection/{position.pk}/committee/", "committee page")
    report.visit(page, f"/selection/{position.pk}/", "procedure page, programme office")
    report.visit(
        page, f"/selection/{position.pk}/stages/{screening.pk}/", "results page, programme office"
    )
    report.visit(page, f"/selection/candidates/{bram.pk}/", "ineligible candidate, office")
    page.context.close()

    # The decision: the proposal form, then the proposal awaiting a chair, then the offer.
    positions.close_position(actor=world.office, position=position, reason="Enough candidates.")
    selection.invite_to_interview(
        actor=world.coordinator_a,
        applications=[noor],
        starts_at=timezone.now() + dt.timedelta(days=7),
        duration_minutes=45,
        location="https://meet.example.org/qme-interview",
    )
    selection.shortlist(actor=world.coordinator_a, applications=[pim])
    page = new_page()
    sign_in(page, world.doctor_a.email)
    report.visit(page, f"/selection/{position.pk}/decision/", "decision page, proposal form")
    assert page.get_by_role("button", name="Propose").count() == 1
    page.context.close()
    noor.refresh_from_db()
    pim.refresh_from_db()
    decision = selection.propose_decision(
        actor=world.doctor_a,
        position=position,
        candidate=noor,
        reserves=[pim],
        rationale="Noor convinced the committee on every criterion.",
        offer_deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    page = new_page()
    sign_in(page, world.university_supervisor.email)
    report.visit(page, f"/selection/{position.pk}/decision/", "decision page, a chair to approve")
    assert page.get_by_role("button", name="Approve").count() == 1
    selection.approve_decision(actor=world.university_supervisor, decision=decision)
    selection.approve_decision(actor=world.coordinator_a, decision=decision)
    report.visit(page, f"/selection/{position.pk}/decision/", "decision page, offer made")
    page.context.close()
    page = new_page()
    sign_in(page, noor.applicant.email)
    report.visit(page, f"/applications/{noor.pk}/", "application page, with an offer")
    assert page.get_by_role("button", name="Accept the offer").count() == 1
    page.context.close()

    assert report.pages_checked >= 48
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )


def _certificate(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        content_type="application/pdf",
    )


def _training_in_every_state(world):
    """A traineeship with an approved plan (one course signed off, one waiting for sign-off, one
    item late), leave on the timeline, a deliverable, and a second version of the plan: drafted
    with changes, then submitted."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=200)
    regulation = CatalogueItem.objects.create(
        kind=ItemKind.COURSE,
        title_en="Medical device regulation",
        title_nl="Regelgeving medische hulpmiddelen",
        provider="University of Twente",
        ec=Decimal("3"),
    )
    Edition.objects.create(
        item=regulation,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=32),
        place="Enschede",
    )
    ethics = CatalogueItem.objects.create(
        kind=ItemKind.WORKSHOP,
        title_en="Clinical ethics",
        title_nl="Klinische ethiek",
        provider="Amstelland Academy",
        ec=Decimal("1"),
        is_active=False,
    )
    curriculum = Curriculum.objects.create(cohort_year=start.year)
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
        design_project_title="Quieter, smarter ICU alarms",
    )
    trainee = world.trainee_a
    plan = training.start_plan_version(actor=trainee, traineeship=traineeship)

    def add(plan, **fields):
        return training.add_plan_item(actor=trainee, plan=plan, **fields)

    course = add(
        plan,
        catalogue_item=regulation,
        planned_start=start + dt.timedelta(days=20),
        planned_end=start + dt.timedelta(days=50),
    )
    add(
        plan,
        catalogue_item=ethics,
        planned_start=start + dt.timedelta(days=60),
        planned_end=start + dt.timedelta(days=61),
    )
    audit = add(
        plan,
        kind=ItemKind.CLINICAL_PROJECT,
        title="Dose audit of the paediatric CT protocols",
        ec=Decimal("5"),
        planned_start=start + dt.timedelta(days=30),
        planned_end=start + dt.timedelta(days=120),
    )
    add(
        plan,
        kind=ItemKind.DESIGN_PROJECT,
        title="Quieter, smarter ICU alarms",
        ec=Decimal("60"),
        planned_start=start,
        planned_end=start + dt.timedelta(days=600),
    )
    statistics = add(
        plan,
        kind=ItemKind.COURSE,
        title="Statistics for clinical research (external)",
        ec=Decimal("4"),
        planned_start=today + dt.timedelta(days=20),
        planned_end=today + dt.timedelta(days=80),
    )
    training.submit_plan(actor=trainee, plan=plan)
    training.approve_plan(actor=world.university_supervisor, plan=plan)
    training.approve_plan(actor=world.supervisor_a, plan=plan)
    signed = training.record_completion(
        actor=trainee,
        traineeship=traineeship,
        item=course,
        completed_on=start + dt.timedelta(days=50),
        grade="8",
        evidence=_certificate("certificate.pdf"),
    )
    training.sign_off(actor=world.university_supervisor, record=signed)
    waiting = training.record_completion(
        actor=trainee,
        traineeship=traineeship,
        item=audit,
        completed_on=today - dt.timedelta(days=2),
        note="The audit report is attached.",
        evidence=_certificate("audit-report.pdf"),
    )
    training.record_leave(
        actor=world.office,
        traineeship=traineeship,
        kind="sick",
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=30),
    )
    project = traineeship.design_project
    training.update_project(
        actor=trainee,
        project=project,
        changes={
            "problem_statement": "Nurses on the ICU hear hundreds of alarms a day.",
            "goals": "Half the non-actionable alarms, none missed.",
        },
    )
    training.upload_deliverable(
        actor=trainee,
        milestone=project.milestones.first(),
        uploaded=_certificate("project-plan.pdf"),
        note="First version.",
    )
    training.reach_milestone(
        actor=world.university_supervisor,
        milestone=project.milestones.first(),
        reached_on=today - dt.timedelta(days=100),
    )
    draft = training.start_plan_version(actor=trainee, traineeship=traineeship)
    add(
        draft,
        kind=ItemKind.TRAINING,
        title="Scrum for clinical teams",
        ec=Decimal("1"),
        planned_start=today + dt.timedelta(days=10),
        planned_end=today + dt.timedelta(days=11),
    )
    training.remove_plan_item(actor=trainee, item=draft.items.get(key=statistics.key))
    return traineeship, draft, statistics, waiting


def test_the_pages_of_training_have_no_serious_accessibility_problems(world, new_page, live_server):
    traineeship, draft, statistics, waiting = _training_in_every_state(world)
    pk = traineeship.pk
    report = AxeReport()

    # The trainee: their traineeship, the timeline, the plan in draft (with the changes from the
    # approved one), the record form (also with an error), the design project, the catalogue.
    page = new_page()
    sign_in(page, world.trainee_a.email)
    report.visit(page, "/training/", "training list, trainee")
    report.visit(page, f"/training/{pk}/", "traineeship with timeline, trainee")
    assert page.locator("main .timeline .timeline-bar.leave").count() == 1
    assert page.locator("main .timeline .timeline-bar.done").count() == 1
    report.visit(page, f"/training/{pk}/plan/", "plan page, draft with changes, trainee")
    assert "Changes from the approved version" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Send to my supervisors").count() == 1
    approved_item = traineeship.plans.get(status="approved").items.get(key=statistics.key)
    report.visit(page, f"/training/{pk}/items/{approved_item.pk}/record/", "record form")
    submit(page, "main form.stack")
    assert path_of(page) == f"/training/{pk}/items/{approved_item.pk}/record/"
    report.check(page, "record form with an error")
    report.visit(page, f"/training/{pk}/project/", "design project page, trainee")
    page.locator("main details summary").first.click()
    report.check(page, "design project page with the edit form open")
    report.visit(page, "/training/catalogue/", "catalogue page, trainee")
    page.context.close()

    training.submit_plan(actor=world.trainee_a, plan=draft, note="A training instead of a course.")

    # The university supervisor: the sign-off page the e-mail links to (with the send-back box
    # open), the traineeship with an item waiting, the submitted plan with the approval form.
    page = new_page()
    sign_in(page, world.university_supervisor.email)
    report.visit(page, f"/training/records/{waiting.pk}/", "sign-off page, supervisor")
    assert page.get_by_role("button", name="Sign off").count() == 1
    page.locator("main .sign-off details summary").click()
    report.check(page, "sign-off page with the send-back box open")
    report.visit(page, f"/training/{pk}/", "traineeship waiting for sign-off, supervisor")
    report.visit(page, f"/training/{pk}/plan/", "plan page, submitted, supervisor")
    assert page.get_by_role("button", name="Approve the plan").count() == 1
    report.visit(page, "/training/", "training list, supervisor")
    page.context.close()

    # The programme office: everyone with filters, the catalogue with its form, the traineeship
    # with its actions, the submitted plan as the trainee sees it, and the office's forms.
    page = new_page()
    sign_in(page, world.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, "/training/?status=active", "training list filtered, programme office")
    report.visit(page, "/training/catalogue/", "catalogue page with the form, programme office")
    report.visit(page, f"/training/{pk}/", "traineeship, programme office")
    report.visit(page, f"/training/{pk}/plan/", "plan page, submitted, programme office")
    report.visit(page, f"/training/{pk}/project/", "design project page, programme office")
    report.visit(page, f"/training/{pk}/leave/", "leave form, programme office")
    report.visit(page, "/training/new/", "new traineeship form, programme office")
    page.context.close()

    assert report.pages_checked >= 40
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )
