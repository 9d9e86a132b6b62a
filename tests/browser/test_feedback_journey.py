"""Continuous feedback (issue 6), in a real browser.

Sara, the hospital supervisor, opens the app on her phone. Her home page flags Olaf, who has had
no feedback from the hospital for 40 days. She gives Tim feedback: her first, vague attempt is
met with warnings; she makes it specific and sends it. Tim sees it on his home page at once and
responds, and Sara is told. axe finds no serious problem on the feedback pages at desktop and
phone width.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from qme.feedback import services as feedback
from qme.feedback.models import Feedback, Response
from qme.training import services as training

from ..conftest import TOTP_SECRET
from ..factories import UserFactory
from .helpers import DESKTOP, PHONE, path_of, sign_in
from .test_accessibility import AxeReport

pytestmark = pytest.mark.browser

WENT_WELL = "During Tuesday's ICU meeting you explained the alarm filter clearly to the nurses."
TO_IMPROVE = "When Dirk asked about missed alarms you had no numbers ready to show him."
NEXT_STEP = "Bring the validation numbers of ward 4 to next week's meeting with Dirk."


def _traineeship(world, trainee, *, days_ago: int, **people):
    return training.create_traineeship(
        actor=None,
        trainee=trainee,
        hospital=world.hospital_a,
        university=world.university,
        start_date=timezone.localdate() - dt.timedelta(days=days_ago),
        **{
            "university_supervisor": world.university_supervisor,
            "hospital_supervisor": world.supervisor_a,
            "medical_doctor": world.doctor_a,
            **people,
        },
    )


def _given_days_ago(entry: Feedback, days: int) -> None:
    Feedback.objects.filter(pk=entry.pk).update(given_at=timezone.now() - dt.timedelta(days=days))


def _give(author, traineeship, **fields):
    return feedback.give_feedback(
        actor=author,
        traineeship=traineeship,
        competencies=list(feedback.current_framework().competencies.all()[:2]),
        rating=fields.pop("rating", 4),
        went_well=fields.pop("went_well", WENT_WELL),
        to_improve=fields.pop("to_improve", TO_IMPROVE),
        next_step=fields.pop("next_step", NEXT_STEP),
        **fields,
    )


def _overdue_olaf(world):
    """Olaf: university feedback 5 days ago, hospital feedback 40 days ago."""
    olaf = _traineeship(world, UserFactory(full_name="Olaf Overdue"), days_ago=120)
    _given_days_ago(_give(world.university_supervisor, olaf), 5)
    _given_days_ago(_give(world.supervisor_a, olaf), 40)
    return olaf


def _waiting(page):
    """The home page's section of trainees waiting for feedback."""
    return page.get_by_role("region", name="Trainees waiting for feedback")


def _main(page) -> str:
    return page.locator("main").inner_text()


def _no_sideways_scrolling(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{path_of(page)} is {width}px wide"


def _fill_narrative(page, went_well: str, to_improve: str, next_step: str) -> None:
    page.fill("#id_went_well", went_well)
    page.fill("#id_to_improve", to_improve)
    page.fill("#id_next_step", next_step)


def test_a_supervisor_gives_feedback_on_a_phone_and_the_trainee_responds(
    world, new_page, live_server
):
    tim = _traineeship(world, world.trainee_a, days_ago=10)
    olaf = _overdue_olaf(world)
    mail.outbox.clear()

    # --- Sara's home page, on her phone, flags Olaf: no hospital feedback for 40 days.
    sara = new_page(viewport=PHONE)
    sign_in(sara, world.supervisor_a.email)
    assert path_of(sara) == "/"
    assert _waiting(sara).is_visible()
    flagged = _waiting(sara).locator("li", has_text="Olaf Overdue")
    assert "hospital: 40 days" in flagged.inner_text()
    assert "university:" not in flagged.inner_text()
    assert "Tim Trainee" not in _waiting(sara).inner_text()
    assert flagged.get_by_role("link", name="Olaf Overdue").get_attribute("href") == (
        f"/feedback/{olaf.pk}/give/"
    )
    _no_sideways_scrolling(sara)

    # --- She opens Tim's feedback and gives feedback; the first try is vague.
    sara.goto(f"/feedback/{tim.pk}/")
    assert "No feedback yet." in _main(sara)
    with sara.expect_navigation():
        sara.get_by_role("link", name="Give feedback").click()
    assert path_of(sara) == f"/feedback/{tim.pk}/give/"
    _no_sideways_scrolling(sara)
    sara.fill("#id_subject", "ICU alarm filter")
    sara.get_by_label("Content: Design").check()
    sara.get_by_label("Professional skills: Communication").check()
    sara.locator("input[name=rating][value='4']").check()
    _fill_narrative(sara, "Good job.", "More detail.", "Keep going.")
    with sara.expect_navigation():
        sara.get_by_role("button", name="Send feedback").click()
    alert = sara.get_by_role("alert")
    assert "Could this be more specific?" in alert.inner_text()
    assert "Give an example" in alert.inner_text()
    assert Feedback.objects.filter(traineeship=tim).count() == 0
    assert not [m for m in mail.outbox if world.trainee_a.email in m.to]
    # The choices are kept; she makes the text specific and sends it.
    assert sara.get_by_label("Content: Design").is_checked()
    assert sara.locator("input[name=rating][value='4']").is_checked()
    assert sara.input_value("#id_went_well") == "Good job."
    _no_sideways_scrolling(sara)
    _fill_narrative(sara, WENT_WELL, TO_IMPROVE, NEXT_STEP)
    with sara.expect_navigation():
        sara.get_by_role("button", name="Send it as it is").click()
    assert path_of(sara) == f"/feedback/{tim.pk}/"
    assert "Tim can read your feedback now." in sara.locator(".messages").inner_text()
    given = Feedback.objects.get(traineeship=tim)
    assert given.went_well == WENT_WELL
    assert given.rating == 4
    assert sorted(c.name_en for c in given.competencies.all()) == ["Communication", "Design"]
    assert WENT_WELL in _main(sara)
    _no_sideways_scrolling(sara)

    # --- Tim is told by e-mail (the worker's job, every minute) and sees it on his home page.
    assert not [m for m in mail.outbox if world.trainee_a.email in m.to]
    feedback.send_feedback_notices()
    to_tim = [m for m in mail.outbox if world.trainee_a.email in m.to]
    assert len(to_tim) == 1
    assert f"/feedback/{tim.pk}/" in to_tim[0].body
    trainee = new_page(viewport=DESKTOP)
    sign_in(trainee, world.trainee_a.email)
    received = trainee.locator("main li", has_text="Sara Supervisor")
    assert NEXT_STEP[:40] in received.inner_text()
    with trainee.expect_navigation():
        received.get_by_role("link", name="Sara Supervisor").click()
    assert path_of(trainee) == f"/feedback/{tim.pk}/"
    entry = trainee.locator(f"#feedback-{given.pk}")
    assert TO_IMPROVE in entry.inner_text()
    assert "rating 4 of 5" in entry.inner_text()

    # --- He responds; Sara is told.
    mail.outbox.clear()
    entry.locator("summary", has_text="Respond").click()
    entry.get_by_label("Your response").fill("Thank you — I will bring the ward 4 numbers.")
    with trainee.expect_navigation():
        entry.get_by_role("button", name="Send").click()
    assert "Your response has been added." in trainee.locator(".messages").inner_text()
    assert (
        "I will bring the ward 4 numbers." in trainee.locator(f"#feedback-{given.pk}").inner_text()
    )
    assert Response.objects.get().author == world.trainee_a
    to_sara = [m for m in mail.outbox if world.supervisor_a.email in m.to]
    assert len(to_sara) == 1
    assert "Tim Trainee" in to_sara[0].subject
    sara.goto(f"/feedback/{tim.pk}/")
    assert "I will bring the ward 4 numbers." in _main(sara)

    # --- Olaf is still flagged on Sara's home page; Tim is not.
    sara.goto("/")
    assert _waiting(sara).locator("li", has_text="Olaf Overdue").count() == 1
    assert "Tim Trainee" not in _waiting(sara).inner_text()


def test_the_feedback_pages_have_no_serious_accessibility_problems(world, new_page, live_server):
    tim = _traineeship(world, world.trainee_a, days_ago=60)
    olaf = _overdue_olaf(world)
    first = _give(world.supervisor_a, tim, subject="ICU alarm filter")
    _give(world.university_supervisor, tim, rating=2)
    feedback.respond(actor=world.trainee_a, feedback=first, body="Thank you, I will.")
    _given_days_ago(first, 35)
    report = AxeReport()

    # Sara: her home page with the overdue trainees, the feedback list, the give form with
    # warnings shown.
    page = new_page()
    sign_in(page, world.supervisor_a.email)
    report.check(page, "home page with overdue trainees, hospital supervisor")
    report.visit(page, f"/feedback/{tim.pk}/", "feedback list, hospital supervisor")
    report.visit(page, f"/feedback/{olaf.pk}/", "feedback list of an overdue trainee")
    report.visit(page, f"/feedback/{tim.pk}/give/", "give feedback")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Content: Design").check()
    page.locator("input[name=rating][value='3']").check()
    _fill_narrative(page, "Fine.", "", "Go on.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").click()
    assert page.locator(".errorlist").count() == 1  # what to improve is required
    report.check(page, "give feedback with an error")
    page.fill("#id_to_improve", "More.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").click()
    assert "Could this be more specific?" in _main(page)
    report.check(page, "give feedback with warnings")
    page.context.close()

    # Tim: his home page with the feedback received, the list with the response form open.
    page = new_page()
    sign_in(page, world.trainee_a.email)
    report.check(page, "home page with feedback received, trainee")
    report.visit(page, f"/feedback/{tim.pk}/", "feedback list, trainee")
    page.locator(f"#feedback-{first.pk} summary").click()
    report.check(page, "feedback list with the response form open, trainee")
    page.context.close()

    # The programme office: the settings, and the settings with errors.
    page = new_page()
    sign_in(page, world.office.email, totp_secret=TOTP_SECRET)
    report.visit(page, "/feedback/settings/", "feedback settings")
    page.set_viewport_size(DESKTOP)
    page.fill("#id_university_interval_days", "3")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator(".errorlist").count() == 1
    report.check(page, "feedback settings with an error")
    page.goto("/")
    report.check(page, "home page with overdue trainees, programme office")
    page.context.close()

    assert report.pages_checked >= 24
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )
