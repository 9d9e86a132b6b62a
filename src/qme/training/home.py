"""What needs the action of a trainee or their supervisors and doctor. Every function runs a fixed
number of queries, whatever the number of trainees, plan items or records.

- A supervisor's or doctor's **sign-offs waiting**: items their trainees recorded as completed
  that nobody has signed off or sent back yet; the oldest first.
- **Plans to approve**: submitted plan versions that still need this person's side (the
  university supervisor for the university; the hospital supervisor or the doctor for the
  hospital).
- A trainee's **next deadlines**: plan items whose planned end has passed and that are not signed
  off (late), then the open items of the approved plan by planned end, and the milestones of
  the design project due within ``MILESTONE_SOON_DAYS`` days (or overdue) and not reached.

Reviews, assessments and feedback are added by the feedback app (``extra_groups``), and the
requirements of the diploma by the graduation app: training does not depend on them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qme.accounts.models import User
from qme.organisations.home import FIRST_N, ActionGroup, ActionItem, HomeSection, first_rows

from . import selectors
from .models import (
    ItemRecord,
    Milestone,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)

MILESTONE_SOON_DAYS = 60


def _listed(key: str, title: str, qs: QuerySet, to_item, all_url: str = "") -> ActionGroup:
    """An action group from an ordered queryset: its count in all and its first items."""
    rows, count = first_rows(qs, FIRST_N)
    return ActionGroup(key, title, count, [to_item(r) for r in rows], all_url)


def trainee_section(user: User) -> HomeSection | None:
    traineeship = (
        Traineeship.objects.filter(trainee=user)
        .exclude(status=TraineeshipStatus.DISCONTINUED)
        .select_related(
            "hospital", "university", "curriculum", "university_supervisor", "hospital_supervisor"
        )
        .order_by("-start_date")
        .first()
    )
    if traineeship is None:
        return None
    progress = selectors.progress(traineeship)
    approved = selectors.approved_plan(traineeship) is not None
    upcoming = (
        []
        if not approved
        else sorted(
            (
                item
                for item, record in progress.items
                if (not record or record.status == RecordStatus.SENT_BACK)
                and item not in progress.overdue
            ),
            key=lambda item: item.planned_end,
        )[:5]
    )
    records = {item.pk: record for item, record in progress.items}
    late = progress.overdue if approved else []
    milestones = list(
        Milestone.objects.filter(
            project__traineeship=traineeship,
            reached_on__isnull=True,
            due_on__lte=timezone.localdate() + dt.timedelta(days=MILESTONE_SOON_DAYS),
        ).order_by("due_on", "order")[:5]
    )
    return HomeSection(
        kind="training",
        title=str(gettext_lazy("Your training")),
        template="home/training.html",
        context={
            "traineeship": traineeship,
            "progress": progress,
            "upcoming": upcoming,
            # Late items, each with its record (None: not recorded yet; recorded: waiting for
            # the sign-off; sent back: to record again).
            # (Only an approved plan has deadlines: a draft's dates are still being agreed.)
            "late": [(item, records.get(item.pk)) for item in late[:FIRST_N]],
            "late_count": len(late),
            "open_plan": selectors.open_plan(traineeship),
            "milestones": milestones,
            "today": timezone.localdate(),
            # Added by the apps that know them (graduation, feedback).
            "requirements_unmet": None,
            "groups": [],
        },
    )


def supervisor_section(user: User, extra_groups: list[ActionGroup] = ()) -> HomeSection | None:
    mine = (
        Q(traineeship__university_supervisor=user)
        | Q(traineeship__hospital_supervisor=user)
        | Q(traineeship__medical_doctor=user)
    )
    waiting = ItemRecord.objects.filter(mine, status=RecordStatus.RECORDED)
    plans = TrainingPlan.objects.filter(status=PlanStatus.SUBMITTED).filter(
        Q(traineeship__university_supervisor=user, university_approved_at__isnull=True)
        | (
            (Q(traineeship__hospital_supervisor=user) | Q(traineeship__medical_doctor=user))
            & Q(hospital_approved_at__isnull=True)
        )
    )
    trainees = Traineeship.objects.filter(
        Q(university_supervisor=user) | Q(hospital_supervisor=user) | Q(medical_doctor=user)
    ).exclude(status__in=[TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED])
    trainee_rows, trainee_count = first_rows(
        trainees.select_related("trainee", "hospital").order_by("trainee__full_name", "pk"),
        FIRST_N * 2,
    )
    groups = [
        _listed(
            key="sign_offs",
            title=_("Sign-offs waiting"),
            qs=waiting.select_related("traineeship__trainee").order_by("recorded_at", "pk"),
            to_item=lambda r: ActionItem(
                label=_("Sign off “{item}” for {name}").format(
                    item=r.title, name=r.traineeship.trainee.full_name
                ),
                url=reverse("training:record", args=[r.pk]),
                meta=_("recorded {date}").format(
                    date=date_format(timezone.localtime(r.recorded_at), "SHORT_DATE_FORMAT")
                ),
            ),
        ),
        _listed(
            key="plans",
            title=_("Training plans to approve"),
            qs=plans.select_related("traineeship__trainee").order_by("submitted_at", "pk"),
            to_item=lambda plan: ActionItem(
                label=_("Approve the training plan of {name} (version {v})").format(
                    name=plan.traineeship.trainee.full_name, v=plan.version
                ),
                url=reverse("training:plan", args=[plan.traineeship_id]),
            ),
        ),
        *extra_groups,
    ]
    if not (trainee_rows or any(g.count for g in groups)):
        return None
    return HomeSection(
        kind="supervision",
        title=str(gettext_lazy("Your trainees")),
        template="home/supervision.html",
        context={
            "groups": [g for g in groups if g.count],
            "trainees": trainee_rows,
            "trainee_count": trainee_count,
        },
    )
