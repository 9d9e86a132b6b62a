"""Multisource feedback and a progress review (issue 6), in a real browser.

The trainee asks a nurse for feedback through the round form. The nurse, who has no account,
opens the link from the e-mail on a 360px phone and answers; opening the same link again says
it was used. The trainee sees the answer. Then a progress review is prepared (the trainee's
self-assessment), held (the university supervisor records the outcome) and signed by the trainee
and both supervisors. axe checks, at 1280 and 360 pixels, the round form and page, the public
answer form, the used-link page, the review page and the assessment page with the scoring form.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from qme.feedback import services
from qme.feedback.models import Answer, Request, ReviewKind
from tests.feedback_support import traineeship_for

from .helpers import DESKTOP, PHONE, path_of, sign_in
from .test_accessibility import AxeReport

pytestmark = pytest.mark.browser

SELF_ASSESSMENT = "I validated the alarm filter on ward 4 and presented it to the nurses."
ACTIONS = "Finish the validation report; plan the pilot on ward 5 with Dirk."
WENT_WELL = "On the night shift you showed us the new alarm screen and listened to our doubts."
TO_IMPROVE = "During the handover you spoke quickly; give us a moment to ask questions."


def _click(page, name: str, *, within=None) -> None:
    scope = within if within is not None else page.locator("main")
    target = scope.get_by_role("button", name=name, exact=True)
    if target.count() == 0:
        target = scope.get_by_role("link", name=name, exact=True)
    with page.expect_navigation():
        target.first.click()


def _main(page) -> str:
    return page.locator("main").inner_text()


def _flash(page) -> str:
    return page.locator(".messages").inner_text()


def _path_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S*)", message.body)
    assert match, message.body
    return match.group(1)


def _fits(page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling on the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _assert_no_problems(report: AxeReport, minimum: int) -> None:
    assert report.pages_checked >= minimum
    assert not report.problems, (
        f"axe found {len(report.problems)} serious or critical problem(s):\n\n"
        + "\n\n".join(report.problems)
    )


def test_a_nurse_answers_on_a_phone_and_a_review_is_prepared_held_and_signed(
    world, new_page, live_server
):
    traineeship = traineeship_for(world)
    competencies = list(services.current_framework().competencies.order_by("area", "order"))
    for supervisor, rating in ((world.university_supervisor, 3), (world.supervisor_a, 4)):
        services.give_feedback(
            actor=supervisor,
            traineeship=traineeship,
            competencies=competencies[:2],
            rating=rating,
            went_well="During the ward round you explained the alarm filter to the nurses.",
            to_improve="When asked about false negatives you had no numbers ready, e.g. ward 4.",
            next_step="Bring the validation numbers of ward 4 to next week's meeting.",
        )
    report = AxeReport()

    # The trainee asks a nurse for feedback; the form first shows what is missing.
    trainee = new_page()
    sign_in(trainee, world.trainee_a.email)
    trainee.goto(f"/feedback/{traineeship.pk}/")
    _click(trainee, "Ask for feedback")
    assert path_of(trainee) == f"/feedback/{traineeship.pk}/rounds/new/"
    report.check(trainee, "round form")
    trainee.set_viewport_size(DESKTOP)
    form = trainee.locator("main form")
    _click(trainee, "Send the requests", within=form)
    assert "This field is required." in _main(trainee)
    report.check(trainee, "round form with errors")
    trainee.set_viewport_size(DESKTOP)
    form = trainee.locator("main form")
    form.get_by_label("Title").fill("After the alarm pilot on ward 4")
    checkboxes = form.locator("input[name=competencies]")
    checkboxes.nth(0).check()
    checkboxes.nth(5).check()
    form.locator("input[name=anonymous]").uncheck()  # with names: one answer is enough to see
    form.get_by_label("Whom to ask").fill("Nina Nurse, nina@ward4.example.org, nurse")
    _click(trainee, "Send the requests", within=form)
    request = Request.objects.get()
    assert path_of(trainee) == f"/feedback/{traineeship.pk}/rounds/{request.round_id}/"
    assert "The requests have been sent by e-mail." in _flash(trainee)
    assert "Nina Nurse" in _main(trainee)  # not answered yet
    report.check(trainee, "round page, waiting for answers")

    # The nurse opens the link from her e-mail on a phone, without an account.
    [message] = [m for m in mail.outbox if m.to == ["nina@ward4.example.org"]]
    link = _path_in(message)
    nurse = new_page(viewport=PHONE)
    response = nurse.goto(link)
    assert response.status == 200
    assert "Tim Trainee" in _main(nurse)
    assert nurse.locator(".user-menu").count() == 0  # nobody signed in
    _fits(nurse)
    report.check(nurse, "public answer form")
    nurse.set_viewport_size(PHONE)
    answer_form = nurse.locator("main form")
    for fieldset in answer_form.locator("fieldset").all():
        fieldset.locator("label.scale-option", has_text="4").click()
    answer_form.locator("textarea[name=went_well]").fill(WENT_WELL)
    answer_form.locator("textarea[name=to_improve]").fill(TO_IMPROVE)
    with nurse.expect_navigation():
        answer_form.locator("button[type=submit]").click()
    assert nurse.locator("main [role=status]").count() == 1
    answer = Answer.objects.get()
    assert sorted(answer.ratings.values()) == [4, 4]
    assert answer.went_well == WENT_WELL

    # The same link again: it was used, with a clear page (410), and nothing is stored twice.
    response = nurse.goto(link)
    assert response.status == 410
    assert nurse.locator("main [role=alert]").count() == 1
    assert nurse.locator("main form").count() == 0
    _fits(nurse)
    report.check(nurse, "used-link page")
    assert Answer.objects.count() == 1
    nurse.context.close()

    # The trainee sees the answer, with the nurse's name.
    trainee.set_viewport_size(DESKTOP)
    trainee.reload()
    main = _main(trainee)
    assert "1 of 1 answered" in main
    assert WENT_WELL in main
    assert "Nina Nurse" in main
    report.check(trainee, "round page with an answer")

    # The review: the trainee prepares it with a self-assessment.
    trainee.set_viewport_size(DESKTOP)
    trainee.goto(f"/feedback/{traineeship.pk}/reviews/")
    review = traineeship.reviews.filter(kind=ReviewKind.PROGRESS).order_by("due_on").first()
    with trainee.expect_navigation():
        trainee.locator(f"main a[href$='/reviews/{review.pk}/']").click()
    trainee.get_by_label("Your self-assessment").fill(SELF_ASSESSMENT)
    _click(trainee, "Save")
    assert "Your self-assessment has been saved." in _flash(trainee)
    assert SELF_ASSESSMENT in _main(trainee)
    report.check(trainee, "review page, self-assessment written")

    # The university supervisor holds it: records the outcome and the actions, and signs.
    ulla = new_page()
    sign_in(ulla, world.university_supervisor.email)
    ulla.goto(f"/feedback/{traineeship.pk}/reviews/{review.pk}/")
    assert SELF_ASSESSMENT in _main(ulla)
    # Prepared with the feedback of the period, per competency, with its trend.
    assert ulla.locator("main svg[role=img] polyline").count() == 2
    assert "Feedback of the period (2 entries)" in _main(ulla)
    report.check(ulla, "review page, to record")
    ulla.set_viewport_size(DESKTOP)
    record = ulla.locator("main details form")
    record.get_by_label("Outcome").select_option("targeted_training")
    record.get_by_label("Agreed actions").fill(ACTIONS)
    _click(ulla, "Record", within=record)
    assert "The review has been recorded." in _flash(ulla)
    assert "Targeted training needed" in _main(ulla)
    report.check(ulla, "review page, recorded")
    ulla.set_viewport_size(DESKTOP)
    _click(ulla, "Sign")
    assert "You have signed the review." in _flash(ulla)

    # The trainee signs; once held, the self-assessment can no longer change.
    trainee.reload()
    assert trainee.get_by_label("Your self-assessment").count() == 0
    _click(trainee, "Sign")
    assert "You have signed the review." in _flash(trainee)

    # The hospital supervisor signs last, on a phone.
    sara = new_page(viewport=PHONE)
    sign_in(sara, world.supervisor_a.email)
    sara.goto(f"/feedback/{traineeship.pk}/reviews/{review.pk}/")
    _fits(sara)
    _click(sara, "Sign")
    assert "You have signed the review." in _flash(sara)
    assert sara.get_by_role("button", name="Sign", exact=True).count() == 0
    report.check(sara, "review page, signed by all")
    review.refresh_from_db()
    assert review.is_final
    assert review.outcome == "targeted_training"
    sara.goto(f"/feedback/{traineeship.pk}/reviews/")
    assert "final" in _main(sara)
    report.check(sara, "reviews list")

    # The design assessment: the scoring form, as an assessor sees it.
    assessment = services.create_assessment(
        actor=world.office,
        traineeship=traineeship,
        deliverable="design_report",
        assessors=[(world.university_supervisor, "university"), (world.supervisor_a, "hospital")],
    )
    ulla.set_viewport_size(DESKTOP)
    ulla.goto(f"/feedback/{traineeship.pk}/assessments/{assessment.pk}/")
    assert ulla.get_by_role("button", name="Submit my assessment").count() == 1
    report.check(ulla, "assessment page with the scoring form")
    ulla.set_viewport_size(DESKTOP)
    first = ulla.locator("main fieldset.criterion").first
    first.locator("label.scale-option", has_text="Good").click()
    _click(ulla, "Save draft")
    assert "saved as a draft" in _flash(ulla)
    report.check(ulla, "assessment page with a draft")
    # Both submit; the assessor then sees the scores side by side and the judgement form.
    for person in (world.supervisor_a, world.university_supervisor):
        services.save_assessment_scores(
            actor=person,
            assessment=assessment,
            scores={c.pk: (4, "Sound.") for c in assessment.rubric.criteria.all()},
            submit=True,
        )
    ulla.reload()
    assert "All assessments side by side" in _main(ulla)
    report.check(ulla, "assessment page with all scores and the judgement form")
    trainee.goto(f"/feedback/{traineeship.pk}/design-criteria/")
    report.check(trainee, "design criteria, trainee")

    _assert_no_problems(report, 28)
