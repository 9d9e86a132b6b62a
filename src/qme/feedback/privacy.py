"""Feedback, multisource rounds, progress reviews and the design assessment.

What a trainee receives is their record: their export holds the feedback with their responses,
the multisource results exactly as the trainee may see them (in an anonymous round only the
averages and the unnamed comments, and only once enough people answered; never who said what),
their reviews, and the agreed judgement of each assessment (not the assessors' separate scores,
which the trainee does not see).

Erasure of a trainee (possible once the traineeship has ended without a diploma) deletes the
feedback they received with their responses, the multisource rounds with the requests and
answers (other people's names and addresses among them), and the reminders about them; the
reviews and assessments keep their dates, outcomes and grades for the programme's figures but
lose the self-assessment, the agreed actions, the rationale and the assessors' comments.

Erasure of someone who gave feedback, reviewed or assessed keeps what they gave for the trainee,
with "Erased person" as its author: it is the trainee's record. Someone asked by e-mail for
multisource feedback loses their name and address from the request; their answer stays in the
round's results. Erasure waits while they assess a design output that is not yet agreed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from qme.audit.services import forget_personal_data
from qme.privacy.protocol import erased_email, erased_name, person_label, when

from .models import (
    Assessment,
    AssessmentScore,
    Assessor,
    CadenceReminder,
    Competency,
    Feedback,
    Response,
    Review,
    Round,
)
from .models import Request as FeedbackRequest
from .services import round_results, rounds_with_results


def _competency(competency: Competency, language: str) -> str:
    return competency.name(language)


def record_of(traineeship) -> dict[str, Any]:
    """The feedback part of a trainee's record, as the trainee may see it. A fixed number of
    queries however much feedback there is."""
    language = traineeship.trainee.language
    feedback = (
        Feedback.objects.filter(traineeship=traineeship)
        .select_related("author")
        .prefetch_related(
            "competencies",
            Prefetch("responses", queryset=Response.objects.select_related("author")),
        )
        .order_by("given_at", "pk")
    )
    rounds = rounds_with_results(Round.objects.filter(traineeship=traineeship)).order_by(
        "created_at", "pk"
    )
    reviews = (
        Review.objects.filter(traineeship=traineeship)
        .select_related("recorded_by", "confirmed_by")
        .order_by("due_on", "pk")
    )
    assessments = (
        Assessment.objects.filter(traineeship=traineeship)
        .select_related("agreed_by")
        .prefetch_related(Prefetch("assessors", queryset=Assessor.objects.select_related("user")))
        .order_by("created_at", "pk")
    )
    multisource = []
    for round_ in rounds:
        results = round_results(round_)
        multisource.append(
            {
                "title": round_.title,
                "anonymous": round_.anonymous,
                "asked": when(round_.created_at),
                "answers possible until": when(round_.expires_at),
                "people asked": results["asked_count"],
                "answers": results["answered_count"],
                "results visible": results["visible"],
                "averages": [
                    {
                        "competency": _competency(competency, language),
                        "average": average,
                        "answers": count,
                    }
                    for competency, average, count in results["averages"]
                ],
                "comments": [
                    {
                        **({} if comment["name"] is None else {"from": comment["name"]}),
                        "what went well": comment["went_well"],
                        "what to improve": comment["to_improve"],
                    }
                    for comment in results["comments"]
                ],
            }
        )
    return {
        "feedback received": [
            {
                "given": when(f.given_at),
                "by": person_label(f.author),
                "side": f.get_side_display(),
                "about": f.subject,
                "competencies": [_competency(c, language) for c in f.competencies.all()],
                "rating": f.rating,
                "what went well": f.went_well,
                "what to improve": f.to_improve,
                "the agreed next step": f.next_step,
                "responses": [
                    {"by": person_label(r.author), "written": when(r.created_at), "text": r.body}
                    for r in f.responses.all()
                ],
            }
            for f in feedback
        ],
        "multisource feedback": multisource,
        "reviews": [
            {
                "kind": r.get_kind_display(),
                "due": when(r.due_on),
                "period from": when(r.period_start),
                "self-assessment": r.self_assessment,
                "held on": when(r.held_on),
                "outcome": r.get_outcome_display() if r.outcome else None,
                "go: the trainee continues": r.continue_training,
                "agreed actions": r.actions,
                "recorded by": person_label(r.recorded_by),
                "signed by the trainee": when(r.trainee_signed_at),
                "signed by the university": when(r.university_signed_at),
                "signed by the hospital": when(r.hospital_signed_at),
                "confirmed by": person_label(r.confirmed_by),
                "confirmed": when(r.confirmed_at),
            }
            for r in reviews
        ],
        "assessments": [
            {
                "what is assessed": a.get_deliverable_display(),
                "started": when(a.created_at),
                "assessors": [
                    {"name": person_label(s.user), "side": s.get_side_display()}
                    for s in a.assessors.all()
                ],
                "agreed": when(a.agreed_at),
                "agreed by": person_label(a.agreed_by),
                "the artefact": a.artefact_grade if a.agreed_at else None,
                "the design process": a.process_grade if a.agreed_at else None,
                "sufficient": a.is_sufficient,
                "rationale of the final judgement": a.rationale if a.agreed_at else "",
            }
            for a in assessments
        ],
    }


def personal_data(user) -> dict[str, Any]:
    from qme.training.models import Traineeship

    given = Feedback.objects.filter(author=user).select_related("traineeship__hospital")
    asked = FeedbackRequest.objects.filter(email__iexact=user.email).select_related(
        "round", "answer"
    )
    return {
        "feedback on your traineeships": [
            record_of(t)
            for t in Traineeship.objects.filter(trainee=user)
            .select_related("trainee")
            .order_by("start_date", "pk")
        ],
        "feedback you gave": [
            {
                "given": when(f.given_at),
                "hospital": f.traineeship.hospital.name,
                "about": f.subject,
                "rating": f.rating,
                "what went well": f.went_well,
                "what to improve": f.to_improve,
                "the agreed next step": f.next_step,
            }
            for f in given
        ],
        "multisource feedback you were asked for": [
            {
                "round": r.round.title,
                "name": r.name,
                "e-mail address": r.email,
                "asked": when(r.sent_at),
                "answered": when(r.answered_at),
                "your answer": {
                    "ratings": r.answer.ratings,
                    "what went well": r.answer.went_well,
                    "what to improve": r.answer.to_improve,
                }
                if r.answered_at and hasattr(r, "answer")
                else None,
            }
            for r in asked
        ],
        "assessments you took part in": [
            {
                "what is assessed": s.assessment.get_deliverable_display(),
                "submitted": when(s.submitted_at),
                "scores": [
                    {"value": score.value, "comment": score.comment} for score in s.scores.all()
                ],
            }
            for s in Assessor.objects.filter(user=user)
            .select_related("assessment")
            .prefetch_related("scores")
        ],
        "reviews you recorded": Review.objects.filter(recorded_by=user).count(),
    }


def summary(user) -> dict[str, int]:

    return {
        "feedback on your traineeships": Feedback.objects.filter(traineeship__trainee=user).count(),
        "feedback you gave": Feedback.objects.filter(author=user).count(),
        "multisource feedback you were asked for": FeedbackRequest.objects.filter(
            email__iexact=user.email
        ).count(),
        "assessments you took part in": Assessor.objects.filter(user=user).count(),
        "reviews you recorded": Review.objects.filter(recorded_by=user).count(),
    }


def erasure_blockers(user) -> list[str]:
    open_assessments = Assessor.objects.filter(
        user=user, assessment__agreed_at__isnull=True
    ).select_related("assessment__traineeship__hospital")
    return [
        _("They assess a design output at %(hospital)s that is not yet agreed.")
        % {"hospital": assessor.assessment.traineeship.hospital.name}
        for assessor in open_assessments
    ]


def erase(user) -> None:
    label = erased_name()
    received = Feedback.objects.filter(traineeship__trainee=user)
    for feedback in received:
        forget_personal_data(feedback, label=label)
    received.delete()
    Round.objects.filter(traineeship__trainee=user).delete()
    CadenceReminder.objects.filter(traineeship__trainee=user).delete()
    Review.objects.filter(traineeship__trainee=user).update(self_assessment="", actions="")
    Assessment.objects.filter(traineeship__trainee=user).update(rationale="")
    AssessmentScore.objects.filter(assessor__assessment__traineeship__trainee=user).update(
        comment=""
    )
    for request in FeedbackRequest.objects.filter(email__iexact=user.email):
        request.name = label
        request.email = erased_email(user.pk, f"-{request.pk}")
        request.save(update_fields=["name", "email"])
