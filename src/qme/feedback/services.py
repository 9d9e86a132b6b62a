"""Giving feedback, responding, and keeping the cadence: one function per change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from auditlog.context import disable_auditlog
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import new_event, record_event
from qme.core import inserts
from qme.core.errors import ActionRefused, NotAllowed
from qme.core.mail import notify_later, notify_people, queue_email
from qme.core.permissions import require
from qme.organisations.models import Role, RoleKind
from qme.reports import cache as versioned
from qme.training.models import Traineeship, TraineeshipStatus

from . import framework
from .models import (
    SCALE,
    Answer,
    Assessment,
    AssessmentCriterion,
    AssessmentRubric,
    AssessmentScore,
    Assessor,
    CadenceReminder,
    Competency,
    DeliverableKind,
    Feedback,
    Framework,
    Outcome,
    ProgrammeSettings,
    RespondentRole,
    Response,
    Review,
    ReviewKind,
    Round,
    Side,
)
from .models import Request as FeedbackRequest

MIN_LENGTH = 30
EXAMPLE_MARKERS = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|when|during|in the meeting|yesterday|last week|"
    r"bijvoorbeeld|bijv\.|bv\.|zoals|toen|tijdens|gisteren|vorige week)\b|\d",
    re.IGNORECASE,
)


class VagueFeedback(ValidationError):
    """The feedback may be too vague; the giver can improve it or send it anyway."""


def _current() -> Framework | None:
    return Framework.objects.filter(is_current=True).first()


def current_framework() -> Framework:
    """The competency framework feedback is given on now (made from the default competencies
    the first time). Kept in the versioned cache: every feedback form reads it."""
    current = versioned.remember(
        "feedback:current-framework", (Framework,), (), _current, local=True
    )
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


def framework_competencies(framework: Framework) -> list[Competency]:
    """The framework's competencies in their order, kept in the versioned cache."""
    return versioned.remember(
        "feedback:competencies",
        (Competency,),
        framework.pk,
        lambda: list(framework.competencies.all()),
        local=True,
    )


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
    # The entry's creation is recorded once, as the event below (who, when, for whom, the
    # entry's id); auditlog records what changes afterwards (docs/architecture.md, Audit).
    feedback = Feedback(
        traineeship=traineeship,
        author=actor,
        side=side_of(actor, traineeship),
        subject=subject.strip()[:200],
        rating=int(rating),
        went_well=went_well.strip(),
        to_improve=to_improve.strip(),
        next_step=next_step.strip(),
        notice_pending=True,  # the trainee is told by the worker: send_feedback_notices
    )
    tagged = Feedback.competencies.through
    event = {"actor": actor, "action": "feedback.given", "target": traineeship}
    details = {"side": feedback.side, "rating": feedback.rating}
    if inserts.supported():
        # The entry, its competencies and its event in one statement: the form people submit
        # most often costs one round trip to the database instead of five.
        tags = [tagged(feedback_id=inserts.NEW_ID, competency=c) for c in competencies]
        event_row = new_event(**event, data=inserts.json_with_new_id(details, "feedback"))
        return inserts.insert_together(feedback, [tags, [event_row]])
    with transaction.atomic(), disable_auditlog():
        feedback.save(force_insert=True)
        # A new entry has no competencies to compare with or signal about: one INSERT.
        tagged.objects.bulk_create(tagged(feedback=feedback, competency=c) for c in competencies)
        record_event(**event, data={**details, "feedback": feedback.pk})
    return feedback


#: Feedback entries a run of `send_feedback_notices` takes in one transaction.
NOTICE_BATCH = 200


def send_feedback_notices() -> int:
    """Tell each trainee of the feedback they were given since the last run: a notification
    with its e-mail (now or in their digest, as they chose), in their language. Run by the
    worker every minute (`qme.core.schedule`). Each batch is taken with SKIP LOCKED and
    cleared in the transaction that notifies, so two runs never tell anyone twice, and an
    entry whose notification failed is tried again on the next run. Returns the number of
    entries told of."""
    told = 0
    while True:
        with transaction.atomic():
            batch = list(
                Feedback.objects.filter(notice_pending=True)
                .select_related("author", "traineeship__trainee")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:NOTICE_BATCH]
            )
            for feedback in batch:
                notify_people(
                    [feedback.traineeship.trainee],
                    "feedback_given",
                    {"by": feedback.author.full_name},
                    link=reverse("feedback:list", args=[feedback.traineeship_id]),
                )
            Feedback.objects.filter(pk__in=[f.pk for f in batch]).update(notice_pending=False)
        told += len(batch)
        if len(batch) < NOTICE_BATCH:
            return told


@transaction.atomic
def respond(*, actor: User, feedback: Feedback, body: str) -> Response:
    require(actor, "feedback.respond", feedback.traineeship)
    if not body.strip():
        raise ValidationError({"body": _("Write your response.")})
    response = Response.objects.create(feedback=feedback, author=actor, body=body.strip()[:5000])
    record_event(actor=actor, action="feedback.responded", target=feedback.traineeship)
    notify_later(
        [feedback.author],
        "feedback_response",
        {"trainee": actor.full_name},
        link=reverse("feedback:list", args=[feedback.traineeship_id]),
    )
    return response


@transaction.atomic
def update_settings(
    *,
    actor: User,
    university_interval_days: int,
    hospital_interval_days: int,
    review_interval_months: int | None = None,
    go_no_go_month: int | None = None,
) -> ProgrammeSettings:
    require(actor, "feedback.configure")
    for field, value in (
        ("university_interval_days", university_interval_days),
        ("hospital_interval_days", hospital_interval_days),
    ):
        if not 7 <= value <= 180:
            raise ValidationError({field: _("Use a number of days from 7 to 180.")})
    # Reviews fall within the two years of a traineeship.
    if review_interval_months is not None and not 1 <= review_interval_months <= 12:
        raise ValidationError({"review_interval_months": _("Use a number of months from 1 to 12.")})
    if go_no_go_month is not None and not 1 <= go_no_go_month <= 24:
        raise ValidationError({"go_no_go_month": _("Use a month from 1 to 24.")})
    settings = ProgrammeSettings.current()
    settings.university_interval_days = university_interval_days
    settings.hospital_interval_days = hospital_interval_days
    if review_interval_months is not None:
        settings.review_interval_months = review_interval_months
    if go_no_go_month is not None:
        settings.go_no_go_month = go_no_go_month
    settings.save()
    record_event(
        actor=actor,
        action="settings.feedback_cadence",
        target=settings,
        data={
            "university": university_interval_days,
            "hospital": hospital_interval_days,
            "review_months": settings.review_interval_months,
            "go_no_go_month": settings.go_no_go_month,
        },
    )
    return settings


# --- Cadence ---


def _last_feedback(side: str) -> Subquery:
    return Subquery(
        Feedback.objects.filter(traineeship=OuterRef("pk"), side=side)
        .order_by("-given_at")
        .values("given_at")[:1]
    )


def with_cadence(traineeships: QuerySet[Traineeship]) -> QuerySet[Traineeship]:
    """Annotate the last feedback from the university and from the hospital, in the database.

    One index probe per traineeship and side (feedback_cadence_idx), not a join with all their
    feedback grouped afterwards: with hundreds of entries per trainee, the join multiplied every
    other annotation of the list by the number of entries."""
    return traineeships.annotate(
        last_university_feedback=_last_feedback(Side.UNIVERSITY),
        last_hospital_feedback=_last_feedback(Side.HOSPITAL),
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


def overdue_cut(interval_days: int, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.date]:
    """Where one side's interval begins: feedback given before the first moment is overdue, and
    so is a traineeship without feedback that started before the second. Counted in whole
    days, as days_since counts them: feedback given on the day the interval began is not
    overdue yet, whatever the hour."""
    today = timezone.localdate(now or timezone.now())
    since = today - dt.timedelta(days=interval_days)
    return timezone.make_aware(dt.datetime.combine(since, dt.time.min)), since


def overdue_q(settings: ProgrammeSettings, now: dt.datetime | None = None) -> Q:
    """Traineeships (annotated by with_cadence) that are over an interval, as a database filter
    (see overdue_cut)."""
    university_cut, university_since = overdue_cut(settings.university_interval_days, now)
    hospital_cut, hospital_since = overdue_cut(settings.hospital_interval_days, now)
    return (
        Q(last_university_feedback__lt=university_cut)
        | Q(last_university_feedback__isnull=True, start_date__lt=university_since)
        | Q(last_hospital_feedback__lt=hospital_cut)
        | Q(last_hospital_feedback__isnull=True, start_date__lt=hospital_since)
    )


def overdue_check(
    settings: ProgrammeSettings, now: dt.datetime | None = None
) -> Callable[[dt.date, dt.datetime | None, dt.datetime | None], bool]:
    """overdue_q as a function of (start date, last university feedback, last hospital
    feedback), for rows already read."""
    university_cut, university_since = overdue_cut(settings.university_interval_days, now)
    hospital_cut, hospital_since = overdue_cut(settings.hospital_interval_days, now)

    def check(start: dt.date, university: dt.datetime | None, hospital: dt.datetime | None):
        return (
            university < university_cut if university is not None else start < university_since
        ) or (hospital < hospital_cut if hospital is not None else start < hospital_since)

    return check


def overdue_pks(traineeships: QuerySet[Traineeship], settings: ProgrammeSettings) -> list[int]:
    """The traineeships of the queryset that are over an interval. The last feedback per side
    is read once per traineeship and compared here: as a database filter (overdue_q), each
    probe is repeated in every condition that names it."""
    check = overdue_check(settings)
    rows = with_cadence(traineeships).values_list(
        "pk", "start_date", "last_university_feedback", "last_hospital_feedback"
    )
    return [
        pk
        for pk, start, university, hospital in rows.order_by()
        if check(start, university, hospital)
    ]


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
                sent += len(
                    notify_people(
                        people,
                        "feedback_overdue",
                        {
                            "trainee": traineeship.trainee.full_name,
                            "days": days,
                            "side": Side(side).label,
                            "escalated": escalated,
                        },
                        link=reverse("feedback:give", args=[traineeship.pk]),
                    )
                )
    return sent


# --- Multisource feedback ---

TOKEN_SALT = "qme.feedback.request"  # noqa: S105 - a signing salt, not a secret
MAX_RESPONDENTS = 25
REMINDER_AFTER = dt.timedelta(days=4)
MAX_REMINDERS = 2
ANONYMITY_MINIMUM = 3


def request_token(request: FeedbackRequest) -> str:
    return signing.dumps({"request": request.pk}, salt=TOKEN_SALT, compress=True)


def request_for_token(token: str) -> FeedbackRequest | None:
    """The request a link belongs to, or None for a link that was tampered with."""
    try:
        data = signing.loads(token[:500], salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("request") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return (
        FeedbackRequest.objects.select_related("round__traineeship__trainee").filter(pk=pk).first()
    )


def _send_request(request: FeedbackRequest, *, reminder: bool) -> None:
    round_ = request.round
    queue_email(
        to=request.email,
        template="feedback_request",
        language=request.language,
        context={
            "name": request.name,
            "trainee": round_.traineeship.trainee.full_name,
            "title": round_.title,
            "path": reverse("feedback:answer", args=[request_token(request)]),
            "expires": round_.expires_at,
            "reminder": reminder,
            "anonymous": round_.anonymous,
        },
    )


@transaction.atomic
def start_round(
    *,
    actor: User,
    traineeship: Traineeship,
    title: str,
    anonymous: bool,
    competencies: Sequence[Competency],
    respondents: Sequence[dict[str, str]],
    days_valid: int = 21,
) -> Round:
    """The trainee asks people for feedback by e-mail; nobody needs an account."""
    require(actor, "feedback.respond", traineeship)
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has ended."), code="ended")
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the round a title.")
    if not 1 <= len(competencies) <= 5:
        errors["competencies"] = _("Choose one to five competencies.")
    if not respondents:
        errors["respondents"] = _("Ask at least one person.")
    if len(respondents) > MAX_RESPONDENTS:
        errors["respondents"] = _("Ask at most 25 people in one round.")
    if not 3 <= days_valid <= 60:
        errors["days_valid"] = _("Use 3 to 60 days.")
    emails = [r["email"].strip().lower() for r in respondents]
    if len(set(emails)) != len(emails):
        errors["respondents"] = _("Each person can be asked once per round.")
    if errors:
        raise ValidationError(errors)
    # The same form sent twice (a button pressed twice) must not ask everyone twice.
    Traineeship.objects.select_for_update().filter(pk=traineeship.pk).first()
    if traineeship.feedback_rounds.filter(
        title__iexact=title.strip()[:200], expires_at__gt=timezone.now()
    ).exists():
        raise ActionRefused(_("You already have an open round with this title."), code="duplicate")
    round_ = Round.objects.create(
        traineeship=traineeship,
        title=title.strip()[:200],
        anonymous=anonymous,
        expires_at=timezone.now() + dt.timedelta(days=days_valid),
    )
    round_.competencies.set(competencies)
    for respondent, email in zip(respondents, emails, strict=True):
        request = FeedbackRequest(
            round=round_,
            name=respondent["name"].strip()[:200],
            email=email,
            role=respondent.get("role") or RespondentRole.OTHER,
            language=respondent.get("language") or "nl",
        )
        request.full_clean(exclude=["round"])
        request.save()
        _send_request(request, reminder=False)
    record_event(
        actor=actor,
        action="feedback.round_started",
        target=traineeship,
        data={"round": round_.pk, "asked": len(respondents), "anonymous": anonymous},
    )
    return round_


def link_problem(request: FeedbackRequest | None) -> str:
    """Why a link cannot be used, or an empty string."""
    if request is None:
        return _("This link is not valid. Check that you copied it completely.")
    if request.answered_at is not None:
        return _("This link has been used: your answer was received. Thank you!")
    if request.round.expires_at <= timezone.now():
        return _(
            "This link has expired. Ask the trainee for a new one if you still want to answer."
        )
    return ""


@transaction.atomic
def answer_request(
    *, request: FeedbackRequest, ratings: dict[int, int], went_well: str, to_improve: str
) -> Answer:
    request = (
        FeedbackRequest.objects.select_for_update()
        .select_related("round__traineeship__trainee")
        .get(pk=request.pk)
    )
    problem = link_problem(request)
    if problem:
        raise ActionRefused(problem, code="link_unusable")
    expected = set(request.round.competencies.values_list("pk", flat=True))
    errors = {}
    if set(ratings) != expected or any(not 1 <= int(v) <= 5 for v in ratings.values()):
        errors["ratings"] = _("Rate each competency from 1 to 5.")
    if not went_well.strip():
        errors["went_well"] = _("This field is required.")
    if not to_improve.strip():
        errors["to_improve"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    answer = Answer.objects.create(
        request=request,
        ratings={str(k): int(v) for k, v in ratings.items()},
        went_well=went_well.strip()[:5000],
        to_improve=to_improve.strip()[:5000],
    )
    request.answered_at = answer.submitted_at
    request.save(update_fields=["answered_at"])
    record_event(
        actor=None,
        action="feedback.request_answered",
        target=request.round.traineeship,
        data={"round": request.round_id},
    )
    notify_people(
        [request.round.traineeship.trainee],
        "feedback_round_answer",
        {"title": request.round.title},
        link=reverse("feedback:round", args=[request.round.traineeship_id, request.round_id]),
    )
    return answer


def rounds_with_results(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds with what round_results needs, in a fixed number of queries."""
    return rounds.prefetch_related(
        Prefetch(
            "requests",
            queryset=FeedbackRequest.objects.select_related("answer").order_by("name"),
        ),
        Prefetch("competencies", queryset=Competency.objects.order_by("area", "order")),
    )


def round_results(round_: Round) -> dict[str, Any]:
    """What the trainee sees: who has not answered; the answers, or in anonymous mode only their
    aggregate, and only once at least three people have answered."""
    if "requests" in getattr(round_, "_prefetched_objects_cache", {}):
        # Fetched with rounds_with_results: no query per round in a list.
        requests = list(round_.requests.all())
        competencies = list(round_.competencies.all())
    else:
        requests = list(round_.requests.select_related("answer").order_by("name"))
        competencies = list(round_.competencies.order_by("area", "order"))
    answers = [r.answer for r in requests if r.answered_at and hasattr(r, "answer")]
    visible = not round_.anonymous or len(answers) >= ANONYMITY_MINIMUM
    averages = []
    if visible and answers:
        for competency in competencies:
            values = [
                a.ratings.get(str(competency.pk))
                for a in answers
                if a.ratings.get(str(competency.pk))
            ]
            averages.append(
                (competency, round(sum(values) / len(values), 1) if values else None, len(values))
            )
    comments = []
    if visible:
        ordered = sorted(answers, key=lambda a: a.went_well) if round_.anonymous else answers
        comments = [
            {
                "name": None if round_.anonymous else a.request.name,
                "went_well": a.went_well,
                "to_improve": a.to_improve,
            }
            for a in ordered
        ]
    return {
        "pending": [r for r in requests if not r.answered_at],
        "answered_count": len(answers),
        "asked_count": len(requests),
        "visible": visible,
        "averages": averages,
        "comments": comments,
        "minimum": ANONYMITY_MINIMUM,
    }


def send_request_reminders(now: dt.datetime | None = None) -> int:
    """Remind people who have not answered yet, at most twice, four days apart."""
    now = now or timezone.now()
    due = (
        FeedbackRequest.objects.filter(
            answered_at__isnull=True,
            round__expires_at__gt=now,
            reminders_sent__lt=MAX_REMINDERS,
        )
        .filter(
            Q(last_reminded_at__isnull=True, sent_at__lte=now - REMINDER_AFTER)
            | Q(last_reminded_at__lte=now - REMINDER_AFTER)
        )
        .select_related("round__traineeship__trainee")
    )
    sent = 0
    for request in due:
        with transaction.atomic():
            FeedbackRequest.objects.filter(pk=request.pk).update(
                reminders_sent=request.reminders_sent + 1, last_reminded_at=now
            )
            _send_request(request, reminder=True)
            sent += 1
    return sent


# --- Progress reviews and the go/no-go ---


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, last))


def schedule_reviews(
    traineeship: Traineeship, settings: ProgrammeSettings | None = None
) -> list[Review]:
    """Make sure the traineeship has its reviews: every few months, and the go/no-go (which
    takes the place of the progress review in its month)."""
    settings = settings or ProgrammeSettings.current()
    existing = {(r.kind, r.due_on) for r in traineeship.reviews.all()}
    wanted = []
    go_no_go = _add_months(traineeship.start_date, settings.go_no_go_month)
    wanted.append((ReviewKind.GO_NO_GO, go_no_go))
    months = settings.review_interval_months
    for n in range(1, 24 // months + 1):
        due = _add_months(traineeship.start_date, n * months)
        if due != go_no_go:
            wanted.append((ReviewKind.PROGRESS, due))
    wanted.sort(key=lambda w: w[1])
    previous = traineeship.start_date
    created = []
    for kind, due in wanted:
        if (kind, due) not in existing:
            created.append(
                Review(traineeship=traineeship, kind=kind, due_on=due, period_start=previous)
            )
        previous = due
    Review.objects.bulk_create(created, ignore_conflicts=True)
    return list(traineeship.reviews.all())


def schedule_due_reviews() -> int:
    settings = ProgrammeSettings.current()
    count = 0
    for traineeship in active_traineeships().filter(reviews__isnull=True):
        schedule_reviews(traineeship, settings)
        count += 1
    return count


def _lock_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update().select_related("traineeship__trainee").get(pk=review.pk)
    )


@transaction.atomic
def write_self_assessment(*, actor: User, review: Review, text: str) -> Review:
    review = _lock_review(review)
    require(actor, "feedback.respond", review.traineeship)
    if review.held_on is not None:
        raise ActionRefused(
            _("The review has been held; the self-assessment can no longer change."),
            code="invalid_state",
        )
    if not text.strip():
        raise ValidationError({"self_assessment": _("Write your self-assessment.")})
    if "\x00" in text:
        raise ValidationError({"self_assessment": _("Null characters are not allowed.")})
    review.self_assessment = text.strip()[:10000]
    review.self_assessed_at = timezone.now()
    review.save(update_fields=["self_assessment", "self_assessed_at"])
    record_event(
        actor=actor,
        action="review.self_assessed",
        target=review.traineeship,
        data={"review": review.pk},
    )
    return review


@transaction.atomic
def record_review(
    *,
    actor: User,
    review: Review,
    held_on: dt.date,
    outcome: str = "",
    continue_training: bool | None = None,
    actions: str = "",
) -> Review:
    """A supervisor records the outcome; everyone signs again afterwards."""
    review = _lock_review(review)
    traineeship = review.traineeship
    if actor.pk not in (
        traineeship.university_supervisor_id,
        traineeship.hospital_supervisor_id,
        traineeship.medical_doctor_id,
    ):
        raise NotAllowed(_("A supervisor of the trainee records the review."))
    if review.is_final:
        raise ActionRefused(
            _("This review has been signed and can no longer change."), code="final"
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if review.kind == ReviewKind.GO_NO_GO:
        if continue_training is None:
            raise ValidationError({"continue_training": _("Decide: go or no-go.")})
    elif outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if not actions.strip():
        raise ValidationError({"actions": _("Write the agreed actions.")})
    review.held_on, review.actions, review.recorded_by = held_on, actions.strip()[:10000], actor
    review.outcome = (
        outcome
        if review.kind == ReviewKind.PROGRESS
        else (Outcome.SATISFACTORY if continue_training else Outcome.RELEASED)
    )
    review.continue_training = continue_training if review.kind == ReviewKind.GO_NO_GO else None
    review.trainee_signed_at = review.university_signed_at = review.hospital_signed_at = None
    review.save()
    record_event(
        actor=actor,
        action="review.recorded",
        target=traineeship,
        data={"review": review.pk, "kind": review.kind, "outcome": review.outcome},
    )
    notify_people(
        [traineeship.trainee],
        "review_recorded",
        {"kind": ReviewKind(review.kind).label},  # lazy: rendered in the recipient's language
        link=reverse("feedback:review", args=[traineeship.pk, review.pk]),
    )
    return review


@transaction.atomic
def sign_review(*, actor: User, review: Review) -> Review:
    review = _lock_review(review)
    traineeship = review.traineeship
    # Each signer's seat: the trainee, the university side, the hospital side (the hospital
    # supervisor or the doctor signs for it).
    seat = {
        traineeship.trainee_id: "trainee_signed_at",
        traineeship.university_supervisor_id: "university_signed_at",
        traineeship.hospital_supervisor_id: "hospital_signed_at",
        traineeship.medical_doctor_id: "hospital_signed_at",
    }
    seat.pop(None, None)
    if actor.pk not in seat:
        raise NotAllowed(
            _(
                "The trainee, the university supervisor and the hospital supervisor or the "
                "medical doctor sign the review."
            )
        )
    if review.held_on is None:
        raise ActionRefused(_("The review has not been recorded yet."), code="invalid_state")
    if getattr(review, seat[actor.pk]) is not None:
        message = (
            _("The hospital side has already signed this review.")
            if seat[actor.pk] == "hospital_signed_at"
            else _("You have already signed this review.")
        )
        raise ActionRefused(message, code="already_signed")
    setattr(review, seat[actor.pk], timezone.now())
    review.save(update_fields=["trainee_signed_at", "university_signed_at", "hospital_signed_at"])
    record_event(
        actor=actor, action="review.signed", target=traineeship, data={"review": review.pk}
    )
    if (
        review.is_signed
        and review.kind == ReviewKind.PROGRESS
        and review.outcome == Outcome.RELEASED
    ):
        _release(review)
    return review


def _release(review: Review) -> None:
    from qme.training import services as training_services

    if review.traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        return  # ended already (by the office): the review is still signed or confirmed
    training_services.discontinue(
        actor=None,
        traineeship=review.traineeship,
        reason=_("Released from the programme in the review of {date}.").format(
            date=review.held_on.isoformat()
        ),
    )


@transaction.atomic
def confirm_go_no_go(*, actor: User, review: Review) -> Review:
    review = _lock_review(review)
    require(actor, "feedback.configure")
    if review.kind != ReviewKind.GO_NO_GO:
        raise ActionRefused(_("Only the go/no-go review is confirmed by the programme office."))
    if not review.is_signed:
        raise ActionRefused(_("The trainee and both supervisors sign first."), code="not_signed")
    if review.confirmed_at is not None:
        raise ActionRefused(
            _("This decision has already been confirmed."), code="already_confirmed"
        )
    review.confirmed_by, review.confirmed_at = actor, timezone.now()
    review.save(update_fields=["confirmed_by", "confirmed_at"])
    record_event(
        actor=actor,
        action="review.go_no_go_confirmed",
        target=review.traineeship,
        data={"go": review.continue_training},
    )
    if not review.continue_training:
        _release(review)
    return review


def preparation(review: Review) -> dict[str, Any]:
    """All feedback of the period summarised per competency, with its trend over time."""
    traineeship = review.traineeship
    feedback = list(
        traineeship.feedback.filter(given_at__date__lte=review.due_on)
        .prefetch_related("competencies")
        .order_by("given_at")
    )
    rows: dict[int, dict[str, Any]] = {}
    for item in feedback:
        for competency in item.competencies.all():
            row = rows.setdefault(
                competency.pk, {"competency": competency, "period": [], "all": []}
            )
            row["all"].append((item.given_at, item.rating))
            if timezone.localdate(item.given_at) >= review.period_start:
                row["period"].append(item.rating)
    summary = []
    for row in sorted(rows.values(), key=lambda r: (r["competency"].area, r["competency"].order)):
        points = row["all"]
        summary.append(
            {
                "competency": row["competency"],
                "count": len(row["period"]),
                "average": round(sum(row["period"]) / len(row["period"]), 1)
                if row["period"]
                else None,
                "chart": _sparkline([rating for _when, rating in points]),
            }
        )
    return {
        "summary": summary,
        "feedback_count": sum(
            1 for f in feedback if timezone.localdate(f.given_at) >= review.period_start
        ),
    }


def _sparkline(values: list[int], width: int = 160, height: int = 40) -> str:
    """SVG polyline points for ratings 1–5 over time (drawn by the app, no external service)."""
    if not values:
        return ""
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - (v - 1) / 4 * height, 1)}"
        for i, v in enumerate(values)
    )


# --- Assessing the design output ---


def current_rubric() -> AssessmentRubric:
    current = AssessmentRubric.objects.filter(is_current=True).order_by("-version").first()
    if current is not None:
        return current
    with transaction.atomic():
        current = AssessmentRubric.objects.create(
            version=(AssessmentRubric.objects.aggregate(v=Max("version"))["v"] or 0) + 1,
            is_current=True,
        )
        AssessmentCriterion.objects.bulk_create(
            AssessmentCriterion(
                rubric=current,
                part=part,
                aspect_en=a_en,
                aspect_nl=a_nl,
                order=i,
                name_en=en,
                name_nl=nl,
                indicators_en=ind,
                indicators_nl=ind,
            )
            for i, (part, a_en, a_nl, en, nl, ind) in enumerate(
                framework.DEFAULT_DESIGN_CRITERIA, start=1
            )
        )
    return current


@transaction.atomic
def create_assessment(
    *,
    actor: User,
    traineeship: Traineeship,
    deliverable: str,
    assessors: Sequence[tuple[User, str]],
) -> Assessment:
    """The programme office names at least two assessors: one from the university, one from
    the hospital."""
    require(actor, "feedback.configure")
    if deliverable not in DeliverableKind.values:
        raise ValidationError({"deliverable": _("Choose what is assessed.")})
    sides = [side for _user, side in assessors]
    if any(side not in (Side.UNIVERSITY, Side.HOSPITAL) for side in sides):
        raise ValidationError({"assessors": _("An assessor is of the university or the hospital.")})
    if any(user.pk == traineeship.trainee_id for user, _side in assessors):
        raise ValidationError({"assessors": _("The trainee does not assess their own work.")})
    if len(assessors) < 2 or Side.UNIVERSITY not in sides or Side.HOSPITAL not in sides:
        raise ValidationError(
            {
                "assessors": _(
                    "Name at least two assessors: one of the university, one of the hospital."
                )
            }
        )
    if len({user.pk for user, _side in assessors}) != len(assessors):
        raise ValidationError({"assessors": _("Name each assessor once.")})
    for user, side in assessors:
        organisation_id = (
            traineeship.university_id if side == Side.UNIVERSITY else traineeship.hospital_id
        )
        if not Role.objects.current().filter(user=user, organisation_id=organisation_id).exists():
            raise ValidationError(
                {
                    "assessors": _("{name} holds no role at the {side} of this trainee.").format(
                        name=user.full_name, side=Side(side).label.lower()
                    )
                }
            )
    if traineeship.assessments.filter(deliverable=deliverable).exists():
        raise ActionRefused(_("This deliverable already has an assessment."), code="duplicate")
    assessment = Assessment.objects.create(
        traineeship=traineeship, rubric=current_rubric(), deliverable=deliverable, created_by=actor
    )
    Assessor.objects.bulk_create(
        Assessor(assessment=assessment, user=user, side=side) for user, side in assessors
    )
    record_event(
        actor=actor,
        action="assessment.created",
        target=traineeship,
        data={"deliverable": deliverable, "assessors": [u.full_name for u, _s in assessors]},
    )
    notify_people(
        [user for user, _side in assessors],
        "assessment_assigned",
        {
            "trainee": traineeship.trainee.full_name,
            "deliverable": DeliverableKind(assessment.deliverable).label,
        },
        link=reverse("feedback:assessment", args=[traineeship.pk, assessment.pk]),
    )
    return assessment


@transaction.atomic
def save_assessment_scores(
    *, actor: User, assessment: Assessment, scores: dict[int, tuple[int | None, str]], submit: bool
) -> Assessor:
    """Score independently; a value of None means the criterion does not apply to this project.
    Submitting needs an answer for every criterion and is final."""
    assessor = (
        Assessor.objects.select_for_update().filter(assessment=assessment, user=actor).first()
    )
    if assessor is None:
        raise NotAllowed(_("Only the assessors of this assessment score it."))
    if assessor.submitted_at is not None:
        raise ActionRefused(
            _("You have already submitted your assessment."), code="already_submitted"
        )
    criteria = {c.pk for c in assessment.rubric.criteria.all()}
    if set(scores) - criteria:
        raise ActionRefused(_("Unknown criterion."))
    errors = {}
    for criterion_id, (value, comment) in scores.items():
        if value is not None and not 1 <= int(value) <= 5:
            errors[f"score_{criterion_id}"] = _("Use the five-point scale, or “does not apply”.")
        if "\x00" in (comment or ""):
            errors[f"comment_{criterion_id}"] = _("Null characters are not allowed.")
    if submit and set(scores) != criteria:
        errors["scores"] = _(
            "Answer every criterion (a score, or “does not apply”) before you submit."
        )
    if errors:
        raise ValidationError(errors)
    for criterion_id, (value, comment) in scores.items():
        AssessmentScore.objects.update_or_create(
            assessor=assessor,
            criterion_id=criterion_id,
            defaults={"value": value, "comment": (comment or "").strip()[:5000]},
        )
    if submit:
        assessor.submitted_at = timezone.now()
        assessor.save(update_fields=["submitted_at"])
        record_event(
            actor=actor,
            action="assessment.submitted",
            target=assessment.traineeship,
            data={"assessment": assessment.pk},
        )
    return assessor


def assessment_view(assessment: Assessment, viewer: User) -> dict[str, Any]:
    """Blind: an assessor sees the others' scores only after submitting their own; the programme
    office once every assessor has submitted."""
    assessors = list(assessment.assessors.select_related("user").prefetch_related("scores"))
    mine = next((a for a in assessors if a.user_id == viewer.pk), None)
    everyone = all(a.submitted_at for a in assessors)
    visible = (mine is not None and mine.submitted_at is not None) or (
        viewer.has_perm("feedback.configure") and everyone
    )
    criteria = list(assessment.rubric.criteria.all())
    rows = []
    for criterion in criteria:
        own = (
            next((s for s in mine.scores.all() if s.criterion_id == criterion.pk), None)
            if mine
            else None
        )
        others = []
        if visible:
            for a in assessors:
                score = next((s for s in a.scores.all() if s.criterion_id == criterion.pk), None)
                if a.submitted_at and score is not None:
                    others.append((a.user.full_name, score.value, score.comment))
        rows.append({"criterion": criterion, "own": own, "others": others})
    return {
        "assessors": assessors,
        "mine": mine,
        "visible": visible,
        "everyone": everyone,
        "rows": rows,
        "scale": SCALE,
    }


@transaction.atomic
def agree_judgement(
    *, actor: User, assessment: Assessment, artefact_grade: int, process_grade: int, rationale: str
) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("traineeship__trainee")
        .get(pk=assessment.pk)
    )
    if not assessment.assessors.filter(user=actor).exists():
        raise NotAllowed(_("The assessors record the final judgement."))
    if assessment.agreed_at is not None:
        raise ActionRefused(
            _("The final judgement has already been recorded."), code="already_agreed"
        )
    if assessment.assessors.filter(submitted_at__isnull=True).exists():
        raise ActionRefused(
            _("Every assessor submits before the final judgement."), code="not_all_submitted"
        )
    errors = {}
    for field, value in (("artefact_grade", artefact_grade), ("process_grade", process_grade)):
        if not 1 <= int(value) <= 5:
            errors[field] = _("Use the five-point scale.")
    if not rationale.strip():
        errors["rationale"] = _("Give the rationale of the judgement.")
    elif "\x00" in rationale:
        errors["rationale"] = _("Null characters are not allowed.")
    if errors:
        raise ValidationError(errors)
    assessment.artefact_grade, assessment.process_grade = int(artefact_grade), int(process_grade)
    assessment.rationale, assessment.agreed_by, assessment.agreed_at = (
        rationale.strip(),
        actor,
        timezone.now(),
    )
    assessment.save()
    record_event(
        actor=actor,
        action="assessment.agreed",
        target=assessment.traineeship,
        reason=rationale.strip(),
        data={"assessment": assessment.pk, "artefact": artefact_grade, "process": process_grade},
    )
    notify_people(
        [assessment.traineeship.trainee],
        "assessment_agreed",
        {"deliverable": DeliverableKind(assessment.deliverable).label},
        link=reverse("feedback:assessment", args=[assessment.traineeship_id, assessment.pk]),
    )
    return assessment
