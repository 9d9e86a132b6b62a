"""Graduation and the diploma (issue 7), in a real browser.

Tim's record is complete but for the communication workshop, which waits for Ulla's sign-off.
Ulla signs it off, and the requirements check passes. The programme office proposes Tim; Bert
and Bea of the examination board, each signed in with their second factor, vote grant and Bea
closes the vote. Tim downloads his PDF diploma: the signed credential is inside and the QR code
holds the short link to the public check. An employer, not signed in, opens that link on a phone
and sees the diploma as valid; after the office revokes it, the same link shows it as revoked.
axe finds no serious problem on the public check, the register, the case and the requirements
pages at desktop and phone width.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings as django_settings
from django.core import mail

from qme.graduation import issuing
from qme.graduation.credentials import credential_from_pdf
from qme.graduation.models import CaseStatus, Diploma, GraduationCase
from qme.training.models import RecordStatus, TraineeshipStatus

from ..conftest import TOTP_SECRET
from ..diplomas.builders import (
    complete_record,
    proposed,
    record_for,
    record_only,
    second_board_member,
    sign_off_all,
    signed_review,
    sufficient_assessment,
)
from ..diplomas.pdfs import qr_holds
from ..training.factories import catalogue_for, fresh, rules_for
from .helpers import PHONE, path_of, sign_in
from .test_accessibility import AxeReport

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _signing_keys(settings, tmp_path):
    settings.QME_SIGNING_KEY_DIR = tmp_path / "keys"


def _main(page) -> str:
    return page.locator("main").inner_text()


def _flash(page) -> str:
    return page.locator(".messages").inner_text()


def _click(page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).first.click()


def _path_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S*)", message.body)
    assert match, message.body
    return match.group(1)


def _check(page, label: str) -> str:
    """The line of the requirements list that starts with this label."""
    return page.locator("main li", has_text=label).first.inner_text()


def _vote_grant(page, case_pk: int) -> None:
    page.goto(f"/graduation/cases/{case_pk}/")
    page.locator("main input[name=vote][value=grant]").check()
    _click(page, "Record my vote")
    assert "Your vote has been recorded." in _flash(page)


def test_the_last_sign_off_the_board_s_grant_and_an_employer_s_check_on_a_phone(
    world, new_page, live_server
):
    catalogue = catalogue_for()
    rules_for(catalogue)
    record = record_for(world, catalogue)
    workshop = record.item_of(catalogue.communication)
    sign_off_all(record, except_=(workshop,))
    waiting = record_only(record, workshop)
    sufficient_assessment(world, record.traineeship)
    signed_review(world, record.traineeship)
    traineeship = record.traineeship
    bea = second_board_member(world)
    TOTP.activate(bea, TOTP_SECRET)
    requirements = f"/graduation/requirements/{traineeship.pk}/"

    # --- Ulla signs off the last item, and the check passes.
    ulla = new_page()
    sign_in(ulla, world.university_supervisor.email)
    ulla.goto(requirements)
    assert "Waiting for sign-off: Communicating with clinicians." in _check(
        ulla, "No open sign-offs"
    )
    assert "118 of 120 EC" in _main(ulla)
    ulla.goto(f"/training/records/{waiting.pk}/")
    _click(ulla, "Sign off")
    waiting.refresh_from_db()
    assert waiting.status == RecordStatus.SIGNED_OFF
    ulla.goto(requirements)
    shown = _main(ulla)
    assert "✘" not in shown
    assert "120 of 120 EC" in shown
    assert "Nothing is waiting." in shown
    ulla.context.close()

    # --- The programme office proposes Tim; the board is told.
    office = new_page()
    sign_in(office, world.office.email, totp_secret=TOTP_SECRET)
    office.goto(requirements)
    mail.outbox.clear()
    _click(office, "Propose for graduation")
    case = GraduationCase.objects.get(traineeship=traineeship)
    assert path_of(office) == f"/graduation/cases/{case.pk}/"
    assert "Proposed to the examination board." in _flash(office)
    to_board = {m.to[0] for m in mail.outbox}
    assert to_board == {world.board_member.email, bea.email}

    # --- Bert and Bea vote grant; Bea closes the vote.
    bert = new_page()
    sign_in(bert, world.board_member.email, totp_secret=TOTP_SECRET)
    bert.goto("/graduation/")
    with bert.expect_navigation():
        bert.locator("main").get_by_role("link", name=world.trainee_a.full_name).click()
    assert path_of(bert) == f"/graduation/cases/{case.pk}/"
    assert "Quieter, smarter ICU alarms" in _main(bert)
    _vote_grant(bert, case.pk)
    bea_page = new_page()
    sign_in(bea_page, bea.email, totp_secret=TOTP_SECRET)
    _vote_grant(bea_page, case.pk)
    mail.outbox.clear()
    _click(bea_page, "Close the vote and decide")
    assert "The decision has been recorded: Granted." in _flash(bea_page)
    votes = _main(bea_page)
    assert "Bert Board" in votes
    assert "Bea Board" in votes
    case.refresh_from_db()
    assert case.status == CaseStatus.GRANTED
    diploma = Diploma.objects.get(traineeship=traineeship)
    traineeship.refresh_from_db()
    assert traineeship.status == TraineeshipStatus.COMPLETED

    # --- Tim follows the e-mail's link and downloads his PDF diploma.
    [issued] = [m for m in mail.outbox if m.attachments and world.trainee_a.email in m.to]
    tim = new_page()
    sign_in(tim, world.trainee_a.email)
    tim.goto(_path_in(issued))
    assert path_of(tim) == f"/diplomas/{diploma.number}/"
    assert diploma.number in _main(tim)
    with tim.expect_download() as download:
        tim.locator("main").get_by_role(
            "link", name="The diploma (PDF, with the signed credential inside)"
        ).click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert credential_from_pdf(pdf) == diploma.credential
    link = f"{django_settings.SITE_URL}/v/{diploma.number}/"
    assert qr_holds(pdf, link)
    tim.goto(requirements)
    assert tim.locator("main").get_by_role("link", name=f"QME diploma {diploma.number}").count()

    # --- An employer, not signed in, opens the QR code's link on a phone: valid.
    qr_path = link.removeprefix(django_settings.SITE_URL)
    employer = new_page(viewport=PHONE)
    employer.goto(qr_path)
    assert path_of(employer) == qr_path
    verdict = employer.locator("main .verdict")
    assert "Valid" in verdict.inner_text()
    assert "Tim Trainee" in verdict.inner_text()
    assert "Engineering Doctorate (EngD)" in verdict.inner_text()
    assert employer.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the verification page is wider than the phone"

    # --- The office revokes the diploma; the same link now shows it as revoked.
    office.goto(f"/diplomas/{diploma.number}/")
    office.locator("main details summary").click()
    office.fill("#reason", "Issued in error: the design report was not the trainee's own.")
    _click(office, "Revoke")
    assert "The diploma has been revoked." in _flash(office)
    employer.reload()
    verdict = employer.locator("main .verdict")
    assert "Revoked" in verdict.inner_text()
    assert "Valid" not in verdict.inner_text().replace("Revoked", "")
    assert "Revoked on" in verdict.inner_text()
    assert issuing.verify_diploma(diploma.credential).outcome == "REVOKED"


def test_the_graduation_pages_have_no_serious_accessibility_problems(world, new_page, live_server):
    catalogue = catalogue_for()
    rules_for(catalogue)
    record = complete_record(world, catalogue)
    case = proposed(world, record.traineeship)
    from qme.graduation import services

    services.vote(
        actor=fresh(world.board_member),
        case=case,
        choice="not_yet",
        reason="The validation chapter of the design report is missing.",
    )
    # A graduate in the register, and a revoked diploma.
    from qme.organisations.models import RoleKind

    from ..factories import person_with_role

    eva = person_with_role(
        RoleKind.TRAINEE, world.hospital_b, full_name="Eva de Wit", email="eva@example.org"
    )
    eva_record = complete_record(world, catalogue, trainee=eva)
    eva_case = proposed(world, eva_record.traineeship)
    services.vote(actor=fresh(world.board_member), case=eva_case, choice="grant")
    services.decide(actor=fresh(world.board_member), case=eva_case)
    eva_diploma = Diploma.objects.get(traineeship=eva_record.traineeship)
    Diploma.objects.filter(pk=eva_diploma.pk).update(in_register=True)
    report = AxeReport()

    visitor = new_page()
    report.visit(visitor, "/verify/", "verify page")
    visitor.fill("#number", eva_diploma.number)
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    assert "Valid" in visitor.locator("main .verdict").inner_text()
    report.check(visitor, "verify page with a valid result")
    visitor.fill("#number", "QME-1999-0001")
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    report.check(visitor, "verify page with an unknown number")
    report.visit(visitor, f"/v/{eva_diploma.number}/", "QR link, valid")
    report.visit(visitor, "/register/", "register of graduates")
    assert "Eva de Wit" in _main(visitor)

    office = new_page()
    sign_in(office, world.office.email, totp_secret=TOTP_SECRET)
    report.visit(office, "/graduation/", "graduation cases, programme office")
    report.visit(office, f"/graduation/cases/{case.pk}/", "case page, programme office")
    report.visit(
        office, f"/graduation/requirements/{record.traineeship.pk}/", "requirements, office"
    )
    report.visit(office, f"/diplomas/{eva_diploma.number}/", "diploma page, programme office")
    office.locator("main details summary").click()
    report.check(office, "diploma page with the revoke form open")

    board = new_page()
    sign_in(board, world.board_member.email, totp_secret=TOTP_SECRET)
    report.visit(board, f"/graduation/cases/{case.pk}/", "case page with the vote form, board")

    issuing.revoke(actor=fresh(world.office), diploma=eva_diploma, reason="Issued in error.")
    report.visit(visitor, f"/v/{eva_diploma.number}/", "QR link, revoked")

    tim = new_page()
    sign_in(tim, world.trainee_a.email)
    report.visit(tim, f"/graduation/requirements/{record.traineeship.pk}/", "requirements, trainee")

    assert report.pages_checked >= 24
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )
