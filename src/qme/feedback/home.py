"""Feedback, reviews and assessments on the home pages. Every function runs a fixed number of
queries, whatever the number of trainees, feedback entries or reviews.

- **Trainees waiting for feedback**: a side (university or hospital) is over the programme's
  interval (``services.overdue_q``); supervisors and doctors see their own trainees, the
  programme office everyone.
- **Reviews to record**: reviews of a supervisor's or doctor's ongoing trainees that were not
  held yet and are due within ``REVIEW_SOON_DAYS`` days (or overdue).
- **Reviews to sign**: held reviews that miss this person's signature (the university
  supervisor signs for the university; the hospital supervisor or the doctor for the
  hospital; the trainee for themself).
- **Assessments**: design assessments where this person is an assessor and has not submitted
  their scores; and those where every assessor has submitted and the agreed judgement is still
  missing.
- **Feedback asked of you**: requests for multisource feedback sent to this person's e-mail
  address, not answered, whose round is still open.
- A trainee's **self-assessments**: reviews due within ``SELF_ASSESSMENT_DAYS`` days (or
  overdue) without a self-assessment, not held yet.
- The office's **go/no-go decisions to confirm**: go/no-go reviews signed by all three and not
  yet confirmed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.home import (
    ActionGroup,
    ActionItem,
    HomeSection,
    action_section,
    from_rows,
    listed,
)
from qme.reports import cache as versioned
from qme.training.models import Traineeship, TraineeshipStatus

from . import services
from .models import (
    Assessor,
    DeliverableKind,
    Feedback,
    ProgrammeSettings,
    Review,
    ReviewKind,
)
from .models import Request as FeedbackRequest

REVIEW_SOON_DAYS = 14
SELF_ASSESSMENT_DAYS = 30
ONGOING = [TraineeshipStatus.ACTIVE, TraineeshipStatus.EXTENDED, TraineeshipStatus.ON_LEAVE]


def _day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATE_FORMAT")


#: What the trainees waiting for feedback are computed from.
OVERDUE_READS = (Traineeship, Feedback, ProgrammeSettings)


def overdue_section(user: User) -> HomeSection | None:
    settings = ProgrammeSettings.current()
    office = roles.is_programme_office(user)
    qs = services.active_traineeships()
    if not office:
        qs = qs.filter(
            Q(university_supervisor=user) | Q(hospital_supervisor=user) | Q(medical_doctor=user)
        )
    # Every ongoing trainee in scope is read: kept in the versioned cache (as the trainees at
    # risk: graduation.home) per scope, language and day until feedback or a traineeship changes.
    overdue = versioned.remember(
        "home:overdue",
        OVERDUE_READS,
        None if office else user.pk,
        lambda: services.overdue_pks(qs, settings),
    )
    rows = (
        list(
            services.with_cadence(Traineeship.objects.filter(pk__in=overdue))
            .select_related("trainee", "hospital")
            .order_by("trainee__full_name")[:25]
        )
        if overdue
        else []
    )
    if not rows:
        return None
    return HomeSection(
        kind="feedback_overdue",
        title=str(gettext_lazy("Trainees waiting for feedback")),
        template="home/feedback_overdue.html",
        context={
            "rows": [(t, services.cadence_of(t, settings)) for t in rows],
            "settings": settings,
            # The office does not give feedback: it opens the trainee's page.
            "link": "training:detail" if office else "feedback:give",
        },
    )


def received_section(user: User) -> HomeSection | None:
    recent = list(
        Feedback.objects.filter(traineeship__trainee=user)
        .select_related("author")
        .order_by("-given_at")[:3]
    )
    if not recent:
        return None
    return HomeSection(
        kind="feedback_received",
        title=str(gettext_lazy("Feedback you received")),
        template="home/feedback_received.html",
        context={"recent": recent},
    )


def asked_section(user: User) -> HomeSection | None:
    """Multisource feedback that someone asked of this person by e-mail."""
    asked = FeedbackRequest.objects.filter(
        email__iexact=user.email, answered_at__isnull=True, round__expires_at__gt=timezone.now()
    )
    requests = listed(
        key="asked",
        title=_("Feedback requests waiting"),
        qs=asked.select_related("round__traineeship__trainee").order_by("round__expires_at", "pk"),
        to_item=lambda r: ActionItem(
            label=_("Give feedback to {name}: {title}").format(
                name=r.round.traineeship.trainee.full_name, title=r.round.title
            ),
            url=reverse("feedback:answer", args=[services.request_token(r)]),
            meta=_("open until {date}").format(date=_day(r.round.expires_at)),
        ),
    )
    if not requests.count:
        return None
    return action_section("feedback_asked", _("Feedback asked of you"), [requests])


def _review_label(review: Review) -> str:
    """'progress review', 'go/no-go review': in the middle of a sentence."""
    return str(ReviewKind(review.kind).label).lower()


def supervisor_groups(user: User) -> list[ActionGroup]:
    """Reviews to record and to sign, and assessments, for supervisors, doctors and assessors."""
    today = timezone.localdate()
    mine = (
        Q(traineeship__university_supervisor=user)
        | Q(traineeship__hospital_supervisor=user)
        | Q(traineeship__medical_doctor=user)
    )
    # One query for the reviews and one for the assessments, each split in two lists here:
    # what waits for one person is a handful of rows.
    my_signature_missing = Q(
        traineeship__university_supervisor=user, university_signed_at__isnull=True
    ) | (
        (Q(traineeship__hospital_supervisor=user) | Q(traineeship__medical_doctor=user))
        & Q(hospital_signed_at__isnull=True)
    )
    reviews = list(
        Review.objects.filter(
            Q(
                mine,
                traineeship__status__in=ONGOING,
                held_on__isnull=True,
                due_on__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS),
            )
            | (Q(held_on__isnull=False) & my_signature_missing)
        )
        .select_related("traineeship__trainee")
        .order_by("due_on", "pk")
    )
    to_record = [r for r in reviews if r.held_on is None]
    to_sign = sorted((r for r in reviews if r.held_on is not None), key=lambda r: r.held_on)
    unsubmitted = Assessor.objects.filter(
        assessment=OuterRef("assessment"), submitted_at__isnull=True
    )
    assessors = list(
        Assessor.objects.filter(user=user, assessment__agreed_at__isnull=True)
        .annotate(all_submitted=~Exists(unsubmitted))
        .select_related("assessment__traineeship__trainee")
        .order_by("assessment__created_at", "pk")
    )
    to_score = [a for a in assessors if a.submitted_at is None]
    to_agree = [a for a in assessors if a.all_submitted]

    def review_item(review: Review, label: str, meta: str) -> ActionItem:
        return ActionItem(
            label=label.format(
                review=_review_label(review), name=review.traineeship.trainee.full_name
            ),
            url=reverse("feedback:review", args=[review.traineeship_id, review.pk]),
            meta=meta,
        )

    def assessment_item(assessor: Assessor, label: str) -> ActionItem:
        assessment = assessor.assessment
        return ActionItem(
            label=label.format(
                deliverable=str(DeliverableKind(assessment.deliverable).label).lower(),
                name=assessment.traineeship.trainee.full_name,
            ),
            url=reverse("feedback:assessment", args=[assessment.traineeship_id, assessment.pk]),
        )

    return [
        from_rows(
            key="reviews_to_record",
            title=_("Reviews to hold and record"),
            rows=to_record,
            to_item=lambda r: review_item(
                r,
                _("Record the {review} of {name}"),
                (_("overdue since {date}") if r.due_on < today else _("due {date}")).format(
                    date=_day(r.due_on)
                ),
            ),
        ),
        from_rows(
            key="reviews_to_sign",
            title=_("Reviews to sign"),
            rows=to_sign,
            to_item=lambda r: review_item(
                r,
                _("Sign the {review} of {name}"),
                _("held {date}").format(date=_day(r.held_on)),
            ),
        ),
        from_rows(
            key="assessments_to_score",
            title=_("Design assessments to score"),
            rows=to_score,
            to_item=lambda a: assessment_item(a, _("Score the {deliverable} of {name}")),
        ),
        from_rows(
            key="assessments_to_agree",
            title=_("Judgements to agree"),
            rows=to_agree,
            to_item=lambda a: assessment_item(
                a, _("Record the agreed judgement on the {deliverable} of {name}")
            ),
        ),
    ]


def trainee_groups(traineeship: Traineeship) -> list[ActionGroup]:
    """A trainee's reviews: self-assessments to write and reviews to sign."""
    today = timezone.localdate()
    to_write = Review.objects.filter(
        traineeship=traineeship,
        held_on__isnull=True,
        self_assessed_at__isnull=True,
        due_on__lte=today + dt.timedelta(days=SELF_ASSESSMENT_DAYS),
    )
    to_sign = Review.objects.filter(
        traineeship=traineeship, held_on__isnull=False, trainee_signed_at__isnull=True
    )

    def item(review: Review, label: str, meta: str) -> ActionItem:
        return ActionItem(
            label=label.format(review=_review_label(review)),
            url=reverse("feedback:review", args=[traineeship.pk, review.pk]),
            meta=meta,
        )

    return [
        listed(
            key="self_assessments",
            title=_("Self-assessments to write"),
            qs=to_write.order_by("due_on", "pk"),
            to_item=lambda r: item(
                r,
                _("Write your self-assessment for the {review}"),
                (_("overdue since {date}") if r.due_on < today else _("due {date}")).format(
                    date=_day(r.due_on)
                ),
            ),
            all_url=reverse("feedback:reviews", args=[traineeship.pk]),
        ),
        listed(
            key="reviews_to_sign",
            title=_("Reviews to sign"),
            qs=to_sign.order_by("held_on", "pk"),
            to_item=lambda r: item(
                r, _("Sign your {review}"), _("held {date}").format(date=_day(r.held_on))
            ),
            all_url=reverse("feedback:reviews", args=[traineeship.pk]),
        ),
    ]


def office_groups(user: User) -> list[ActionGroup]:
    """Go/no-go decisions that the programme office confirms."""
    to_confirm = Review.objects.filter(
        kind=ReviewKind.GO_NO_GO,
        held_on__isnull=False,
        trainee_signed_at__isnull=False,
        university_signed_at__isnull=False,
        hospital_signed_at__isnull=False,
        confirmed_at__isnull=True,
    )
    return [
        listed(
            key="go_no_go",
            title=_("Go/no-go decisions to confirm"),
            qs=to_confirm.select_related("traineeship__trainee", "traineeship__hospital").order_by(
                "held_on", "pk"
            ),
            to_item=lambda r: ActionItem(
                label=(
                    _("Confirm the go of {name}")
                    if r.continue_training
                    else _("Confirm the no-go of {name}")
                ).format(name=r.traineeship.trainee.full_name),
                url=reverse("feedback:review", args=[r.traineeship_id, r.pk]),
                meta=r.traineeship.hospital.name,
            ),
        )
    ]
