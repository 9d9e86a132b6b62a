"""axe-core, run inside Chromium, finds no serious or critical problem on the pages of the
foundation: at desktop width and at phone width, signed out and for every persona."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from qme.accounts.services import create_api_token

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD, DepartmentFactory
from .helpers import DESKTOP, PHONE, path_of, sign_in, submit, totp_code

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


class AxeReport:
    """Runs axe on the current page at each width and keeps what blocks people."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.pages_checked = 0

    def check(self, page, label: str) -> None:
        for width_name, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            results = self.axe.run(page)
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
