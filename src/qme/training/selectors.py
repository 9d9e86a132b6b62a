"""Read-side queries of training: who sees which traineeships, and a trainee's progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.models import RoleKind

from .models import (
    ItemKind,
    ItemRecord,
    PlanItem,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TrainingPlan,
)

TRAINING_DAYS = 730


def open_items(traineeship=None) -> QuerySet[PlanItem]:
    """The items of the approved plan not yet signed off: of one traineeship, or of the
    traineeship of the outer query (OuterRef("pk")) when none is given."""
    owner = OuterRef("pk") if traineeship is None else traineeship
    signed = ItemRecord.objects.filter(
        traineeship=OuterRef("plan__traineeship"),
        item_key=OuterRef("key"),
        status=RecordStatus.SIGNED_OFF,
    )
    return PlanItem.objects.filter(
        plan__traineeship=owner, plan__status=PlanStatus.APPROVED
    ).exclude(Exists(signed))


def traineeships_visible_to(user: User) -> QuerySet[Traineeship]:
    qs = Traineeship.objects.all()
    if roles.is_programme_office(user):
        return qs
    return qs.filter(
        Q(trainee=user)
        | Q(university_supervisor=user)
        | Q(hospital_supervisor=user)
        | Q(medical_doctor=user)
        | Q(hospital_id__in=roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR))
    )


def traineeship_list(
    user: User,
    *,
    hospital_id: int | None = None,
    university_id: int | None = None,
    cohort: int | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[Traineeship]:
    qs = traineeships_visible_to(user)
    if hospital_id:
        qs = qs.filter(hospital_id=hospital_id)
    if university_id:
        qs = qs.filter(university_id=university_id)
    if cohort:
        qs = qs.filter(start_date__year=cohort)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(
            Q(trainee__full_name__icontains=query) | Q(design_project_title__icontains=query)
        )
    return qs.select_related("trainee", "hospital", "university").order_by(
        "-start_date", "trainee__full_name"
    )


def approved_plan(traineeship: Traineeship) -> TrainingPlan | None:
    return traineeship.plans.filter(status=PlanStatus.APPROVED).order_by("-version").first()


def open_plan(traineeship: Traineeship) -> TrainingPlan | None:
    return traineeship.plans.filter(status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]).first()


def expected_end_date(traineeship: Traineeship) -> dt.date:
    """Two years after the start, shifted by every day of leave and every extension."""
    leave_days = sum(leave.days for leave in traineeship.leaves.all())
    extension_days = traineeship.extensions.aggregate(total=Sum("days"))["total"] or 0
    return traineeship.start_date + dt.timedelta(days=TRAINING_DAYS + leave_days + extension_days)


@dataclass
class CategoryProgress:
    kind: str
    label: str
    earned: Decimal = Decimal(0)
    planned: Decimal = Decimal(0)
    required: Decimal = Decimal(0)


@dataclass
class Progress:
    earned: Decimal
    planned: Decimal
    required: Decimal
    categories: list[CategoryProgress]
    overdue: list[PlanItem]
    waiting: list[ItemRecord]
    expected_end: dt.date
    elapsed_fraction: float
    items: list[tuple[PlanItem, ItemRecord | None]] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return max(self.required - self.earned, Decimal(0))


def progress(traineeship: Traineeship) -> Progress:
    """EC earned (signed off), planned and required per category, what is overdue, the expected
    end. Computed from the approved plan, or the open one if none is approved yet."""
    plan = approved_plan(traineeship) or open_plan(traineeship)
    items = list(plan.items.all()) if plan else []
    records = {r.item_key: r for r in traineeship.records.all()}
    curriculum = traineeship.curriculum
    today = timezone.localdate()
    categories = {
        kind: CategoryProgress(
            kind=kind,
            label=str(label),
            required=Decimal(curriculum.minimum_for(kind)) if curriculum else Decimal(0),
        )
        for kind, label in ItemKind.choices
    }
    for item in items:
        category = categories[item.kind]
        category.planned += item.ec
        record = records.get(item.key)
        if record and record.status == RecordStatus.SIGNED_OFF:
            category.earned += item.ec
    overdue = [
        item
        for item in items
        if item.planned_end < today
        and not (records.get(item.key) and records[item.key].status == RecordStatus.SIGNED_OFF)
    ]
    end = expected_end_date(traineeship)
    total_days = max((end - traineeship.start_date).days, 1)
    elapsed = min(max((today - traineeship.start_date).days / total_days, 0.0), 1.0)
    return Progress(
        earned=sum((c.earned for c in categories.values()), Decimal(0)),
        planned=sum((c.planned for c in categories.values()), Decimal(0)),
        required=Decimal(curriculum.total_ec) if curriculum else Decimal(120),
        categories=list(categories.values()),
        overdue=overdue,
        waiting=[r for r in records.values() if r.status == RecordStatus.RECORDED],
        expected_end=end,
        elapsed_fraction=elapsed,
        items=[(item, records.get(item.key)) for item in items],
    )
