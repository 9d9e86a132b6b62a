"""What needs the action of a trainee or their supervisors. A fixed number of queries."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations.home import HomeSection

from . import selectors
from .models import (
    ItemRecord,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)


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
                if not record or record.status == RecordStatus.SENT_BACK
            ),
            key=lambda item: item.planned_end,
        )[:5]
    )
    return HomeSection(
        kind="training",
        title=str(_("Your training")),
        template="home/training.html",
        context={
            "traineeship": traineeship,
            "progress": progress,
            "upcoming": upcoming,
            "open_plan": selectors.open_plan(traineeship),
        },
    )


def supervisor_section(user: User) -> HomeSection | None:
    mine = (
        Q(traineeship__university_supervisor=user)
        | Q(traineeship__hospital_supervisor=user)
        | Q(traineeship__medical_doctor=user)
    )
    waiting = list(
        ItemRecord.objects.filter(mine, status=RecordStatus.RECORDED)
        .select_related("traineeship__trainee")
        .order_by("recorded_at")[:20]
    )
    plans = list(
        TrainingPlan.objects.filter(mine, status=PlanStatus.SUBMITTED)
        .select_related("traineeship__trainee")
        .order_by("submitted_at")[:20]
    )
    trainees = list(
        Traineeship.objects.filter(
            Q(university_supervisor=user) | Q(hospital_supervisor=user) | Q(medical_doctor=user)
        )
        .exclude(status__in=[TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED])
        .select_related("trainee", "hospital")
        .order_by("trainee__full_name")
    )
    if not (waiting or plans or trainees):
        return None
    return HomeSection(
        kind="supervision",
        title=str(_("Your trainees")),
        template="home/supervision.html",
        context={"waiting": waiting, "plans": plans, "trainees": trainees},
    )
