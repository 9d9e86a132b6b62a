"""Position requests: those a person created or is named in, the comments they wrote, the files
they uploaded, and public contact details.

A request and its conversation are the hospital's record, not the person's: erasure keeps them,
showing "Erased person" as their author, and removes the person as the public contact of a
position (name and address). The attachments are the hospital's documents and stay.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qme.privacy.protocol import when

from .models import Position, PositionRequest, RequestAttachment, RequestComment


def _requests_of(user) -> Q:
    return (
        Q(created_by=user)
        | Q(medical_doctor=user)
        | Q(hospital_supervisor=user)
        | Q(university_supervisor=user)
        | Q(decided_by=user)
    )


def personal_data(user) -> dict[str, Any]:
    requests = PositionRequest.objects.filter(_requests_of(user)).select_related("hospital")
    return {
        "position requests you created or are named in": [
            {
                "title": r.title,
                "hospital": r.hospital.name,
                "status": r.get_status_display(),
                "created by you": r.created_by_id == user.pk,
                "medical doctor": r.medical_doctor_id == user.pk,
                "hospital supervisor": r.hospital_supervisor_id == user.pk,
                "university supervisor": r.university_supervisor_id == user.pk,
                "decided by you": r.decided_by_id == user.pk,
                "created": when(r.created_at),
            }
            for r in requests
        ],
        "comments you wrote": [
            {"request": c.request.title, "written": when(c.created_at), "comment": c.body}
            for c in RequestComment.objects.filter(author=user).select_related("request")
        ],
        "files you uploaded": [
            {
                "request": a.request.title,
                "file name": a.original_name,
                "uploaded": when(a.uploaded_at),
            }
            for a in RequestAttachment.objects.filter(uploaded_by=user).select_related("request")
        ],
        "positions with you as public contact": [
            {"position": str(p), "contact name": p.contact_name, "contact e-mail": p.contact_email}
            for p in Position.objects.filter(contact_email__iexact=user.email)
        ],
    }


def erasure_blockers(user) -> list[str]:
    return []


def erase(user) -> None:
    Position.objects.filter(contact_email__iexact=user.email).update(
        contact_name="", contact_email=""
    )
    if len(user.full_name.strip()) >= 4:
        Position.objects.filter(contact_name__iexact=user.full_name.strip()).update(contact_name="")
