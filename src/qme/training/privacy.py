"""Traineeships: the plan in its versions, the records of completing items with their evidence,
the design project with its deliverables, leave and extensions.

Erasure waits while a person's own traineeship is in progress (active, on leave or extended), or
while they supervise one (another supervisor is assigned first). For a trainee whose traineeship
has ended without a diploma (a diploma blocks erasure, see graduation), the structure of the
record stays for the programme's figures, attached to the anonymised person: plan items, dates,
EC and results. What is theirs goes: the evidence and deliverable files (deleted from storage),
their notes and the comments on them, the plan's change notes, the problem statement and goals
of the project, the notes on leave, the reasons of extensions and of the traineeship's status.

When a supervisor is erased, what they signed off, approved or wrote stays in the trainee's
record, with "Erased person" as its author.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from qme.audit.services import forget_personal_data
from qme.privacy.protocol import (
    delete_file_on_commit,
    erased_name,
    file_entry,
    number,
    person_label,
    when,
)

from .models import (
    Deliverable,
    DesignProject,
    Extension,
    ItemRecord,
    Leave,
    Milestone,
    PlanItem,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)

IN_PROGRESS = (
    TraineeshipStatus.ACTIVE,
    TraineeshipStatus.ON_LEAVE,
    TraineeshipStatus.EXTENDED,
)


def with_record(queryset):
    """Traineeships with everything the record needs, in a fixed number of queries however long
    the record is."""
    return (
        queryset.select_related(
            "trainee",
            "hospital",
            "university",
            "university_supervisor",
            "hospital_supervisor",
            "medical_doctor",
            "curriculum",
            "design_project__clinical_partner",
        )
        .prefetch_related(
            Prefetch(
                "plans",
                queryset=TrainingPlan.objects.order_by("version").select_related(
                    "university_approved_by", "hospital_approved_by"
                ),
            ),
            Prefetch("plans__items", queryset=PlanItem.objects.order_by("planned_start", "title")),
            Prefetch("records", queryset=ItemRecord.objects.select_related("decided_by")),
            Prefetch("design_project__milestones", queryset=Milestone.objects.order_by("order")),
            Prefetch(
                "design_project__milestones__deliverables",
                queryset=Deliverable.objects.order_by("version").select_related("uploaded_by"),
            ),
            Prefetch("leaves", queryset=Leave.objects.order_by("starts_on")),
            Prefetch(
                "extensions",
                queryset=Extension.objects.order_by("granted_at").select_related("granted_by"),
            ),
        )
        .order_by("start_date", "pk")
    )


def traineeships_of(user):
    return with_record(Traineeship.objects.filter(trainee=user))


def _project(traineeship: Traineeship) -> DesignProject | None:
    try:
        return traineeship.design_project
    except DesignProject.DoesNotExist:
        return None


def evidence_name(record: ItemRecord) -> str:
    return file_entry("evidence", f"{record.pk}-{record.title}", record.evidence, "evidence.pdf")


def deliverable_name(milestone: Milestone, deliverable: Deliverable) -> str:
    return file_entry(
        "deliverables",
        f"{milestone.order}-{milestone.title_en}-v{deliverable.version}",
        deliverable.file,
        deliverable.original_name,
    )


def record_of(traineeship: Traineeship) -> dict[str, Any]:
    """The training part of a trainee's record, as the trainee sees it. Expects a traineeship
    from `with_record`."""
    records = {r.item_key: r for r in traineeship.records.all()}
    project = _project(traineeship)
    language = traineeship.trainee.language
    return {
        "hospital": traineeship.hospital.name,
        "university": traineeship.university.name,
        "start date": when(traineeship.start_date),
        "expected end date": when(traineeship.expected_end_date),
        "status": traineeship.get_status_display(),
        "status reason": traineeship.status_reason,
        "cohort": traineeship.curriculum.cohort_year if traineeship.curriculum_id else None,
        "university supervisor": person_label(traineeship.university_supervisor),
        "hospital supervisor": person_label(traineeship.hospital_supervisor),
        "medical doctor": person_label(traineeship.medical_doctor),
        "plan versions": [
            {
                "version": plan.version,
                "status": plan.get_status_display(),
                "created": when(plan.created_at),
                "submitted": when(plan.submitted_at),
                "approved by the university": person_label(plan.university_approved_by),
                "approved by the university on": when(plan.university_approved_at),
                "approved by the hospital": person_label(plan.hospital_approved_by),
                "approved by the hospital on": when(plan.hospital_approved_at),
                "what changed and why": plan.change_note,
                "items": [
                    {
                        "title": item.title,
                        "kind": item.get_kind_display(),
                        "EC": number(item.ec),
                        "planned start": when(item.planned_start),
                        "planned end": when(item.planned_end),
                    }
                    for item in plan.items.all()
                ],
            }
            for plan in traineeship.plans.all()
        ],
        "completed items": [
            {
                "title": r.title,
                "completed on": when(r.completed_on),
                "grade or result": r.grade,
                "status": r.get_status_display(),
                "evidence file": evidence_name(r) if r.evidence else None,
                "note": r.note,
                "recorded": when(r.recorded_at),
                "decided by": person_label(r.decided_by),
                "decided": when(r.decided_at),
                "comment": r.comment,
            }
            for r in sorted(records.values(), key=lambda r: (r.completed_on, r.pk))
        ],
        "design project": {
            "title": project.title,
            "problem statement": project.problem_statement,
            "goals": project.goals,
            "clinical partner": person_label(project.clinical_partner),
            "milestones": [
                {
                    "title": m.title_nl if language == "nl" else m.title_en,
                    "due": when(m.due_on),
                    "reached": when(m.reached_on),
                    "deliverables": [
                        {
                            "version": d.version,
                            "file": deliverable_name(m, d) if d.file else None,
                            "file name": d.original_name,
                            "note": d.note,
                            "uploaded by": person_label(d.uploaded_by),
                            "uploaded": when(d.uploaded_at),
                        }
                        for d in m.deliverables.all()
                    ],
                }
                for m in project.milestones.all()
            ],
        }
        if project
        else None,
        "leave": [
            {
                "kind": leave.get_kind_display(),
                "from": when(leave.starts_on),
                "until": when(leave.ends_on),
                "note": leave.note,
            }
            for leave in traineeship.leaves.all()
        ],
        "extensions": [
            {
                "days": e.days,
                "reason": e.reason,
                "granted by": person_label(e.granted_by),
                "granted": when(e.granted_at),
            }
            for e in traineeship.extensions.all()
        ],
    }


def record_files(traineeship: Traineeship) -> list[tuple[str, Any]]:
    """The evidence and deliverable files of a traineeship from `with_record`."""
    found = [(evidence_name(r), r.evidence) for r in traineeship.records.all() if r.evidence]
    project = _project(traineeship)
    if project:
        found += [
            (deliverable_name(m, d), d.file)
            for m in project.milestones.all()
            for d in m.deliverables.all()
            if d.file
        ]
    return found


def _supervised(user):
    return Traineeship.objects.filter(
        Q(university_supervisor=user) | Q(hospital_supervisor=user) | Q(medical_doctor=user)
    ).select_related("hospital")


def personal_data(user) -> dict[str, Any]:
    return {
        "your traineeships": [record_of(t) for t in traineeships_of(user)],
        "traineeships you supervise or supervised": [
            {
                "hospital": t.hospital.name,
                "start date": when(t.start_date),
                "status": t.get_status_display(),
                "your part": ", ".join(
                    str(label)
                    for label, pk in (
                        (_("university supervisor"), t.university_supervisor_id),
                        (_("hospital supervisor"), t.hospital_supervisor_id),
                        (_("medical doctor"), t.medical_doctor_id),
                    )
                    if pk == user.pk
                ),
            }
            for t in _supervised(user)
        ],
        "sign-offs you decided": ItemRecord.objects.filter(decided_by=user).count(),
    }


def summary(user) -> dict[str, int]:
    return {
        "your traineeships": Traineeship.objects.filter(trainee=user).count(),
        "traineeships you supervise or supervised": _supervised(user).count(),
        "sign-offs you decided": ItemRecord.objects.filter(decided_by=user).count(),
    }


def files(user) -> list[tuple[str, Any]]:
    return [entry for t in traineeships_of(user) for entry in record_files(t)]


def erasure_blockers(user) -> list[str]:
    blockers = []
    for traineeship in Traineeship.objects.filter(trainee=user, status__in=IN_PROGRESS):
        blockers.append(
            _("Their traineeship at %(hospital)s is in progress (%(status)s).")
            % {
                "hospital": traineeship.hospital.name,
                "status": traineeship.get_status_display(),
            }
        )
    for traineeship in _supervised(user).filter(status__in=IN_PROGRESS).select_related("trainee"):
        blockers.append(
            _(
                "They supervise a traineeship in progress at %(hospital)s; assign another "
                "supervisor first."
            )
            % {"hospital": traineeship.hospital.name}
        )
    return blockers


def erase(user) -> None:
    own = Traineeship.objects.filter(trainee=user)
    for record in ItemRecord.objects.filter(traineeship__in=own).exclude(evidence=""):
        delete_file_on_commit(record.evidence)
    ItemRecord.objects.filter(traineeship__in=own).update(evidence="", note="", comment="")
    TrainingPlan.objects.filter(traineeship__in=own).update(change_note="")
    for deliverable in Deliverable.objects.filter(milestone__project__traineeship__in=own):
        if deliverable.file:
            delete_file_on_commit(deliverable.file)
    Deliverable.objects.filter(milestone__project__traineeship__in=own).update(
        file="", original_name="", note=""
    )
    DesignProject.objects.filter(traineeship__in=own).update(problem_statement="", goals="")
    Leave.objects.filter(traineeship__in=own).update(note="")
    Extension.objects.filter(traineeship__in=own).update(reason="")
    own.update(status_reason="")
    for traineeship in own:
        forget_personal_data(traineeship, label=erased_name())
