"""Real-browser journeys: Playwright (sync API) driving Chromium against pytest-django's live server.

One browser serves the whole session; every test gets fresh browser contexts (own cookies,
own viewport), so tests cannot leak sign-ins into each other.

Which Chromium: Debian's /usr/bin/chromium when it exists; otherwise Playwright's own, installed
once with ``python -m playwright install chromium`` if it is missing. When no browser can be had
the browser tests are skipped, unless QME_REQUIRE_BROWSER=1 (as in CI): then they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls made by the test itself (factories, assertions on the database).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from ..factories import PASSWORD
from .helpers import DESKTOP, used_totp_steps

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, whether or not its module says so."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _require_browser() -> bool:
    return os.environ.get("QME_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def _no_browser(reason: str):
    if _require_browser():
        pytest.fail(f"QME_REQUIRE_BROWSER=1 but no browser is available: {reason}", pytrace=False)
    pytest.skip(f"no browser available: {reason}")


def _launch(playwright):
    from playwright.sync_api import Error as PlaywrightError

    problems: list[str] = []
    if DEBIAN_CHROMIUM.exists():
        try:
            return playwright.chromium.launch(
                executable_path=str(DEBIAN_CHROMIUM), args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            problems.append(f"{DEBIAN_CHROMIUM}: {error.message.splitlines()[0]}")
    try:
        return playwright.chromium.launch(args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        problems.append(f"Playwright's chromium: {error.message.splitlines()[0]}")
    # Not installed yet: let Playwright fetch its own browser, once per session.
    try:
        subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            check=True,
            timeout=600,
            capture_output=True,
        )
        return playwright.chromium.launch(args=CHROMIUM_ARGS)
    except (subprocess.SubprocessError, OSError, PlaywrightError) as error:
        problems.append(f"playwright install chromium: {error}")
    _no_browser("; ".join(problems))


@pytest.fixture(scope="session")
def browser() -> Iterator:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - playwright is a dev dependency
        _no_browser(f"playwright is not installed ({error})")
    playwright = sync_playwright().start()
    try:
        browser = _launch(playwright)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """new_page(viewport=DESKTOP, locale="en-GB"): a page in a fresh browser context."""
    contexts = []
    blocked: list[str] = []

    def _new_page(viewport: dict | None = None, locale: str = "en-GB"):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        # Whatever the Content-Security-Policy blocks is a page that does not work as built.
        page.on(
            "console",
            lambda message: (
                blocked.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield _new_page
    for context in contexts:
        context.close()
    assert not blocked, f"the Content-Security-Policy blocked something: {blocked}"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(autouse=True)
def _hashers_that_verify_the_personas(settings) -> None:
    """tests/factories.py hashes the personas' password once, at import, with the default
    (PBKDF2) hasher; the root conftest then keeps only MD5, which cannot verify that hash. The
    sign-in form really checks the password, so keep MD5 for speed and PBKDF2 to verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def world(world):
    """The personas of tests/conftest.py, their password re-hashed with the fast test hasher."""
    from django.contrib.auth.hashers import make_password

    from qme.accounts.models import User

    User.objects.filter(
        pk__in=[person.pk for person in vars(world).values() if isinstance(person, User)]
    ).update(password=make_password(PASSWORD))
    return world


@pytest.fixture(autouse=True)
def _forget_used_totp_codes() -> None:
    """The root conftest clears the cache (and with it allauth's used codes) for every test."""
    used_totp_steps.clear()
