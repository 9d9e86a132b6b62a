"""Supervisors and doctors see what waits for them: sign-offs, plans to approve (until their side
has approved), reviews to hold and to sign, design assessments to score and to agree, feedback
asked of them, and their trainees with overdue feedback."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qme.feedback import services as feedback_services
from qme.feedback.models import Review
from qme.training import services as training_services
from tests.assessment.helpers import assess, score
from tests.factories import UserFactory
from tests.feedback.helpers import give
from tests.feedback_support import answer, start
from tests.reviews.helpers import first_progress, record
from tests.training.factories import (
    approved_plan,
    item_titled,
    recorded,
    submitted_plan,
    traineeship_of,
)


def test_a_sign_off_waits_until_it_is_signed(world, catalogue, rules, home):
    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    record_ = recorded(traineeship, item_titled(plan, "Medical device regulation"))
    item = home(world.doctor_a).item(
        "supervision", "sign_offs", "Sign off “Medical device regulation” for Tim Trainee"
    )
    assert item.url == f"/training/records/{record_.pk}/"
    training_services.sign_off(actor=world.supervisor_a, record=record_)
    assert home(world.doctor_a).group("supervision", "sign_offs") is None


def test_a_plan_waits_for_each_side_until_that_side_approved(world, catalogue, rules, home):
    traineeship = traineeship_of(world)
    plan = submitted_plan(traineeship, catalogue)
    label = "Approve the training plan of Tim Trainee (version 1)"
    assert home(world.university_supervisor).item("supervision", "plans", label).url == (
        f"/training/{traineeship.pk}/plan/"
    )
    training_services.approve_plan(actor=world.university_supervisor, plan=plan)
    assert home(world.university_supervisor).group("supervision", "plans") is None
    # The hospital's side still has to approve: the doctor or the hospital supervisor.
    assert home(world.doctor_a).labels("supervision", "plans") == [label]
    training_services.approve_plan(actor=world.doctor_a, plan=plan)
    assert home(world.supervisor_a).group("supervision", "plans") is None


def test_a_review_due_waits_to_be_held_then_for_each_signature(world, rules, home):
    traineeship = traineeship_of(world)  # the first review was due a few days ago
    review = first_progress(traineeship)
    item = home(world.supervisor_a).item(
        "supervision", "reviews_to_record", "Record the progress review of Tim Trainee"
    )
    assert item.url == f"/feedback/{traineeship.pk}/reviews/{review.pk}/"
    assert item.meta.startswith("overdue since") or item.meta.startswith("due ")
    record(review, world.university_supervisor)
    page = home(world.supervisor_a)
    assert page.group("supervision", "reviews_to_record") is None
    assert page.labels("supervision", "reviews_to_sign") == [
        "Sign the progress review of Tim Trainee"
    ]
    feedback_services.sign_review(actor=world.supervisor_a, review=review)
    assert home(world.supervisor_a).group("supervision", "reviews_to_sign") is None
    # The doctor signs for the same side: the hospital has signed.
    assert home(world.doctor_a).group("supervision", "reviews_to_sign") is None
    assert home(world.university_supervisor).labels("supervision", "reviews_to_sign") == [
        "Sign the progress review of Tim Trainee"
    ]


def test_a_review_months_away_does_not_wait_yet(world, rules, home):
    traineeship = traineeship_of(world, start=timezone.localdate() - dt.timedelta(days=10))
    first_progress(traineeship)
    assert Review.objects.filter(traineeship=traineeship).exists()
    assert home(world.supervisor_a).group("supervision", "reviews_to_record") is None


def test_an_assessment_waits_for_the_scores_then_for_the_agreed_judgement(world, rules, home):
    traineeship = traineeship_of(world)
    assessment = assess(world, traineeship)
    label = "Score the design report of Tim Trainee"
    item = home(world.supervisor_a).item("supervision", "assessments_to_score", label)
    assert item.url == f"/feedback/{traineeship.pk}/assessments/{assessment.pk}/"
    score(assessment, world.supervisor_a)
    page = home(world.supervisor_a)
    assert page.group("supervision", "assessments_to_score") is None
    assert page.group("supervision", "assessments_to_agree") is None  # Ulla has not scored
    score(assessment, world.university_supervisor)
    assert home(world.supervisor_a).labels("supervision", "assessments_to_agree") == [
        "Record the agreed judgement on the design report of Tim Trainee"
    ]


def test_feedback_asked_by_e_mail_waits_until_answered(world, rules, home):
    traineeship = traineeship_of(world)
    nurse = UserFactory(full_name="Nurse 01", email="nurse01@ward.example.org")
    feedback_round = start(world, traineeship, n=2)
    request = feedback_round.requests.get(email=nurse.email)
    item = home(nurse).item("feedback_asked", "asked", "Give feedback to Tim Trainee")
    # The link is the request's own signed link (its signature holds the second it was made).
    assert item.url.startswith("/f/")
    assert item.url.endswith("/")
    assert feedback_services.request_for_token(item.url[3:-1]) == request
    answer(request)
    assert "feedback_asked" not in home(nurse).sections


def test_overdue_trainees_show_to_their_supervisors_with_the_days(world, rules, home):
    traineeship = traineeship_of(world)
    give(world.university_supervisor, traineeship)
    page = home(world.supervisor_a)
    assert f'href="/feedback/{traineeship.pk}/give/">Tim Trainee</a>' in page.html
    assert "hospital: 90 days" in page.html
    # The office does not give feedback: its link opens the trainee's page.
    office = home(world.office)
    assert f'href="/training/{traineeship.pk}/">Tim Trainee</a>' in office.html
    assert f"/feedback/{traineeship.pk}/give/" not in office.html


def test_a_supervisor_with_nothing_waiting_sees_their_trainees(world, rules, home):
    traineeship = traineeship_of(world, start=timezone.localdate() - dt.timedelta(days=5))
    page = home(world.doctor_a)
    assert page.sections["supervision"].context["groups"] == []
    assert f'href="/training/{traineeship.pk}/">Tim Trainee</a>' in page.html
