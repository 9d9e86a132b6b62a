"""A session that ends for inactivity, in a real browser.

Sara writes feedback for Tim and leaves her desk. The page warns her that she will be signed out
and she stays signed in; the next time she does not come back in time and is signed out. What
she typed is not lost: after signing in again the form holds her text, with a note saying so,
and once she sends the feedback the draft is gone.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from qme.accounts.models import Draft
from qme.feedback.models import Feedback

from ..factories import PASSWORD
from .helpers import PHONE, path_of, sign_in
from .test_feedback_journey import NEXT_STEP, TO_IMPROVE, WENT_WELL, _traineeship

pytestmark = pytest.mark.browser


def test_the_warning_comes_first_and_what_was_typed_survives_the_sign_out(
    world, new_page, live_server, settings
):
    tim = _traineeship(world, world.trainee_a, days_ago=10)
    settings.SESSION_ACTIVITY_RESOLUTION = 0  # every page request counts as activity
    settings.SESSION_IDLE_SECONDS = 1800

    sara = new_page(viewport=PHONE)
    sign_in(sara, world.supervisor_a.email)
    give = f"/feedback/{tim.pk}/give/"
    sara.goto(give)
    warning = sara.locator("#session-warning")
    assert warning.is_hidden()

    # She types; the draft is kept on the server while she types.
    sara.fill("#id_subject", "ICU alarm filter")
    with sara.expect_response(lambda r: r.url.endswith("/accounts/drafts/") and r.ok):
        sara.fill("#id_went_well", WENT_WELL)
    assert Draft.objects.get(user=world.supervisor_a).data["went_well"] == [WENT_WELL]

    # Her session has less than two minutes left: the page warns, with a countdown.
    settings.SESSION_IDLE_SECONDS = 110
    sara.reload()
    sara.get_by_text("You will be signed out soon").wait_for()
    assert warning.locator("[data-countdown]").inner_text().startswith("1:")
    # The text she had typed is back after the reload.
    sara.get_by_text("This form holds the text you had typed").wait_for()
    assert sara.locator("#id_went_well").input_value() == WENT_WELL

    # She stays signed in: the warning goes.
    settings.SESSION_IDLE_SECONDS = 1800
    with sara.expect_response(lambda r: r.url.endswith("/accounts/session/") and r.ok):
        sara.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden")

    # Later she is away too long: the session ends on the server, and the page says so.
    settings.SESSION_IDLE_SECONDS = 110
    sara.reload()
    sara.get_by_text("You will be signed out soon").wait_for()
    Session.objects.all().delete()
    sara.get_by_role("button", name="Stay signed in").click()
    sara.get_by_text("You have been signed out").wait_for()

    # She signs in again and is back at her form, with her text.
    settings.SESSION_IDLE_SECONDS = 1800
    with sara.expect_navigation():
        sara.get_by_role("link", name="Sign in again").click()
    assert path_of(sara) == "/accounts/login/"
    sara.fill("input[name=login]", world.supervisor_a.email)
    sara.fill("input[name=password]", PASSWORD)
    with sara.expect_navigation():
        sara.locator("main form button[type=submit]").first.click()
    assert path_of(sara) == give
    sara.locator(".draft-note").wait_for()
    assert sara.locator("#id_went_well").input_value() == WENT_WELL
    assert sara.locator("#id_subject").input_value() == "ICU alarm filter"

    # She finishes and sends it: the feedback is there and the draft is gone.
    sara.get_by_label("Content: Design").check()
    sara.locator("input[name=rating][value='4']").check()
    sara.fill("#id_to_improve", TO_IMPROVE)
    sara.fill("#id_next_step", NEXT_STEP)
    with sara.expect_navigation():
        sara.get_by_role("button", name="Send feedback").click()
    assert path_of(sara) == f"/feedback/{tim.pk}/"
    assert Feedback.objects.filter(traineeship=tim, went_well=WENT_WELL).exists()
    sara.wait_for_timeout(500)
    assert not Draft.objects.filter(user=world.supervisor_a).exists()
