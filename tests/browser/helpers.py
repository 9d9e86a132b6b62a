"""What the browser journeys do again and again: sign in, sign out, read the page."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from ..factories import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
TOTP_PERIOD = 30

# The time step of the last code used per person; the conftest forgets them before each test,
# when the cache that remembers used codes is cleared too.
used_totp_steps: dict[str, int] = {}


def totp_code(email: str, secret: str) -> str:
    """The person's current code.

    allauth accepts a code only within its own 30-second step, so wait for the next step when
    this one is nearly over. It also accepts a code only once per person (it remembers the used
    code in the cache for one step): when the person signs in a second time within the step, the
    journey forgets that they used this code instead of waiting up to 30 seconds for the next
    one. What the journeys prove is signing in with a valid code, not the refusal of a replay.
    """
    now = time.time()
    if TOTP_PERIOD - (now % TOTP_PERIOD) < 2:
        time.sleep(TOTP_PERIOD - (now % TOTP_PERIOD) + 0.1)
    step = int(time.time()) // TOTP_PERIOD
    code = format_hotp_value(hotp_value(secret, step))
    if used_totp_steps.get(email, -1) >= step:
        _forget_used_code(email, code)
    used_totp_steps[email] = step
    return code


def _forget_used_code(email: str, code: str) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))


def submit(page, form_selector: str) -> None:
    """Press the form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()


def sign_in(page, email: str, password: str = PASSWORD, totp_secret: str | None = None) -> None:
    """Sign in through the real sign-in form (and the two-factor step when there is one)."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    submit(page, "main form")
    if totp_secret is not None:
        assert path_of(page) == "/accounts/2fa/authenticate/", page.locator("main").inner_text()
        page.fill("input[name=code]", totp_code(email, totp_secret))
        submit(page, "main form")


def sign_out(page) -> None:
    page.locator(".user-menu summary").click()
    with page.expect_navigation():
        page.locator(".user-menu form[action$='/accounts/logout/'] button").click()


def path_of(page) -> str:
    return urlsplit(page.url).path


def nav_paths(page) -> set[str]:
    """The destinations offered in the main navigation (labels are translated, paths are not)."""
    return {
        urlsplit(href).path
        for href in page.locator("#main-nav a").evaluate_all("els => els.map(a => a.href)")
    }


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang") or ""
