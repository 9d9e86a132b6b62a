"""The cadence: days since the last feedback from the university and from the hospital, a flag
over the programme's interval, and intervals that only the programme office sets (7 to 180)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.feedback import home, services
from qme.feedback.models import ProgrammeSettings
from qme.training.models import Traineeship
from tests.helpers import page_text

from .helpers import give, given_days_ago, local, snapshot


def _cadence(traineeship) -> dict:
    annotated = services.with_cadence(Traineeship.objects.filter(pk=traineeship.pk)).get()
    return services.cadence_of(annotated)


def _settings_data(**overrides) -> dict:
    """Every field of the settings form as it stands, with these changes."""
    from qme.feedback.forms import SettingsForm

    form = SettingsForm(instance=ProgrammeSettings.current())
    data = {name: form[name].value() for name in form.fields}
    data.update(overrides)
    return data


def _overdue_ids(now=None) -> set[int]:
    settings = ProgrammeSettings.current()
    return set(
        services.with_cadence(Traineeship.objects.all())
        .filter(services.overdue_q(settings, now))
        .values_list("pk", flat=True)
    )


def test_it_counts_from_the_start_without_any_feedback(world, traineeship):
    assert _cadence(traineeship) == {
        "university_days": 90,
        "hospital_days": 90,
        "university_overdue": True,
        "hospital_overdue": True,
    }
    assert _overdue_ids() == {traineeship.pk}


def test_it_counts_days_since_the_last_feedback_from_each_side(world, traineeship):
    given_days_ago(give(world.university_supervisor, traineeship), 30)
    given_days_ago(give(world.university_supervisor, traineeship), 10)
    given_days_ago(give(world.supervisor_a, traineeship), 50)
    given_days_ago(give(world.doctor_a, traineeship), 40)  # the doctor counts for the hospital
    assert _cadence(traineeship) == {
        "university_days": 10,
        "hospital_days": 40,
        "university_overdue": False,
        "hospital_overdue": True,
    }
    assert _overdue_ids() == {traineeship.pk}


def test_it_flags_only_over_the_interval(world, traineeship):
    given_days_ago(give(world.university_supervisor, traineeship), 28)
    given_days_ago(give(world.supervisor_a, traineeship), 0)
    cadence = _cadence(traineeship)
    assert cadence["university_days"] == 28
    assert cadence["university_overdue"] is False
    # Older feedback does not count: the last one does.
    given_days_ago(give(world.university_supervisor, traineeship), 60)
    assert _cadence(traineeship)["university_days"] == 28
    assert _overdue_ids() == set()


def test_it_flags_the_day_after_the_interval(world, traineeship):
    given_days_ago(give(world.university_supervisor, traineeship), 29)
    given_days_ago(give(world.supervisor_a, traineeship), 1)
    cadence = _cadence(traineeship)
    assert cadence["university_days"] == 29
    assert cadence["university_overdue"] is True
    assert cadence["hospital_overdue"] is False


def test_a_new_trainee_is_not_overdue_in_the_first_interval(world):
    from tests.factories import UserFactory

    from .helpers import traineeship_for

    fresh = traineeship_for(world, UserFactory(), days_ago=3)
    assert _cadence(fresh)["university_days"] == 3
    assert fresh.pk not in _overdue_ids()


def test_the_flag_and_the_overdue_lists_agree_at_any_hour(world, traineeship, time_machine):
    """Feedback given 28 days ago in the morning is not over a 28-day interval that afternoon:
    the home page must not list a trainee whose page shows no flag."""
    today = timezone.localdate()
    time_machine.move_to(local(today, 16), tick=False)
    given_days_ago(give(world.university_supervisor, traineeship), 28, hour=9)
    given_days_ago(give(world.supervisor_a, traineeship), 28, hour=9)
    cadence = _cadence(traineeship)
    assert cadence["university_days"] == cadence["hospital_days"] == 28
    assert not cadence["university_overdue"]
    assert not cadence["hospital_overdue"]
    assert _overdue_ids() == set()
    assert home.overdue_section(world.supervisor_a) is None
    # The next morning it is over the interval, on both.
    time_machine.move_to(local(today + dt.timedelta(days=1), 8), tick=False)
    assert _cadence(traineeship)["university_overdue"]
    assert _overdue_ids() == {traineeship.pk}
    assert home.overdue_section(world.supervisor_a) is not None


def test_it_shows_the_days_and_the_flags_on_the_feedback_page(world, traineeship, client_for):
    given_days_ago(give(world.university_supervisor, traineeship), 5)
    given_days_ago(give(world.supervisor_a, traineeship), 40)
    response = client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/")
    assert response.context["cadence"] == {
        "university_days": 5,
        "hospital_days": 40,
        "university_overdue": False,
        "hospital_overdue": True,
    }
    assert page_text(response).count("over 28 days") == 1


def test_it_answers_the_cadence_in_the_api(world, traineeship, client_for):
    given_days_ago(give(world.doctor_a, traineeship), 12)
    response = client_for(world.supervisor_a).get(f"/api/v1/traineeships/{traineeship.pk}/cadence")
    assert response.status_code == 200
    assert response.json() == {
        "university_days": 90,
        "hospital_days": 12,
        "university_overdue": True,
        "hospital_overdue": False,
    }


# --- The intervals, set by the programme office ---


def test_it_lets_the_programme_office_set_the_intervals(world, traineeship, client_for):
    given_days_ago(give(world.university_supervisor, traineeship), 20)
    given_days_ago(give(world.supervisor_a, traineeship), 20)
    client = client_for(world.office)
    page = client.get("/feedback/settings/")
    assert page.status_code == 200
    assert page.context["form"]["university_interval_days"].value() == 28
    assert page.context["form"]["hospital_interval_days"].value() == 28
    response = client.post(
        "/feedback/settings/",
        _settings_data(university_interval_days="14", hospital_interval_days="60"),
    )
    assert response.status_code == 302
    settings = ProgrammeSettings.current()
    assert (settings.university_interval_days, settings.hospital_interval_days) == (14, 60)
    cadence = _cadence(traineeship)
    assert cadence["university_overdue"] is True
    assert cadence["hospital_overdue"] is False


@pytest.mark.parametrize("days", ["7", "180"])
def test_it_accepts_the_ends_of_the_range(world, client_for, days):
    response = client_for(world.office).post(
        "/feedback/settings/",
        _settings_data(university_interval_days=days, hospital_interval_days=days),
    )
    assert response.status_code == 302
    assert ProgrammeSettings.current().hospital_interval_days == int(days)


@pytest.mark.parametrize("days", ["6", "181", "0", "-3", "1000", "99999999", "abc", "", "14.5"])
@pytest.mark.parametrize("field", ["university_interval_days", "hospital_interval_days"])
def test_it_keeps_the_intervals_between_7_and_180_days(world, client_for, field, days):
    ProgrammeSettings.current()
    before = snapshot()
    data = _settings_data(university_interval_days="21", hospital_interval_days="21")
    data[field] = days
    response = client_for(world.office).post("/feedback/settings/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona",
    [
        "supervisor_a",
        "university_supervisor",
        "doctor_a",
        "coordinator_a",
        "trainee_a",
        "applicant",
    ],
)
def test_it_lets_only_the_programme_office_set_the_intervals(world, client_for, persona):
    ProgrammeSettings.current()
    before = snapshot()
    client = client_for(getattr(world, persona))
    assert client.get("/feedback/settings/").status_code == 403
    response = client.post(
        "/feedback/settings/",
        _settings_data(university_interval_days="7", hospital_interval_days="7"),
    )
    assert response.status_code == 403
    assert snapshot() == before
    with pytest.raises(PermissionDenied):
        services.update_settings(
            actor=getattr(world, persona), university_interval_days=7, hospital_interval_days=7
        )


def test_it_asks_to_sign_in_for_the_settings(client):
    response = client.get("/feedback/settings/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("days", [6, 181])
def test_the_service_keeps_the_range_too(world, days):
    with pytest.raises(ValidationError):
        services.update_settings(
            actor=world.office, university_interval_days=days, hospital_interval_days=28
        )
    assert ProgrammeSettings.current().university_interval_days == 28


def test_the_settings_page_saves_the_review_settings_beside_the_intervals(world, client_for):
    client = client_for(world.office)
    data = _settings_data(review_interval_months="4", go_no_go_month="10")
    assert client.post("/feedback/settings/", data).status_code == 302
    settings = ProgrammeSettings.current()
    assert (settings.review_interval_months, settings.go_no_go_month) == (4, 10)
    assert (settings.university_interval_days, settings.hospital_interval_days) == (28, 28)


@pytest.mark.parametrize(
    ("field", "value"),
    [("review_interval_months", "0"), ("review_interval_months", "13"), ("go_no_go_month", "25")],
)
def test_the_settings_page_keeps_the_review_settings_within_the_traineeship(
    world, client_for, field, value
):
    ProgrammeSettings.current()
    before = snapshot()
    response = client_for(world.office).post(
        "/feedback/settings/", _settings_data(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_the_supervisors_home_page_flags_an_overdue_trainee(world, traineeship, client_for):
    given_days_ago(give(world.university_supervisor, traineeship), 3)
    given_days_ago(give(world.supervisor_a, traineeship), 40)
    text = page_text(client_for(world.supervisor_a).get("/"))
    assert "Trainees waiting for feedback" in text
    assert f'href="/feedback/{traineeship.pk}/give/">Tim Trainee</a>' in text
    assert "hospital: 40 days" in text
    assert "university: 3 days" not in text
    # Feedback from the hospital clears the flag.
    give(world.doctor_a, traineeship)
    assert "Trainees waiting for feedback" not in page_text(client_for(world.supervisor_a).get("/"))
