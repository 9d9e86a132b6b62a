"""What the feedback tests do again and again: start a traineeship, give specific feedback,
snapshot what is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.feedback import services
from qme.feedback.models import CadenceReminder, Feedback, ProgrammeSettings, Response
from qme.training import services as training
from qme.training.models import Traineeship

#: Specific, actionable feedback: long enough, with an example.
SPECIFIC = {
    "went_well": "During Tuesday's ICU meeting you explained the alarm filter clearly to the nurses.",
    "to_improve": "When the doctor asked about false negatives you had no numbers ready to show.",
    "next_step": "Bring the validation numbers of ward 4 to next week's meeting with Dirk.",
}
#: Vague feedback: short and without an example.
VAGUE = {"went_well": "Good job.", "to_improve": "More detail.", "next_step": "Keep going."}


def traineeship_for(world, trainee, *, days_ago: int = 90, **people) -> Traineeship:
    people = {
        "university_supervisor": world.university_supervisor,
        "hospital_supervisor": world.supervisor_a,
        "medical_doctor": world.doctor_a,
        **people,
    }
    return training.create_traineeship(
        actor=None,
        trainee=trainee,
        hospital=world.hospital_a,
        university=world.university,
        start_date=timezone.localdate() - dt.timedelta(days=days_ago),
        **people,
    )


def competencies(n: int = 2) -> list:
    return list(services.current_framework().competencies.all()[:n])


def give(actor, traineeship, **overrides: Any) -> Feedback:
    fields: dict[str, Any] = {
        "competencies": competencies(),
        "rating": 4,
        "subject": "ICU alarm filter",
        **SPECIFIC,
    }
    fields.update(overrides)
    return services.give_feedback(actor=actor, traineeship=traineeship, **fields)


def given_days_ago(feedback: Feedback, days: int, hour: int = 10) -> Feedback:
    """Move a feedback entry into the past (at this local hour)."""
    day = timezone.localdate() - dt.timedelta(days=days)
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
    Feedback.objects.filter(pk=feedback.pk).update(given_at=moment)
    feedback.refresh_from_db()
    return feedback


def form_data(competency_list=None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": "ICU alarm filter",
        "competencies": [c.pk for c in (competency_list or competencies())],
        "rating": "4",
        **SPECIFIC,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def api_payload(competency_list=None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": "ICU alarm filter",
        "competency_ids": [c.pk for c in (competency_list or competencies())],
        "rating": 4,
        **SPECIFIC,
    }
    data.update(overrides)
    return data


def snapshot() -> dict[str, Any]:
    """What this app stores, to prove that a refused action stored nothing."""
    settings = ProgrammeSettings.objects.values()
    return {
        "feedback": Feedback.objects.count(),
        "links": Feedback.competencies.through.objects.count(),
        "responses": Response.objects.count(),
        "reminders": CadenceReminder.objects.count(),
        "events": AuditEvent.objects.count(),
        "settings": list(settings),
    }


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
