"""Applications and the selection committee.

An applicant's applications lose everything personal on erasure, as when their data is deleted
after the procedure: the documents (deleted from storage), the personal details, the master's
degree and Dutch evidence, and what others wrote about them (score justifications, conflict
reasons, the reasons given); the numbers of the scores stay for the committee's record. Erasure
waits until no application is in a running procedure.

A committee member's seat, scores and decisions stay (the committee's record), showing "Erased
person"; the conflicts they declared lose their reason (it is about the member). Erasure waits
until the procedures they sit on have ended.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.positions.models import PositionStatus
from qme.privacy.protocol import delete_file_on_commit, file_entry, when

from .models import (
    IN_PROCEDURE,
    Application,
    CommitteeMember,
    ConflictOfInterest,
    ReasonRequest,
    Score,
)
from .services import DOCUMENTS


def _applications(user):
    return (
        Application.objects.filter(applicant=user)
        .select_related("position", "reason_request")
        .prefetch_related("interviews", "offers")
        .order_by("created_at")
    )


def personal_data(user) -> dict[str, Any]:
    applications = []
    for a in _applications(user):
        reasons = getattr(a, "reason_request", None)
        applications.append(
            {
                "position": str(a.position),
                "status": a.get_status_display(),
                "phone": a.phone,
                "place of residence": a.city,
                "documents": [
                    file_entry("applications", f"{a.pk}-{name}", file) for name, file in a.documents
                ],
                "field of the master's degree": a.master_field,
                "university of the master's degree": a.master_university,
                "date of the master's degree": when(a.master_date),
                "master's degree completed": a.master_completed,
                "level of Dutch": a.dutch_level,
                "evidence of Dutch": a.get_dutch_evidence_kind_display(),
                "date of the language certificate": when(a.dutch_certificate_date),
                "keep for a year": a.keep_for_a_year,
                "created": when(a.created_at),
                "submitted": when(a.submitted_at),
                "reason": a.status_reason,
                "data deleted": when(a.data_deleted_at),
                "interviews": [
                    {
                        "when": when(i.starts_at),
                        "minutes": i.duration_minutes,
                        "place": i.location,
                    }
                    for i in a.interviews.all()
                ],
                "offers": [
                    {
                        "made": when(o.made_at),
                        "answer by": when(o.deadline),
                        "status": o.get_status_display(),
                    }
                    for o in a.offers.all()
                ],
                "reasons asked": {
                    "asked": when(reasons.asked_at),
                    "answer": reasons.answer,
                    "answered": when(reasons.answered_at),
                }
                if reasons
                else None,
            }
        )
    seats = CommitteeMember.objects.filter(user=user).select_related("position")
    return {
        "applications": applications,
        "selection committees": [
            {
                "position": str(seat.position),
                "side": seat.get_side_display(),
                "chair": seat.is_chair,
                "since": when(seat.added_at),
                "conflicts of interest declared": [
                    {"declared": when(c.declared_at), "reason": c.reason}
                    for c in seat.conflicts.all()
                ],
                "score sheets submitted": seat.submitted_sheets,
            }
            for seat in seats.prefetch_related("conflicts").annotate(
                submitted_sheets=Count("sheets", filter=Q(sheets__submitted_at__isnull=False))
            )
        ],
    }


def files(user) -> list[tuple[str, Any]]:
    return [
        (file_entry("applications", f"{a.pk}-{name}", file), file)
        for a in Application.objects.filter(applicant=user, data_deleted_at__isnull=True)
        for name, file in a.documents
    ]


def erasure_blockers(user) -> list[str]:
    blockers = []
    running = Application.objects.filter(
        applicant=user, status__in=IN_PROCEDURE, data_deleted_at__isnull=True
    ).select_related("position")
    for application in running:
        blockers.append(
            _("The application for %(position)s is in a running selection procedure.")
            % {"position": application.position}
        )
    seats = CommitteeMember.objects.filter(
        user=user,
        position__procedure_ended_at__isnull=True,
        position__status__in=[PositionStatus.OPEN, PositionStatus.SELECTION],
    ).select_related("position")
    for seat in seats:
        blockers.append(
            _("Sits on the selection committee of %(position)s, whose procedure is running.")
            % {"position": seat.position}
        )
    return blockers


def erase(user) -> None:
    now = timezone.now()
    for application in Application.objects.filter(applicant=user):
        for kind in DOCUMENTS:
            file = getattr(application, kind)
            if file:
                delete_file_on_commit(file)
                setattr(application, kind, "")
        application.phone = application.city = ""
        application.master_field = application.master_university = ""
        application.master_date = application.dutch_certificate_date = None
        application.master_completed = False
        application.dutch_level = application.dutch_evidence_kind = ""
        application.eligibility_problems = []
        application.status_reason = application.admitted_reason = ""
        application.data_deleted_at = application.data_deleted_at or now
        application.save()
    Score.objects.filter(sheet__application__applicant=user).update(justification="")
    ConflictOfInterest.objects.filter(application__applicant=user).update(reason="")
    ReasonRequest.objects.filter(application__applicant=user).update(answer="")
    ConflictOfInterest.objects.filter(member__user=user).update(reason="")
