"""Giving feedback, responding, and keeping the cadence: one function per change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.mail import queue_email
from qme.core.permissions import require
from qme.organisations.models import Role, RoleKind
from qme.training.models import Traineeship, TraineeshipStatus

from . import framework
from .models import (
    CadenceReminder,
    Competency,
    Feedback,
    Framework,
    ProgrammeSettings,
    Response,
    Side,
)

MIN_LENGTH = 30
EXAMPLE_MARKERS = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|when|during|in the meeting|yesterday|last week|"
    r"bijvoorbeeld|bijv\.|bv\.|zoals|toen|tijdens|gisteren|vorige week)\b|\d",
    re.IGNORECASE,
)


class VagueFeedback(ValidationError):
    """The feedback may be too vague; the giver can improve it or send it anyway."""


def current_framework() -> Framework:
    current = Framework.objects.filter(is_current=True).first()
    if current is not None:
        return current
    with transaction.atomic():
        current = Framework.objects.create(
            version=(Framework.objects.aggregate(v=Max("version"))["v"] or 0) + 1, is_current=True
        )
        Competency.objects.bulk_create(
            Competency(
                framework=current,
                area=area,
                order=i,
                name_en=en,
                name_nl=nl,
                description_en=d_en,
                description_nl=d_nl,
                anchors_en=framework.ANCHORS_EN,
                anchors_nl=framework.ANCHORS_NL,
            )
            for i, (area, en, nl, d_en, d_nl) in enumerate(framework.DEFAULT_COMPETENCIES, start=1)
        )
    return current


def side_of(user: User, traineeship: Traineeship) -> str:
    if user.pk == traineeship.university_supervisor_id:
        return Side.UNIVERSITY
    if user.pk in (traineeship.hospital_supervisor_id, traineeship.medical_doctor_id):
        return Side.HOSPITAL
    return Side.OTHER


def vagueness(went_well: str, to_improve: str, next_step: str) -> list[str]:
    """Warnings about feedback that is too short or gives no example."""
    warnings = []
    for label, text in (
        (_("What went well"), went_well),
        (_("What to improve"), to_improve),
        (_("The agreed next step"), next_step),
    ):
        if len(text.strip()) < MIN_LENGTH:
            warnings.append(
                _("“{label}” is very short: say specifically what you saw.").format(label=label)
            )
    if not EXAMPLE_MARKERS.search(" ".join((went_well, to_improve))):
        warnings.append(_("Give an example: when or where did you see it?"))
    return warnings


@transaction.atomic
def give_feedback(
    *,
    actor: User,
    traineeship: Traineeship,
    competencies: Sequence[Competency],
    rating: int,
    went_well: str,
    to_improve: str,
    next_step: str,
    subject: str = "",
    send_anyway: bool = False,
) -> Feedback:
    require(actor, "feedback.give", traineeship)
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has ended."), code="ended")
    errors = {}
    if not 1 <= len(competencies) <= 3:
        errors["competencies"] = _("Choose one to three competencies.")
    current = current_framework()
    if any(c.framework_id != current.pk for c in competencies):
        errors["competencies"] = _("Choose competencies of the current framework.")
    if not 1 <= int(rating) <= 5:
        errors["rating"] = _("Choose a rating from 1 to 5.")
    for field, value in (
        ("went_well", went_well),
        ("to_improve", to_improve),
        ("next_step", next_step),
    ):
        if not value.strip():
            errors[field] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    warnings = vagueness(went_well, to_improve, next_step)
    if warnings and not send_anyway:
        raise VagueFeedback(warnings, code="vague")
    feedback = Feedback.objects.create(
        traineeship=traineeship,
        author=actor,
        side=side_of(actor, traineeship),
        subject=subject.strip()[:200],
        rating=int(rating),
        went_well=went_well.strip(),
        to_improve=to_improve.strip(),
        next_step=next_step.strip(),
    )
    feedback.competencies.set(competencies)
    record_event(
        actor=actor,
        action="feedback.given",
        target=traineeship,
        data={"side": feedback.side, "rating": feedback.rating},
    )
    trainee = traineeship.trainee
    queue_email(
        to=trainee.email,
        template="feedback_given",
        language=trainee.language,
        context={
            "person": trainee.get_short_name(),
            "by": actor.full_name,
            "path": reverse("feedback:list", args=[traineeship.pk]),
        },
    )
    return feedback


@transaction.atomic
def respond(*, actor: User, feedback: Feedback, body: str) -> Response:
    require(actor, "feedback.respond", feedback.traineeship)
    if not body.strip():
        raise ValidationError({"body": _("Write your response.")})
    response = Response.objects.create(feedback=feedback, author=actor, body=body.strip()[:5000])
    record_event(actor=actor, action="feedback.responded", target=feedback.traineeship)
    author = feedback.author
    queue_email(
        to=author.email,
        template="feedback_response",
        language=author.language,
        context={
            "person": author.get_short_name(),
            "trainee": actor.full_name,
            "path": reverse("feedback:list", args=[feedback.traineeship_id]),
        },
    )
    return response


@transaction.atomic
def update_settings(
    *, actor: User, university_interval_days: int, hospital_interval_days: int
) -> ProgrammeSettings:
    require(actor, "feedback.configure")
    for field, value in (
        ("university_interval_days", university_interval_days),
        ("hospital_interval_days", hospital_interval_days),
    ):
        if not 7 <= value <= 180:
            raise ValidationError({field: _("Use a number of days from 7 to 180.")})
    settings = ProgrammeSettings.current()
    settings.university_interval_days = university_interval_days
    settings.hospital_interval_days = hospital_interval_days
    settings.save()
    record_event(
        actor=actor,
        action="settings.feedback_cadence",
        target=settings,
        data={"university": university_interval_days, "hospital": hospital_interval_days},
    )
    return settings


# --- Cadence ---


def with_cadence(traineeships: QuerySet[Traineeship]) -> QuerySet[Traineeship]:
    """Annotate the last feedback from the university and from the hospital, in the database."""
    return traineeships.annotate(
        last_university_feedback=Max(
            "feedback__given_at", filter=Q(feedback__side=Side.UNIVERSITY)
        ),
        last_hospital_feedback=Max("feedback__given_at", filter=Q(feedback__side=Side.HOSPITAL)),
    )


def days_since(
    traineeship: Traineeship, last: dt.datetime | None, today: dt.date | None = None
) -> int:
    today = today or timezone.localdate()
    since = timezone.localdate(last) if last else traineeship.start_date
    return max((today - since).days, 0)


def cadence_of(
    traineeship: Traineeship, settings: ProgrammeSettings | None = None
) -> dict[str, Any]:
    """Days since the last feedback from each side and whether it is over the interval. Needs
    the annotations of with_cadence."""
    settings = settings or ProgrammeSettings.current()
    university = days_since(traineeship, getattr(traineeship, "last_university_feedback", None))
    hospital = days_since(traineeship, getattr(traineeship, "last_hospital_feedback", None))
    return {
        "university_days": university,
        "hospital_days": hospital,
        "university_overdue": university > settings.university_interval_days,
        "hospital_overdue": hospital > settings.hospital_interval_days,
    }


def overdue_q(settings: ProgrammeSettings, now: dt.datetime | None = None) -> Q:
    """Traineeships (annotated by with_cadence) that are over an interval, as a database filter."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    university_cut = now - dt.timedelta(days=settings.university_interval_days)
    hospital_cut = now - dt.timedelta(days=settings.hospital_interval_days)
    return (
        Q(last_university_feedback__lt=university_cut)
        | Q(
            last_university_feedback__isnull=True,
            start_date__lt=today - dt.timedelta(days=settings.university_interval_days),
        )
        | Q(last_hospital_feedback__lt=hospital_cut)
        | Q(
            last_hospital_feedback__isnull=True,
            start_date__lt=today - dt.timedelta(days=settings.hospital_interval_days),
        )
    )


def active_traineeships() -> QuerySet[Traineeship]:
    return Traineeship.objects.filter(
        status__in=[TraineeshipStatus.ACTIVE, TraineeshipStatus.EXTENDED],
        start_date__lte=timezone.localdate(),
    )


def send_cadence_reminders(now: dt.datetime | None = None) -> int:
    """Remind the supervisor of a side that is over its interval, once per gap; after a second
    interval, tell the programme office too."""
    now = now or timezone.now()
    settings = ProgrammeSettings.current()
    office = list(
        User.objects.filter(
            pk__in=Role.objects.current().filter(kind=RoleKind.PROGRAMME_OFFICE).values("user_id"),
            is_active=True,
        )
    )
    sent = 0
    candidates = (
        with_cadence(active_traineeships())
        .filter(overdue_q(settings, now))
        .select_related("trainee", "university_supervisor", "hospital_supervisor")
    )
    for traineeship in candidates:
        for side, interval, last, supervisor in (
            (
                Side.UNIVERSITY,
                settings.university_interval_days,
                traineeship.last_university_feedback,
                traineeship.university_supervisor,
            ),
            (
                Side.HOSPITAL,
                settings.hospital_interval_days,
                traineeship.last_hospital_feedback,
                traineeship.hospital_supervisor,
            ),
        ):
            days = days_since(traineeship, last, timezone.localdate(now))
            for escalated, threshold, people in (
                (False, interval, [supervisor]),
                (True, 2 * interval, office),
            ):
                if days <= threshold:
                    continue
                already = CadenceReminder.objects.filter(
                    traineeship=traineeship, side=side, escalated=escalated, last_feedback_at=last
                ).exists()
                if already:
                    continue
                CadenceReminder.objects.create(
                    traineeship=traineeship,
                    side=side,
                    escalated=escalated,
                    last_feedback_at=last,
                    sent_at=now,
                )
                for person in people:
                    if person is None or not person.is_active:
                        continue
                    queue_email(
                        to=person.email,
                        template="feedback_overdue",
                        language=person.language,
                        context={
                            "person": person.get_short_name(),
                            "trainee": traineeship.trainee.full_name,
                            "days": days,
                            "side": Side(side).label,
                            "escalated": escalated,
                            "path": reverse("feedback:give", args=[traineeship.pk]),
                        },
                    )
                    sent += 1
    return sent
