"""State changes of training: the traineeship, the plan and its versions, completing and signing
off items, the design project, leave and extension. One function per change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.files import validate_pdf
from qme.core.mail import notify_people
from qme.core.permissions import require
from qme.organisations.models import Organisation, Role, RoleKind
from qme.positions.models import Position, PositionStatus

from . import selectors
from .models import (
    DEFAULT_MILESTONES,
    Curriculum,
    Deliverable,
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

TRAINING_LENGTH = dt.timedelta(days=selectors.TRAINING_DAYS)


def curriculum_for(start: dt.date) -> Curriculum:
    """The rules of the cohort that starts in this year (the newest version up to that year)."""
    curriculum = (
        Curriculum.objects.filter(cohort_year__lte=start.year).order_by("-cohort_year").first()
    )
    if curriculum is None:
        curriculum = Curriculum.objects.order_by("cohort_year").first()
    if curriculum is None:
        curriculum = Curriculum.objects.create(cohort_year=start.year)
    return curriculum


# --- The traineeship ---


@transaction.atomic
def create_traineeship(
    *,
    actor: User | None,
    trainee: User,
    hospital: Organisation,
    university: Organisation,
    start_date: dt.date,
    university_supervisor: User | None = None,
    hospital_supervisor: User | None = None,
    medical_doctor: User | None = None,
    design_project_title: str = "",
    position: Position | None = None,
) -> Traineeship:
    """Start a traineeship: from an accepted offer (actor None), or created by the programme
    office for a trainee who started before the system existed."""
    if actor is not None:
        require(actor, "training.manage_traineeship")
    if hospital.is_university or not university.is_university:
        raise ValidationError({"hospital": _("Choose a hospital and a university.")})
    if (
        Traineeship.objects.filter(trainee=trainee)
        .exclude(status__in=[TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED])
        .exists()
    ):
        raise ActionRefused(_("This person already has a traineeship."), code="duplicate")
    traineeship = Traineeship.objects.create(
        trainee=trainee,
        position=position,
        hospital=hospital,
        university=university,
        start_date=start_date,
        expected_end_date=start_date + TRAINING_LENGTH,
        university_supervisor=university_supervisor,
        hospital_supervisor=hospital_supervisor,
        medical_doctor=medical_doctor,
        design_project_title=design_project_title,
        curriculum=curriculum_for(start_date),
    )
    Role.objects.get_or_create(
        user=trainee,
        organisation=hospital,
        kind=RoleKind.TRAINEE,
        # The trainee belongs to the hospital from the moment the traineeship is agreed.
        defaults={"starts_on": min(start_date, timezone.localdate())},
    )
    project = DesignProject.objects.create(
        traineeship=traineeship,
        title=design_project_title or _("Design project"),
        clinical_partner=medical_doctor,
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            order=i,
            title_en=en,
            title_nl=nl,
            due_on=start_date + dt.timedelta(days=round(months * 30.4)),
        )
        for i, (en, nl, months) in enumerate(DEFAULT_MILESTONES, start=1)
    )
    record_event(actor=actor, action="traineeship.started", target=traineeship)
    if position is not None and start_date <= timezone.localdate():
        _position_in_training(position)
    return traineeship


def _position_in_training(position: Position) -> None:
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.status == PositionStatus.FILLED:
        position.status = PositionStatus.IN_TRAINING
        position.status_changed_at = timezone.now()
        position.save(update_fields=["status", "status_changed_at"])
        record_event(actor=None, action="position.in_training", target=position)


def start_due_traineeships() -> int:
    """Positions whose trainee's start date has come move to "in training"; a traineeship
    discontinued before its start never started."""
    moved = 0
    due = (
        Traineeship.objects.filter(
            position__status=PositionStatus.FILLED, start_date__lte=timezone.localdate()
        )
        .exclude(status=TraineeshipStatus.DISCONTINUED)
        .select_related("position")
    )
    for traineeship in due:
        with transaction.atomic():
            _position_in_training(traineeship.position)
            moved += 1
    return moved


def _refresh_end(traineeship: Traineeship) -> None:
    traineeship.expected_end_date = selectors.expected_end_date(traineeship)
    traineeship.save(update_fields=["expected_end_date"])


def refresh_next_due(traineeships: QuerySet[Traineeship]) -> int:
    """Recompute Traineeship.next_due_on (the earliest planned end among the open items of the
    approved plan) for these traineeships, in one statement. Called when a plan is approved and
    when an item is signed off, and after seeding; nothing else changes it."""
    earliest = selectors.open_items().order_by("planned_end").values("planned_end")[:1]
    return traineeships.update(next_due_on=Subquery(earliest))


@transaction.atomic
def record_leave(
    *,
    actor: User,
    traineeship: Traineeship,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
) -> Leave:
    require(actor, "training.manage_traineeship", traineeship)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The leave must end on or after its start.")})
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has ended."), code="ended")
    if traineeship.leaves.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationError({"starts_on": _("This leave overlaps leave already recorded.")})
    leave = Leave.objects.create(
        traineeship=traineeship,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        recorded_by=actor,
    )
    _refresh_end(traineeship)
    sync_leave_status(traineeship)
    record_event(
        actor=actor,
        action="traineeship.leave_recorded",
        target=traineeship,
        data={"kind": kind, "from": starts_on.isoformat(), "until": ends_on.isoformat()},
    )
    return leave


def sync_leave_status(traineeship: Traineeship) -> None:
    """On leave while a leave period runs; back to active (or extended) after it."""
    today = timezone.localdate()
    on_leave = traineeship.leaves.filter(starts_on__lte=today, ends_on__gte=today).exists()
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        return
    new = (
        TraineeshipStatus.ON_LEAVE
        if on_leave
        else TraineeshipStatus.EXTENDED
        if traineeship.extensions.exists()
        else TraineeshipStatus.ACTIVE
    )
    if traineeship.status != new:
        traineeship.status = new
        traineeship.save(update_fields=["status"])


@transaction.atomic
def grant_extension(
    *,
    actor: User,
    traineeship: Traineeship,
    days: int,
    reason: str,
    current_end: dt.date | None = None,
) -> Extension:
    """Extend by `days`. `current_end` is the expected end the person saw when deciding: if it
    has moved since (the same form sent twice, or a colleague was quicker), nothing is granted."""
    require(actor, "training.manage_traineeship", traineeship)
    traineeship = Traineeship.objects.select_for_update().get(pk=traineeship.pk)
    if current_end is not None and current_end != traineeship.expected_end_date:
        raise ActionRefused(
            _(
                "The expected end date has changed meanwhile (to {date}); check the extensions "
                "and leave recorded and try again."
            ).format(date=traineeship.expected_end_date.isoformat()),
            code="stale",
        )
    if not 1 <= days <= 730:
        raise ValidationError({"days": _("Use a number of days from 1 to 730.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has ended."), code="ended")
    extension = Extension.objects.create(
        traineeship=traineeship, days=days, reason=reason.strip(), granted_by=actor
    )
    _refresh_end(traineeship)
    sync_leave_status(traineeship)
    record_event(
        actor=actor,
        action="traineeship.extended",
        target=traineeship,
        reason=reason.strip(),
        data={"days": days},
    )
    return extension


@transaction.atomic
def discontinue(*, actor: User | None, traineeship: Traineeship, reason: str) -> Traineeship:
    """Discontinue: by the programme office, or (actor None) as the result of a signed review."""
    if actor is not None:
        require(actor, "training.manage_traineeship", traineeship)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has already ended."), code="ended")
    traineeship.status = TraineeshipStatus.DISCONTINUED
    traineeship.status_reason = reason.strip()
    traineeship.save(update_fields=["status", "status_reason"])
    record_event(
        actor=actor, action="traineeship.discontinued", target=traineeship, reason=reason.strip()
    )
    return traineeship


# --- The plan ---


@transaction.atomic
def start_plan_version(*, actor: User, traineeship: Traineeship) -> TrainingPlan:
    """A new draft: a copy of the approved plan (same item keys), or an empty first version.
    Only while the traineeship runs: a completed or discontinued one gets no new plan."""
    require(actor, "training.edit_plan", traineeship)
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has ended."), code="ended")
    existing = selectors.open_plan(traineeship)
    if existing is not None:
        return existing
    approved = selectors.approved_plan(traineeship)
    version = (traineeship.plans.aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            plan = TrainingPlan.objects.create(traineeship=traineeship, version=version)
    except IntegrityError:
        return selectors.open_plan(traineeship)
    if approved is not None:
        PlanItem.objects.bulk_create(
            PlanItem(
                plan=plan,
                key=i.key,
                kind=i.kind,
                catalogue_item=i.catalogue_item,
                title=i.title,
                ec=i.ec,
                planned_start=i.planned_start,
                planned_end=i.planned_end,
            )
            for i in approved.items.all()
        )
    record_event(actor=actor, action="plan.drafted", target=traineeship, data={"version": version})
    return plan


def _editable_plan(actor: User, plan: TrainingPlan) -> TrainingPlan:
    plan = TrainingPlan.objects.select_for_update().select_related("traineeship").get(pk=plan.pk)
    require(actor, "training.edit_plan", plan.traineeship)
    if plan.status != PlanStatus.DRAFT:
        raise ActionRefused(_("Only a draft plan can be changed."), code="invalid_state")
    return plan


@transaction.atomic
def add_plan_item(*, actor: User, plan: TrainingPlan, **fields: Any) -> PlanItem:
    plan = _editable_plan(actor, plan)
    catalogue_item = fields.get("catalogue_item")
    if catalogue_item is not None:
        fields.setdefault("kind", catalogue_item.kind)
        fields["title"] = fields.get("title") or catalogue_item.title_en
        fields["ec"] = fields.get("ec") or catalogue_item.ec
    item = PlanItem(plan=plan, **fields)
    if item.planned_start and item.planned_end and item.planned_end < item.planned_start:
        raise ValidationError({"planned_end": _("The end must be on or after the start.")})
    item.full_clean(exclude=["key"])
    _refuse_duplicate_title(plan, item)
    item.save()
    record_event(
        actor=actor, action="plan.item_added", target=plan.traineeship, data={"item": item.title}
    )
    return item


def _refuse_duplicate_title(plan: TrainingPlan, item: PlanItem) -> None:
    """One item of a title per plan: the same item added twice (a button pressed twice) is
    refused. The plan is locked by the caller."""
    if plan.items.filter(title__iexact=item.title.strip()).exclude(pk=item.pk).exists():
        raise ActionRefused(_("This plan already has an item with this title."), code="duplicate")


@transaction.atomic
def update_plan_item(*, actor: User, item: PlanItem, changes: dict[str, Any]) -> PlanItem:
    plan = _editable_plan(actor, item.plan)
    for field, value in changes.items():
        if field not in ("title", "ec", "planned_start", "planned_end", "kind"):
            raise ActionRefused(_("Unknown fields: {fields}.").format(fields=field))
        setattr(item, field, value)
    if item.planned_end < item.planned_start:
        raise ValidationError({"planned_end": _("The end must be on or after the start.")})
    item.full_clean()
    _refuse_duplicate_title(plan, item)
    item.save()
    record_event(
        actor=actor,
        action="plan.item_changed",
        target=plan.traineeship,
        data={"item": item.title, "fields": sorted(changes)},
    )
    return item


@transaction.atomic
def remove_plan_item(*, actor: User, item: PlanItem) -> None:
    plan = _editable_plan(actor, item.plan)
    if ItemRecord.objects.filter(traineeship=plan.traineeship, item_key=item.key).exists():
        raise ActionRefused(
            _("This item has been recorded as completed and stays in the plan."), code="has_record"
        )
    title = item.title
    item.delete()
    record_event(
        actor=actor, action="plan.item_removed", target=plan.traineeship, data={"item": title}
    )


def plan_problems(plan: TrainingPlan) -> list[str]:
    """What the plan still lacks to meet the cohort's requirements."""
    curriculum = plan.traineeship.curriculum
    items = list(plan.items.all())
    problems = []
    if curriculum is None:
        return problems
    total = sum((i.ec for i in items), Decimal(0))
    if total < curriculum.total_ec:
        problems.append(
            _("The plan has {ec} EC; the programme asks for {required} EC.").format(
                ec=total, required=curriculum.total_ec
            )
        )
    for kind, label in ItemKind.choices:
        required = Decimal(curriculum.minimum_for(kind))
        planned = sum((i.ec for i in items if i.kind == kind), Decimal(0))
        if required and planned < required:
            problems.append(
                _("{label}: {ec} EC planned, at least {required} EC required.").format(
                    label=label, ec=planned, required=required
                )
            )
    planned_catalogue = {i.catalogue_item_id for i in items}
    for mandatory in curriculum.mandatory.all():
        if mandatory.pk not in planned_catalogue:
            problems.append(
                _("The mandatory component “{title}” is missing.").format(title=mandatory.title_en)
            )
    return problems


def plan_changes(plan: TrainingPlan) -> dict[str, list]:
    """Differences from the approved version: added, removed and changed items (by key)."""
    approved = selectors.approved_plan(plan.traineeship)
    if approved is None or approved.pk == plan.pk:
        return {"added": list(plan.items.all()), "removed": [], "changed": []}
    old = {i.key: i for i in approved.items.all()}
    new = {i.key: i for i in plan.items.all()}
    changed = []
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        diffs = [
            f
            for f in ("title", "ec", "planned_start", "planned_end", "kind")
            if getattr(a, f) != getattr(b, f)
        ]
        if diffs:
            changed.append((a, b, diffs))
    return {
        "added": [new[k] for k in new.keys() - old.keys()],
        "removed": [old[k] for k in old.keys() - new.keys()],
        "changed": changed,
    }


@transaction.atomic
def submit_plan(*, actor: User, plan: TrainingPlan, note: str = "") -> TrainingPlan:
    plan = _editable_plan(actor, plan)
    if not plan.items.exists():
        raise ActionRefused(_("Add the components of your training first."), code="empty")
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.change_note = note.strip()
    plan.university_approved_at = plan.hospital_approved_at = None
    plan.university_approved_by = plan.hospital_approved_by = None
    plan.save()
    record_event(
        actor=actor,
        action="plan.submitted",
        target=plan.traineeship,
        data={"version": plan.version},
    )
    traineeship = plan.traineeship
    notify_people(
        [traineeship.university_supervisor, traineeship.hospital_supervisor],
        "plan_submitted",
        {
            "trainee": traineeship.trainee.full_name,
            "version": plan.version,
            "path": reverse("training:plan", args=[traineeship.pk]),
        },
    )
    return plan


@transaction.atomic
def approve_plan(*, actor: User, plan: TrainingPlan) -> TrainingPlan:
    plan = TrainingPlan.objects.select_for_update().select_related("traineeship").get(pk=plan.pk)
    traineeship = plan.traineeship
    require(actor, "training.approve_plan", traineeship)
    if plan.status != PlanStatus.SUBMITTED:
        raise ActionRefused(_("This plan is not waiting for approval."), code="invalid_state")
    now = timezone.now()
    if actor.pk == traineeship.university_supervisor_id and plan.university_approved_at is None:
        plan.university_approved_by, plan.university_approved_at = actor, now
    elif (
        actor.pk in (traineeship.hospital_supervisor_id, traineeship.medical_doctor_id)
        and plan.hospital_approved_at is None
    ):
        plan.hospital_approved_by, plan.hospital_approved_at = actor, now
    else:
        raise ActionRefused(_("You have already approved this plan."), code="already_approved")
    if plan.university_approved_at and plan.hospital_approved_at:
        traineeship.plans.filter(status=PlanStatus.APPROVED).update(status=PlanStatus.SUPERSEDED)
        plan.status = PlanStatus.APPROVED
    plan.save()
    if plan.status == PlanStatus.APPROVED:
        refresh_next_due(Traineeship.objects.filter(pk=traineeship.pk))
    record_event(
        actor=actor, action="plan.approved", target=traineeship, data={"version": plan.version}
    )
    if plan.status == PlanStatus.APPROVED:
        notify_people(
            [traineeship.trainee],
            "plan_approved",
            {
                "version": plan.version,
                "path": reverse("training:plan", args=[traineeship.pk]),
            },
        )
    return plan


@transaction.atomic
def send_back_plan(*, actor: User, plan: TrainingPlan, reason: str) -> TrainingPlan:
    plan = TrainingPlan.objects.select_for_update().select_related("traineeship").get(pk=plan.pk)
    require(actor, "training.approve_plan", plan.traineeship)
    if plan.status != PlanStatus.SUBMITTED:
        raise ActionRefused(_("This plan is not waiting for approval."), code="invalid_state")
    if not reason.strip():
        raise ValidationError({"reason": _("Say what should change.")})
    plan.status = PlanStatus.DRAFT
    plan.university_approved_at = plan.hospital_approved_at = None
    plan.university_approved_by = plan.hospital_approved_by = None
    plan.save()
    record_event(
        actor=actor, action="plan.sent_back", target=plan.traineeship, reason=reason.strip()
    )
    notify_people(
        [plan.traineeship.trainee],
        "plan_sent_back",
        {
            "reason": reason.strip(),
            "by": actor.full_name,
            "path": reverse("training:plan", args=[plan.traineeship_id]),
        },
    )
    return plan


# --- Completing items and signing them off ---


@transaction.atomic
def record_completion(
    *,
    actor: User,
    traineeship: Traineeship,
    item: PlanItem,
    completed_on: dt.date,
    grade: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ItemRecord:
    require(actor, "training.record_item", traineeship)
    plan = selectors.approved_plan(traineeship)
    if plan is None or not plan.items.filter(pk=item.pk).exists():
        raise ActionRefused(_("Record items of your approved plan."), code="not_in_plan")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    record = (
        ItemRecord.objects.select_for_update()
        .filter(traineeship=traineeship, item_key=item.key)
        .first()
    )
    if record is not None and record.status != RecordStatus.SENT_BACK:
        raise ActionRefused(_("This item has already been recorded."), code="already_recorded")
    name = validate_pdf(evidence, field="evidence") if evidence is not None else None
    if record is None:
        record = ItemRecord(traineeship=traineeship, item_key=item.key)
    record.title, record.completed_on = item.title, completed_on
    record.grade, record.note = grade.strip(), note.strip()
    record.status, record.recorded_at = RecordStatus.RECORDED, timezone.now()
    record.decided_by = record.decided_at = None
    if evidence is not None:
        if record.evidence:
            record.evidence.delete(save=False)
        record.evidence.save(name, evidence, save=False)
    record.save()
    record_event(actor=actor, action="item.recorded", target=traineeship, data={"item": item.title})
    responsible = (
        traineeship.hospital_supervisor
        if item.kind == ItemKind.CLINICAL_PROJECT
        else traineeship.university_supervisor
    )
    notify_people(
        [responsible],
        "sign_off_requested",
        {
            "trainee": traineeship.trainee.full_name,
            "item": item.title,
            "ec": item.ec,
            "path": reverse("training:record", args=[record.pk]),
        },
    )
    return record


@transaction.atomic
def sign_off(*, actor: User, record: ItemRecord) -> ItemRecord:
    """Signing off takes a deliberate action of a signed-in supervisor; a link never signs."""
    record = ItemRecord.objects.select_for_update().select_related("traineeship").get(pk=record.pk)
    require(actor, "training.sign_off", record.traineeship)
    if record.status == RecordStatus.SIGNED_OFF:
        raise ActionRefused(_("This item has already been signed off."), code="already_signed")
    if record.status != RecordStatus.RECORDED:
        raise ActionRefused(_("This item is waiting for the trainee."), code="invalid_state")
    record.status, record.decided_by, record.decided_at = (
        RecordStatus.SIGNED_OFF,
        actor,
        timezone.now(),
    )
    record.save(update_fields=["status", "decided_by", "decided_at"])
    refresh_next_due(Traineeship.objects.filter(pk=record.traineeship_id))
    record_event(
        actor=actor,
        action="item.signed_off",
        target=record.traineeship,
        data={"item": record.title},
    )
    notify_people(
        [record.traineeship.trainee],
        "item_signed_off",
        {
            "item": record.title,
            "by": actor.full_name,
            "path": reverse("training:detail", args=[record.traineeship_id]),
        },
    )
    return record


@transaction.atomic
def send_back(*, actor: User, record: ItemRecord, comment: str) -> ItemRecord:
    record = ItemRecord.objects.select_for_update().select_related("traineeship").get(pk=record.pk)
    require(actor, "training.sign_off", record.traineeship)
    if record.status != RecordStatus.RECORDED:
        raise ActionRefused(_("This item is not waiting for sign-off."), code="invalid_state")
    if not comment.strip():
        raise ValidationError({"comment": _("Say what is missing.")})
    record.status, record.decided_by, record.decided_at = (
        RecordStatus.SENT_BACK,
        actor,
        timezone.now(),
    )
    record.comment = comment.strip()
    record.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    record_event(
        actor=actor,
        action="item.sent_back",
        target=record.traineeship,
        reason=comment.strip(),
        data={"item": record.title},
    )
    notify_people(
        [record.traineeship.trainee],
        "item_sent_back",
        {
            "item": record.title,
            "by": actor.full_name,
            "comment": comment.strip(),
            "path": reverse("training:detail", args=[record.traineeship_id]),
        },
    )
    return record


# --- The design project ---


@transaction.atomic
def update_project(
    *, actor: User, project: DesignProject, changes: dict[str, Any]
) -> DesignProject:
    require(actor, "training.edit_project", project.traineeship)
    for field, value in changes.items():
        if field not in ("title", "problem_statement", "goals"):
            raise ActionRefused(_("Unknown fields: {fields}.").format(fields=field))
        setattr(project, field, value.strip() if isinstance(value, str) else value)
    project.full_clean()
    project.save()
    record_event(
        actor=actor,
        action="project.updated",
        target=project.traineeship,
        data={"fields": sorted(changes)},
    )
    return project


@transaction.atomic
def upload_deliverable(
    *, actor: User, milestone: Milestone, uploaded: UploadedFile, note: str = ""
) -> Deliverable:
    traineeship = milestone.project.traineeship
    require(actor, "training.edit_project", traineeship)
    name = validate_pdf(uploaded, field="file", max_bytes=25 * 1024 * 1024)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    version = (milestone.deliverables.aggregate(v=Max("version"))["v"] or 0) + 1
    deliverable = Deliverable(
        milestone=milestone,
        version=version,
        original_name=name,
        note=note.strip()[:500],
        uploaded_by=actor,
    )
    deliverable.file.save(name, uploaded, save=False)
    deliverable.save()
    record_event(
        actor=actor,
        action="project.deliverable_uploaded",
        target=traineeship,
        data={"milestone": milestone.title_en, "version": version},
    )
    return deliverable


@transaction.atomic
def reach_milestone(*, actor: User, milestone: Milestone, reached_on: dt.date) -> Milestone:
    traineeship = milestone.project.traineeship
    if not actor.has_perm("training.sign_off", traineeship):
        raise ActionRefused(_("A supervisor marks a milestone as reached."))
    if reached_on > timezone.localdate():
        raise ValidationError({"reached_on": _("The date cannot be in the future.")})
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.reached_on is not None:
        raise ActionRefused(_("This milestone has already been reached."), code="already_reached")
    milestone.reached_on = reached_on
    milestone.save(update_fields=["reached_on"])
    record_event(
        actor=actor,
        action="project.milestone_reached",
        target=traineeship,
        data={"milestone": milestone.title_en},
    )
    return milestone
