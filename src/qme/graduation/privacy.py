"""Graduation: the cases, the board's votes, and diplomas.

An issued diploma (valid, revoked or replaced) must stay verifiable, and the record of who
graduated is kept by law (the WHW requires keeping exam results): a graduate cannot be erased.
Neither can a trainee while their graduation case is open. A trainee who never graduated keeps
the dates and outcomes of their cases for the programme's figures, without the reasons written
about them. A board member's votes stay (they are the board's decision), with "Erased person" as
the member.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from qme.privacy.protocol import person_label, when
from qme.training.models import TraineeshipStatus

from .models import BoardVote, CaseStatus, Diploma, GraduationCase


def diploma_names(diploma: Diploma) -> dict[str, str]:
    return {
        "diploma": f"diploma/{diploma.number}.pdf",
        "supplement": f"diploma/{diploma.number}-supplement.pdf",
        "credential": f"diploma/{diploma.number}.json",
    }


def record_of(traineeship) -> dict[str, Any]:
    """The graduation part of a trainee's record. Two queries."""
    cases = traineeship.graduation_cases.select_related("decided_by").order_by("proposed_at")
    diplomas = traineeship.diplomas.order_by("issued_at")
    return {
        "graduation": [
            {
                "status": case.get_status_display(),
                "proposed": when(case.proposed_at),
                "decided": when(case.decided_at),
                "reasons": case.reasons,
            }
            for case in cases
        ],
        "diplomas": [
            {
                "number": d.number,
                "holder": d.holder_name,
                "issued": when(d.issued_at),
                "revoked": when(d.revoked_at),
                "reason of the revocation": d.revoked_reason,
                "listed in the public register": d.in_register,
                "files": list(diploma_names(d).values()),
                "credential": d.credential,
            }
            for d in diplomas
        ],
    }


def record_files(traineeship) -> list[tuple[str, bytes]]:
    """The diploma PDFs and credentials (or, for a discontinued trainee, the statement of the
    components completed), drawn as the graduate downloads them."""
    from . import documents

    found: list[tuple[str, bytes]] = []
    for diploma in traineeship.diplomas.select_related(
        "traineeship__hospital", "traineeship__university"
    ).order_by("issued_at"):
        names = diploma_names(diploma)
        found.append((names["diploma"], documents.diploma_pdf(diploma)))
        found.append((names["supplement"], documents.supplement_pdf(diploma)))
        found.append(
            (names["credential"], json.dumps(diploma.credential, indent=2).encode("utf-8"))
        )
    if traineeship.status == TraineeshipStatus.DISCONTINUED:
        found.append(
            ("statement-of-completed-components.pdf", documents.statement_pdf(traineeship))
        )
    return found


def personal_data(user) -> dict[str, Any]:
    diplomas = Diploma.objects.filter(traineeship__trainee=user).order_by("issued_at")
    return {
        "diplomas": [
            {
                "number": d.number,
                "holder": d.holder_name,
                "issued": when(d.issued_at),
                "revoked": when(d.revoked_at),
                "listed in the public register": d.in_register,
                "credential": d.credential,
            }
            for d in diplomas
        ],
        "graduation cases": [
            {
                "status": case.get_status_display(),
                "proposed": when(case.proposed_at),
                "decided": when(case.decided_at),
                "decided by": person_label(case.decided_by),
                "reasons": case.reasons,
            }
            for case in GraduationCase.objects.filter(traineeship__trainee=user).select_related(
                "decided_by"
            )
        ],
        "votes you cast on the examination board": [
            {"vote": v.get_vote_display(), "reason": v.reason, "when": when(v.voted_at)}
            for v in BoardVote.objects.filter(member=user)
        ],
    }


def erasure_blockers(user) -> list[str]:
    blockers = []
    if Diploma.objects.filter(traineeship__trainee=user).exists():
        blockers.append(
            _(
                "A QME diploma has been issued to them: it must stay verifiable, and the record "
                "of graduates is kept by law (retention of exam results under the WHW)."
            )
        )
    if GraduationCase.objects.filter(
        traineeship__trainee=user, status=CaseStatus.PROPOSED
    ).exists():
        blockers.append(_("Their graduation case is open at the examination board."))
    return blockers


def erase(user) -> None:
    GraduationCase.objects.filter(traineeship__trainee=user).update(reasons="")
    BoardVote.objects.filter(case__traineeship__trainee=user).update(reason="")
