"""The supervisors prepare with all feedback of the period summarised per competency, with its
trend over time drawn as a small SVG chart."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from qme.feedback import services
from qme.feedback.models import Feedback
from tests.feedback_support import competencies, local
from tests.helpers import page_text

from .helpers import first_progress

SPECIFIC = {
    "went_well": "During Tuesday's ICU meeting you explained the alarm filter clearly to the nurses.",
    "to_improve": "When the doctor asked about false negatives you had no numbers ready to show.",
    "next_step": "Bring the validation numbers of ward 4 to next week's meeting with Dirk.",
}


def _feedback(world, traineeship, day: dt.date, rating: int, chosen) -> Feedback:
    feedback = services.give_feedback(
        actor=world.university_supervisor,
        traineeship=traineeship,
        competencies=chosen,
        rating=rating,
        **SPECIFIC,
    )
    Feedback.objects.filter(pk=feedback.pk).update(given_at=local(day))
    return feedback


def test_it_summarises_the_feedback_of_the_period_per_competency(world, traineeship):
    review = first_progress(traineeship)  # the period: the start until three months later
    one, two, three = competencies(3)
    start = review.period_start
    _feedback(world, traineeship, start + dt.timedelta(days=10), 2, [one, two])
    _feedback(world, traineeship, start + dt.timedelta(days=40), 4, [one])
    _feedback(world, traineeship, start + dt.timedelta(days=80), 5, [one])
    _feedback(world, traineeship, review.due_on + dt.timedelta(days=1), 1, [one, three])
    prep = services.preparation(review)
    assert prep["feedback_count"] == 3
    rows = {row["competency"].pk: row for row in prep["summary"]}
    assert set(rows) == {one.pk, two.pk}  # feedback after the review does not count
    assert (rows[one.pk]["count"], rows[one.pk]["average"]) == (3, 3.7)
    assert (rows[two.pk]["count"], rows[two.pk]["average"]) == (1, 2.0)
    # The trend: rating 2, 4, 5 from left to right, 5 at the top (y 0), 1 at the bottom (y 40).
    assert rows[one.pk]["chart"] == "0.0,30.0 80.0,10.0 160.0,0.0"
    assert rows[two.pk]["chart"] == "0.0,30.0"


def test_the_trend_includes_earlier_periods_but_the_average_does_not(world, traineeship):
    services.schedule_reviews(traineeship)
    second = traineeship.reviews.order_by("due_on")[1]
    (one,) = competencies(1)
    _feedback(world, traineeship, second.period_start - dt.timedelta(days=5), 1, [one])
    _feedback(world, traineeship, second.period_start + dt.timedelta(days=5), 5, [one])
    prep = services.preparation(second)
    [row] = prep["summary"]
    assert (row["count"], row["average"]) == (1, 5.0)
    assert row["chart"] == "0.0,40.0 160.0,0.0"
    assert prep["feedback_count"] == 1


def test_a_competency_without_feedback_in_the_period_has_no_average(world, traineeship):
    services.schedule_reviews(traineeship)
    second = traineeship.reviews.order_by("due_on")[1]
    (one,) = competencies(1)
    _feedback(world, traineeship, second.period_start - dt.timedelta(days=5), 3, [one])
    [row] = services.preparation(second)["summary"]
    assert (row["count"], row["average"]) == (0, None)
    assert row["chart"] == "0.0,20.0"


def test_the_review_page_draws_the_trend(world, traineeship, client_for):
    review = first_progress(traineeship)
    (one,) = competencies(1)
    for days, rating in ((5, 2), (30, 3), (60, 5)):
        _feedback(world, traineeship, review.period_start + dt.timedelta(days=days), rating, [one])
    response = client_for(world.supervisor_a).get(
        f"/feedback/{traineeship.pk}/reviews/{review.pk}/"
    )
    text = page_text(response)
    assert '<svg width="160" height="40"' in text
    assert 'role="img"' in text
    assert 'points="0.0,30.0 80.0,20.0 160.0,0.0"' in text
    assert "3 entries" in text


def test_the_review_page_takes_a_fixed_number_of_queries(
    world, traineeship, client_for, django_assert_max_num_queries
):
    review = first_progress(traineeship)
    client = client_for(world.university_supervisor)
    chosen = competencies(3)
    _feedback(world, traineeship, review.period_start + dt.timedelta(days=3), 3, chosen[:1])
    cache.clear()  # each count with nothing kept from before (the navigation)
    with django_assert_max_num_queries(25) as few:
        client.get(f"/feedback/{traineeship.pk}/reviews/{review.pk}/")
    for day in range(4, 64, 2):
        _feedback(world, traineeship, review.period_start + dt.timedelta(days=day), 4, chosen)
    cache.clear()
    with django_assert_max_num_queries(25) as many:
        response = client.get(f"/feedback/{traineeship.pk}/reviews/{review.pk}/")
    assert response.context["prep"]["feedback_count"] == 31
    assert len(many) == len(few)


def test_preparation_uses_the_local_day_of_the_feedback(world, traineeship):
    """Feedback given late in the evening of the due day (already the next day in UTC) counts."""
    review = first_progress(traineeship)
    (one,) = competencies(1)
    feedback = _feedback(world, traineeship, review.due_on, 4, [one])
    late = dt.datetime.combine(
        review.due_on, dt.time(23, 30), tzinfo=timezone.get_current_timezone()
    )
    Feedback.objects.filter(pk=feedback.pk).update(given_at=late)
    assert services.preparation(review)["feedback_count"] == 1
