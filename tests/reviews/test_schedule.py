"""Every traineeship has a progress review every three months and the go/no-go at month nine,
which takes the place of that month's progress review; the programme office can change both.
Each review covers the period since the one before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.feedback import services, tasks
from qme.feedback.models import ProgrammeSettings, Review
from qme.training.models import Traineeship
from tests.factories import UserFactory
from tests.feedback_support import local, traineeship_for


def _started(world, start: dt.date, trainee=None) -> Traineeship:
    return traineeship_for(world, trainee, days_ago=(timezone.localdate() - start).days)


def _plan(traineeship) -> list[tuple[str, dt.date, dt.date]]:
    return [(r.kind, r.due_on, r.period_start) for r in services.schedule_reviews(traineeship)]


def test_it_plans_progress_reviews_every_three_months_and_the_go_no_go_at_nine(world):
    traineeship = _started(world, dt.date(2025, 1, 15))
    d = dt.date
    assert _plan(traineeship) == [
        ("progress", d(2025, 4, 15), d(2025, 1, 15)),
        ("progress", d(2025, 7, 15), d(2025, 4, 15)),
        ("go_no_go", d(2025, 10, 15), d(2025, 7, 15)),
        ("progress", d(2026, 1, 15), d(2025, 10, 15)),
        ("progress", d(2026, 4, 15), d(2026, 1, 15)),
        ("progress", d(2026, 7, 15), d(2026, 4, 15)),
        ("progress", d(2026, 10, 15), d(2026, 7, 15)),
        ("progress", d(2027, 1, 15), d(2026, 10, 15)),
    ]


def test_month_ends_move_to_the_last_day_of_a_shorter_month(world):
    traineeship = _started(world, dt.date(2025, 8, 31))
    due = [r.due_on for r in services.schedule_reviews(traineeship)]
    assert due[:3] == [dt.date(2025, 11, 30), dt.date(2026, 2, 28), dt.date(2026, 5, 31)]


def test_a_leap_year_keeps_the_twenty_ninth_of_february(world):
    traineeship = _started(world, dt.date(2025, 11, 29))
    due = [r.due_on for r in services.schedule_reviews(traineeship)]
    assert dt.date(2026, 2, 28) in due  # 2026 is no leap year
    Traineeship.objects.filter(pk=traineeship.pk).update(start_date=dt.date(2023, 11, 30))
    Review.objects.all().delete()
    traineeship.refresh_from_db()
    due = [r.due_on for r in services.schedule_reviews(traineeship)]
    assert due[0] == dt.date(2024, 2, 29)


def test_the_programme_office_sets_the_interval_and_the_go_no_go_month(world, client_for):
    response = client_for(world.office).post(
        "/feedback/settings/",
        {
            "university_interval_days": "28",
            "hospital_interval_days": "28",
            "review_interval_months": "4",
            "go_no_go_month": "10",
        },
    )
    assert response.status_code == 302
    settings = ProgrammeSettings.current()
    assert (settings.review_interval_months, settings.go_no_go_month) == (4, 10)
    traineeship = _started(world, dt.date(2025, 1, 10))
    d = dt.date
    assert [(kind, due) for kind, due, _start in _plan(traineeship)] == [
        ("progress", d(2025, 5, 10)),
        ("progress", d(2025, 9, 10)),
        ("go_no_go", d(2025, 11, 10)),
        ("progress", d(2026, 1, 10)),
        ("progress", d(2026, 5, 10)),
        ("progress", d(2026, 9, 10)),
        ("progress", d(2027, 1, 10)),
    ]
    # The go/no-go covers the period since the review before it, and the next one since it.
    periods = {due: start for _kind, due, start in _plan(traineeship)}
    assert periods[d(2025, 11, 10)] == d(2025, 9, 10)
    assert periods[d(2026, 1, 10)] == d(2025, 11, 10)


def test_a_go_no_go_in_a_review_month_replaces_that_progress_review(world):
    settings = ProgrammeSettings.current()
    settings.review_interval_months, settings.go_no_go_month = 2, 6
    settings.save()
    traineeship = _started(world, dt.date(2025, 1, 1))
    reviews = services.schedule_reviews(traineeship)
    assert [r.kind for r in reviews if r.due_on == dt.date(2025, 7, 1)] == ["go_no_go"]
    assert len(reviews) == 12  # months 2, 4, 6 (go/no-go), 8, ..., 24


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("review_interval_months", "0"),
        ("go_no_go_month", "0"),
        ("review_interval_months", "13"),
        ("go_no_go_month", "25"),
        ("go_no_go_month", "x"),
    ],
)
def test_settings_that_cannot_make_a_schedule_are_refused(world, client_for, field, value):
    data = {
        "university_interval_days": "28",
        "hospital_interval_days": "28",
        "review_interval_months": "3",
        "go_no_go_month": "9",
        field: value,
    }
    response = client_for(world.office).post("/feedback/settings/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    settings = ProgrammeSettings.current()
    assert (settings.review_interval_months, settings.go_no_go_month) == (3, 9)


def test_planning_again_adds_nothing(world, client_for):
    traineeship = _started(world, dt.date(2025, 1, 15))
    first = services.schedule_reviews(traineeship)
    second = services.schedule_reviews(traineeship)
    assert [r.pk for r in first] == [r.pk for r in second]
    client = client_for(world.trainee_a)
    client.get(f"/feedback/{traineeship.pk}/reviews/")
    client.get(f"/feedback/{traineeship.pk}/reviews/")
    assert Review.objects.count() == 8


def test_the_daily_task_plans_the_reviews_of_traineeships_that_have_started(world, time_machine):
    started = _started(world, dt.date(2025, 1, 15))
    later = traineeship_for(world, UserFactory(full_name="Lotte Later"), days_ago=-30)
    ended = traineeship_for(world, UserFactory(full_name="Eddy Ended"), days_ago=400)
    Traineeship.objects.filter(pk=ended.pk).update(status="discontinued")
    assert tasks.schedule_due_reviews.enqueue().return_value == 1
    assert Review.objects.filter(traineeship=started).count() == 8
    assert not Review.objects.filter(traineeship__in=[later, ended]).exists()
    # Once the later one has started, the task plans its reviews too, and only once.
    time_machine.move_to(local(timezone.localdate() + dt.timedelta(days=31)), tick=False)
    assert services.schedule_due_reviews() == 1
    assert Review.objects.filter(traineeship=later).count() == 8
    assert services.schedule_due_reviews() == 0


def test_the_reviews_page_lists_them_in_order(world, client_for):
    traineeship = _started(world, dt.date(2025, 1, 15))
    response = client_for(world.supervisor_a).get(f"/feedback/{traineeship.pk}/reviews/")
    assert response.status_code == 200
    listed = list(response.context["reviews"])
    assert [r.due_on for r in listed] == sorted(r.due_on for r in listed)
    assert "Go/no-go review" in response.content.decode()


def test_the_reviews_page_takes_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    traineeship = _started(world, dt.date(2025, 1, 15))
    client = client_for(world.trainee_a)
    client.get(f"/feedback/{traineeship.pk}/reviews/")
    with django_assert_max_num_queries(15):
        response = client.get(f"/feedback/{traineeship.pk}/reviews/")
    assert response.status_code == 200
