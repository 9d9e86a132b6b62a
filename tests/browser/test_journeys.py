"""What people do in a real browser, from the sign-in form on: each journey is one test."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from qme.accounts.models import User
from qme.organisations.models import Organisation, Role, RoleKind

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD, person_with_role
from .helpers import (
    PHONE,
    html_lang,
    nav_paths,
    path_of,
    sign_in,
    sign_out,
    submit,
    totp_code,
)

pytestmark = pytest.mark.browser

EVERYONE = {"/", "/organisations/", "/people/", "/audit/"}


def _expectations(world):
    """Each persona, their TOTP secret if they have one, and which of this foundation's sections
    their navigation offers. Sections that later capabilities add are not judged here."""
    with_role = {"/", "/organisations/"}
    return [
        (world.office, TOTP_SECRET, EVERYONE),
        (world.coordinator_a, None, {"/", "/organisations/", "/people/"}),
        (world.coordinator_b, None, {"/", "/organisations/", "/people/"}),
        (world.doctor_a, None, with_role),
        (world.supervisor_a, None, with_role),
        (world.university_supervisor, None, with_role),
        (world.board_member, TOTP_SECRET, with_role),
        (world.trainee_a, None, with_role),
        (world.applicant, None, {"/"}),
    ]


def test_it_takes_every_persona_to_their_home_page_with_only_their_navigation(
    world, new_page, live_server
):
    for person, totp_secret, expected_nav in _expectations(world):
        page = new_page()
        sign_in(page, person.email, totp_secret=totp_secret)
        assert path_of(page) == "/", f"{person.email} landed on {page.url}"
        assert person.get_short_name() in page.locator("main h1").inner_text()
        assert nav_paths(page) & EVERYONE == expected_nav, person.email
        # What is not offered is not reachable either, or shows nothing.
        for hidden in EVERYONE - expected_nav:
            response = page.goto(hidden)
            if response.status == 200:
                assert page.locator("#results a[href^='/organisations/']").count() == 0, (
                    person.email,
                    hidden,
                )
            else:
                assert response.status in (403, 404), (person.email, hidden, response.status)
        page.context.close()


def test_it_lets_the_programme_office_add_an_organisation_and_a_person_on_a_phone(
    world, new_page, live_server
):
    page = new_page(viewport=PHONE)
    sign_in(page, world.office.email, totp_secret=TOTP_SECRET)

    # On a phone the navigation folds behind the menu button.
    nav_link = page.locator("#main-nav a[href='/organisations/']")
    assert not nav_link.is_visible()
    page.locator(".nav-toggle").click()
    with page.expect_navigation():
        nav_link.click()
    assert path_of(page) == "/organisations/"

    with page.expect_navigation():
        page.locator("main a[href='/organisations/new/']").first.click()
    page.select_option("select[name=kind]", "hospital")
    page.fill("input[name=name]", "Ziekenhuis Rivierenland Tiel")
    page.fill("input[name=short_name]", "Rivierenland")
    page.fill("input[name=city]", "Tiel")
    page.select_option("select[name=region]", "GE")
    submit(page, "main form.stack")
    hospital = Organisation.objects.get(name="Ziekenhuis Rivierenland Tiel")
    assert path_of(page) == f"/organisations/{hospital.pk}/"
    assert page.locator("main h1").inner_text().startswith("Ziekenhuis Rivierenland Tiel")
    assert _fits_the_screen(page)

    page.goto("/people/")
    with page.expect_navigation():
        page.locator("main a[href='/people/new/']").first.click()
    page.fill("input[name=full_name]", "Fenna Fysicus")
    page.fill("input[name=email]", "fenna@example.org")
    page.select_option("select[name=language]", "nl")
    submit(page, "main form.stack")
    person = User.objects.get(email="fenna@example.org")
    assert path_of(page) == f"/people/{person.pk}/"
    invitations = [message for message in mail.outbox if "fenna@example.org" in message.to]
    assert len(invitations) == 1, [message.to for message in mail.outbox]

    page.select_option("select[name=organisation]", str(hospital.pk))
    page.select_option("select[name=kind]", RoleKind.HOSPITAL_SUPERVISOR)
    submit(page, "main form[action$='/roles/']")
    assert path_of(page) == f"/people/{person.pk}/"
    assert Role.objects.filter(
        user=person, organisation=hospital, kind=RoleKind.HOSPITAL_SUPERVISOR
    ).exists()
    roles_table = page.locator("main table").first
    row = roles_table.locator("tbody tr", has_text="Ziekenhuis Rivierenland Tiel")
    assert row.count() == 1
    assert row.locator(f"a[href='/organisations/{hospital.pk}/']").count() == 1
    assert _fits_the_screen(page)


def _fits_the_screen(page) -> bool:
    """Nothing on the page makes a phone scroll sideways."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_it_shows_a_hospital_coordinator_their_own_hospital_and_not_another(
    world, page, live_server
):
    sign_in(page, world.coordinator_a.email)
    home = page.locator("main")
    assert home.locator(f"a[href='/organisations/{world.hospital_a.pk}/']").count() >= 1
    assert "Maasoever" not in home.inner_text()

    with page.expect_navigation():
        home.locator(f"a[href='/organisations/{world.hospital_a.pk}/']").first.click()
    assert page.locator("main h1").inner_text().startswith(world.hospital_a.name)
    people_on_hospital_page = page.locator("main").inner_text()
    for colleague in (world.doctor_a, world.supervisor_a, world.trainee_a):
        assert colleague.full_name in people_on_hospital_page

    page.goto("/people/")
    people_list = page.locator("#results").inner_text()
    for colleague in (world.doctor_a, world.supervisor_a, world.trainee_a):
        assert colleague.full_name in people_list
    assert world.coordinator_b.full_name not in people_list
    assert world.office.full_name not in people_list

    for guessed in (
        f"/organisations/{world.hospital_b.pk}/",
        f"/organisations/{world.hospital_b.pk}/edit/",
        f"/people/{world.coordinator_b.pk}/",
    ):
        response = page.goto(guessed)
        assert response.status == 404, guessed
        assert world.hospital_b.name not in page.content()
        assert world.coordinator_b.full_name not in page.content()
        # The not-found page still offers the way home.
        assert page.locator("main a[href='/']").count() >= 1


def _switch_language(page, code: str) -> None:
    with page.expect_navigation():
        page.locator(f".lang-switch button[value='{code}']").click()
    assert html_lang(page) == code


def test_it_keeps_the_chosen_language_across_pages_and_sign_ins(world, new_page, live_server):
    person = world.doctor_a
    User.objects.filter(pk=person.pk).update(language="nl")

    page = new_page(locale="en-GB")
    sign_in(page, person.email)
    assert html_lang(page) == "nl", "the stored preference beats the browser's language"

    _switch_language(page, "en")
    assert path_of(page) == "/", "switching language stays on the same page"
    page.goto("/organisations/")
    assert html_lang(page) == "en"
    page.goto("/accounts/profile/")
    assert html_lang(page) == "en"
    assert page.locator("select[name=language]").input_value() == "en"
    person.refresh_from_db()
    assert person.language == "en"

    _switch_language(page, "nl")
    assert path_of(page) == "/accounts/profile/"
    page.goto(f"/organisations/{world.hospital_a.pk}/")
    assert html_lang(page) == "nl"
    person.refresh_from_db()
    assert person.language == "nl"

    # Dutch is stored on the person: a new browser that asks for English still gets Dutch.
    sign_out(page)
    page.context.close()
    page = new_page(locale="en-GB")
    sign_in(page, person.email)
    assert html_lang(page) == "nl"
    page.goto("/organisations/")
    assert html_lang(page) == "nl"

    # And English, chosen on one device, follows the person to another that prefers Dutch.
    _switch_language(page, "en")
    sign_out(page)
    page.context.close()
    page = new_page(locale="nl-NL")
    sign_in(page, person.email)
    assert html_lang(page) == "en"
    page.goto("/accounts/profile/")
    assert html_lang(page) == "en"


def test_it_resets_a_forgotten_password_by_e_mail(world, page, live_server):
    person = world.trainee_a
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.locator("main a[href='/accounts/password/reset/']").click()
    page.fill("input[name=email]", person.email)
    submit(page, "main form")
    assert path_of(page) == "/accounts/password/reset/done/"

    messages = [message for message in mail.outbox if person.email in message.to]
    assert len(messages) == 1, [message.to for message in mail.outbox]
    links = re.findall(r"https?://\S+/accounts/password/reset/key/\S+", messages[0].body)
    assert links, messages[0].body
    reset_path = urlsplit(links[0]).path

    page.goto(reset_path)
    page.fill("input[name=password1]", "a-new-and-long-Passphrase-2026")
    page.fill("input[name=password2]", "a-new-and-long-Passphrase-2026")
    submit(page, "main form")
    assert path_of(page) == "/accounts/password/reset/key/done/"

    # The old password no longer works; the new one does.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", "correct-horse-battery-staple")
    submit(page, "main form")
    assert path_of(page) == "/accounts/login/"

    sign_in(page, person.email, password="a-new-and-long-Passphrase-2026")
    assert path_of(page) == "/"
    assert person.get_short_name() in page.locator("main h1").inner_text()


def test_it_sends_a_programme_officer_without_two_factor_to_its_setup(world, page, live_server):
    newcomer = person_with_role(
        RoleKind.PROGRAMME_OFFICE,
        world.university,
        full_name="Nina Nieuw",
        email="nina@example.org",
    )
    sign_in(page, newcomer.email)
    # allauth asks for the password once more before a second factor is added.
    if path_of(page) == "/accounts/reauthenticate/":
        page.fill("input[name=password]", PASSWORD)
        submit(page, "main form")
    assert path_of(page) == "/accounts/2fa/totp/activate/"

    # Every page of the programme leads back to the setup until two-factor is on.
    for elsewhere in ("/", "/organisations/", "/people/", "/audit/"):
        page.goto(elsewhere)
        assert path_of(page) == "/accounts/2fa/totp/activate/", elsewhere

    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", totp_code(newcomer.email, secret))
    submit(page, "main form")
    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()
    page.goto("/people/")
    assert path_of(page) == "/people/"
    assert nav_paths(page) & EVERYONE == EVERYONE
