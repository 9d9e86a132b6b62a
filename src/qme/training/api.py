"""API for training: the catalogue, traineeships, plans and their items, records, milestones and
progress. The same services and rules as the pages."""

import datetime as dt
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from qme.api.kept import kept_list
from qme.api.schemas import ErrorOut, InputSchema
from qme.core.kept import KeptPage
from qme.core.permissions import require_visible

from . import selectors, services
from .models import (
    CatalogueItem,
    Curriculum,
    DesignProject,
    Extension,
    ItemKind,
    ItemRecord,
    Leave,
    Milestone,
    PlanItem,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)

router = Router(tags=["training"])

#: The lists kept until what they list changes (qme.api.kept).
TRAINEESHIPS = KeptPage(
    "api-traineeships",
    (
        Traineeship,
        Curriculum,
        DesignProject,
        Leave,
        Extension,
    ),
)
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
MAX_ID = 2**63 - 1  # a larger id is no row, and no database takes it


class CatalogueItemOut(Schema):
    id: int
    kind: ItemKind
    title_nl: str
    title_en: str
    provider: str
    ec: Decimal
    format: str
    is_active: bool


class TraineeshipOut(Schema):
    id: int
    trainee_id: int
    trainee_name: str = Field(alias="trainee.full_name")
    hospital_id: int
    university_id: int
    position_id: int | None
    start_date: dt.date
    expected_end_date: dt.date
    status: TraineeshipStatus
    university_supervisor_id: int | None
    hospital_supervisor_id: int | None
    medical_doctor_id: int | None
    design_project_title: str
    cohort: int
    rules_cohort: int | None = Field(None, alias="curriculum.cohort_year")

    @staticmethod
    def resolve_cohort(obj: Traineeship) -> int:
        """The year the trainee started, as the list filters it; the rules may be of an earlier
        cohort when none were set for this one."""
        return obj.start_date.year


class TraineeshipFilters(InputSchema):
    status: TraineeshipStatus | None = None
    cohort: int | None = Field(None, ge=2000, le=2100)
    hospital: int | None = Field(None, ge=1, le=MAX_ID)
    university: int | None = Field(None, ge=1, le=MAX_ID)


class PlanItemOut(Schema):
    id: int
    key: str
    kind: ItemKind
    catalogue_item_id: int | None
    title: str
    ec: Decimal
    planned_start: dt.date
    planned_end: dt.date

    @staticmethod
    def resolve_key(obj: PlanItem) -> str:
        return str(obj.key)


class PlanOut(Schema):
    id: int
    version: int
    status: PlanStatus
    submitted_at: dt.datetime | None
    university_approved_at: dt.datetime | None
    hospital_approved_at: dt.datetime | None
    items: list[PlanItemOut]
    problems: list[str]

    @staticmethod
    def resolve_items(obj: TrainingPlan) -> list:
        return list(obj.items.all())

    @staticmethod
    def resolve_problems(obj: TrainingPlan) -> list[str]:
        return services.plan_problems(obj)


class PlanItemIn(InputSchema):
    catalogue_item_id: int | None = None
    kind: ItemKind | None = None
    title: str = Field("", max_length=200)
    ec: Decimal | None = Field(None, gt=0, le=120)
    planned_start: dt.date
    planned_end: dt.date


class PlanItemPatch(InputSchema):
    kind: ItemKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    ec: Decimal | None = Field(None, gt=0, le=120)
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None


class NoteIn(InputSchema):
    note: str = Field("", max_length=2000)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)


class RecordOut(Schema):
    id: int
    item_key: str
    title: str
    completed_on: dt.date
    grade: str
    note: str
    status: RecordStatus
    decided_at: dt.datetime | None
    comment: str
    has_evidence: bool

    @staticmethod
    def resolve_item_key(obj: ItemRecord) -> str:
        return str(obj.item_key)

    @staticmethod
    def resolve_has_evidence(obj: ItemRecord) -> bool:
        return bool(obj.evidence)


class RecordIn(InputSchema):
    completed_on: dt.date
    grade: str = Field("", max_length=50)
    note: str = Field("", max_length=2000)


class MilestoneOut(Schema):
    id: int
    order: int
    title_en: str
    title_nl: str
    due_on: dt.date
    reached_on: dt.date | None
    deliverable_versions: int

    @staticmethod
    def resolve_deliverable_versions(obj: Milestone) -> int:
        return len(obj.deliverables.all())


class CategoryOut(Schema):
    kind: str
    earned: Decimal
    planned: Decimal
    required: Decimal


class ProgressOut(Schema):
    earned: Decimal
    planned: Decimal
    required: Decimal
    remaining: Decimal
    expected_end: dt.date
    categories: list[CategoryOut]
    overdue: list[PlanItemOut]


def _traineeship(request: HttpRequest, pk: int) -> Traineeship:
    traineeship = get_object_or_404(
        Traineeship.objects.select_related("trainee", "curriculum"), pk=pk
    )
    require_visible(request.auth, "training.view_traineeship", traineeship)
    return traineeship


@router.get("/catalogue", response=list[CatalogueItemOut])
def catalogue(request: HttpRequest):
    return list(CatalogueItem.objects.all())


@router.get("/traineeships", response=list[TraineeshipOut])
@kept_list(TRAINEESHIPS, TraineeshipOut)
@paginate
def list_traineeships(request: HttpRequest, filters: Query[TraineeshipFilters]):
    return selectors.traineeship_list(
        request.auth,
        status=filters.status or "",
        cohort=filters.cohort,
        hospital_id=filters.hospital,
        university_id=filters.university,
    ).select_related("curriculum")


@router.get("/traineeships/{pk}", response={200: TraineeshipOut, 404: ErrorOut})
def get_traineeship(request: HttpRequest, pk: int):
    return _traineeship(request, pk)


@router.get("/traineeships/{pk}/progress", response={200: ProgressOut, 404: ErrorOut})
def get_progress(request: HttpRequest, pk: int):
    progress = selectors.progress(_traineeship(request, pk))
    return {
        "earned": progress.earned,
        "planned": progress.planned,
        "required": progress.required,
        "remaining": progress.remaining,
        "expected_end": progress.expected_end,
        "categories": [vars(c) for c in progress.categories],
        "overdue": progress.overdue,
    }


@router.get("/traineeships/{pk}/plans", response={200: list[PlanOut], 404: ErrorOut})
def list_plans(request: HttpRequest, pk: int):
    traineeship = _traineeship(request, pk)
    if traineeship.curriculum is not None:
        # Every version is checked against the same rules: read their mandatory items once.
        prefetch_related_objects([traineeship.curriculum], "mandatory")
    return list(traineeship.plans.prefetch_related("items"))


@router.post("/traineeships/{pk}/plans", response={201: PlanOut, **ERRORS})
def start_plan(request: HttpRequest, pk: int):
    return Status(
        201, services.start_plan_version(actor=request.auth, traineeship=_traineeship(request, pk))
    )


def _plan(request: HttpRequest, pk: int) -> TrainingPlan:
    plan = get_object_or_404(TrainingPlan.objects.select_related("traineeship"), pk=pk)
    require_visible(request.auth, "training.view_traineeship", plan.traineeship)
    return plan


@router.post("/plans/{pk}/items", response={201: PlanItemOut, **ERRORS})
def add_item(request: HttpRequest, pk: int, payload: PlanItemIn):
    plan = _plan(request, pk)
    data = payload.dict(exclude_none=True)
    catalogue_id = data.pop("catalogue_item_id", None)
    if catalogue_id:
        data["catalogue_item"] = get_object_or_404(CatalogueItem, pk=catalogue_id)
    return Status(201, services.add_plan_item(actor=request.auth, plan=plan, **data))


@router.patch("/plans/{pk}/items/{item_pk}", response={200: PlanItemOut, **ERRORS})
def change_item(request: HttpRequest, pk: int, item_pk: int, payload: PlanItemPatch):
    plan = _plan(request, pk)
    return services.update_plan_item(
        actor=request.auth,
        item=get_object_or_404(PlanItem, pk=item_pk, plan=plan),
        changes=payload.dict(exclude_none=True),
    )


@router.delete("/plans/{pk}/items/{item_pk}", response={204: None, **ERRORS})
def remove_item(request: HttpRequest, pk: int, item_pk: int):
    plan = _plan(request, pk)
    services.remove_plan_item(
        actor=request.auth, item=get_object_or_404(PlanItem, pk=item_pk, plan=plan)
    )
    return Status(204, None)


@router.post("/plans/{pk}/submit", response={200: PlanOut, **ERRORS})
def submit_plan(request: HttpRequest, pk: int, payload: NoteIn):
    return services.submit_plan(actor=request.auth, plan=_plan(request, pk), note=payload.note)


@router.post("/plans/{pk}/approve", response={200: PlanOut, **ERRORS})
def approve_plan(request: HttpRequest, pk: int):
    return services.approve_plan(actor=request.auth, plan=_plan(request, pk))


@router.post("/plans/{pk}/send-back", response={200: PlanOut, **ERRORS})
def send_back_plan(request: HttpRequest, pk: int, payload: ReasonIn):
    return services.send_back_plan(
        actor=request.auth, plan=_plan(request, pk), reason=payload.reason
    )


@router.get("/traineeships/{pk}/records", response={200: list[RecordOut], 404: ErrorOut})
def list_records(request: HttpRequest, pk: int):
    return list(_traineeship(request, pk).records.all())


@router.post("/traineeships/{pk}/items/{item_pk}/record", response={201: RecordOut, **ERRORS})
def record_item(request: HttpRequest, pk: int, item_pk: int, payload: RecordIn):
    traineeship = _traineeship(request, pk)
    item = get_object_or_404(PlanItem, pk=item_pk, plan__traineeship=traineeship)
    return Status(
        201,
        services.record_completion(
            actor=request.auth, traineeship=traineeship, item=item, **payload.dict()
        ),
    )


def _record(request: HttpRequest, pk: int) -> ItemRecord:
    record = get_object_or_404(ItemRecord.objects.select_related("traineeship"), pk=pk)
    require_visible(request.auth, "training.view_traineeship", record.traineeship)
    return record


@router.post("/records/{pk}/sign-off", response={200: RecordOut, **ERRORS})
def sign_off(request: HttpRequest, pk: int):
    return services.sign_off(actor=request.auth, record=_record(request, pk))


@router.post("/records/{pk}/send-back", response={200: RecordOut, **ERRORS})
def send_back(request: HttpRequest, pk: int, payload: ReasonIn):
    return services.send_back(
        actor=request.auth, record=_record(request, pk), comment=payload.reason
    )


@router.get("/traineeships/{pk}/milestones", response={200: list[MilestoneOut], 404: ErrorOut})
def list_milestones(request: HttpRequest, pk: int):
    traineeship = _traineeship(request, pk)
    return list(
        Milestone.objects.filter(project__traineeship=traineeship).prefetch_related("deliverables")
    )
