"""In a real browser: the graduate finds "Your data" from their profile, downloads their data
and their record, and the programme office opens a person and sees why they cannot be erased;
axe-core finds no serious or critical problem on these pages at desktop and phone width."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.conftest import TOTP_SECRET
from tests.diplomas.conftest import _signing_keys
from tests.factories import PASSWORD
from tests.privacy.builders import Graduate, graduate_record
from tests.training.conftest import catalogue, rules

from .helpers import path_of, sign_in
from .test_accessibility import AxeReport

__all__ = ["_signing_keys", "catalogue", "rules"]

pytestmark = pytest.mark.browser


@pytest.fixture
def graduate(world, rules, catalogue) -> Graduate:
    return graduate_record(world, catalogue)


SHOTS = os.environ.get("QME_PRIVACY_SCREENSHOTS", "")


@pytest.fixture
def people(world):
    """The personas, their password re-hashed with the fast test hasher."""
    from django.contrib.auth.hashers import make_password

    from qme.accounts.models import User

    User.objects.filter(pk__in=[world.trainee_a.pk, world.office.pk]).update(
        password=make_password(PASSWORD)
    )
    return world


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_graduate_downloads_their_record_and_the_office_sees_the_blockers(
    people, graduate, new_page, live_server
):
    report = AxeReport()
    page = new_page()
    sign_in(page, people.trainee_a.email)
    page.goto("/accounts/profile/")
    with page.expect_navigation():
        page.get_by_role("link", name="See and download everything we hold about you").click()
    assert path_of(page) == "/personal-data/"
    report.check(page, "your data, graduate")
    _shot(page, "your-data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the record (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "portfolio.pdf" in archive.namelist()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "personal-data.json" in archive.namelist()
    page.context.close()

    page = new_page()
    sign_in(page, people.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, "/personal-data/people/?q=tim", "personal data search, office")
    _shot(page, "people")
    with page.expect_navigation():
        page.get_by_role("link", name="Tim Trainee").click()
    assert "A QME diploma has been issued to them" in page.locator("main").inner_text()
    report.check(page, "a person with blockers, office")
    _shot(page, "person-blocked")
    page.context.close()

    assert not report.problems, "\n\n".join(report.problems)


def test_the_erasure_form_and_an_erased_person_have_no_accessibility_problems(
    people, rules, catalogue, new_page, live_server
):
    from tests.privacy.builders import discontinued_record

    discontinued_record(people, catalogue)
    report = AxeReport()
    page = new_page()
    sign_in(page, people.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, f"/personal-data/people/{people.trainee_a.pk}/", "erasure form, office")
    _shot(page, "person-erasable")
    page.fill("textarea[name=reason]", "Asked for erasure under GDPR art. 17.")
    page.fill("input[name=confirmation]", "wrong@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Erase this person").click()
    assert "Type the person" in page.locator("main").inner_text()
    report.check(page, "erasure form with an error, office")
    page.fill("input[name=confirmation]", "tim@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Erase this person").click()
    assert "Erased on" in page.locator("main").inner_text()
    report.check(page, "an erased person, office")
    _shot(page, "person-erased")
    assert not report.problems, "\n\n".join(report.problems)
