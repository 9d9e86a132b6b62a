"""An assessment of the design report by Ulla (university) and Sara (hospital), and scores."""

from __future__ import annotations

from typing import Any

from qme.feedback import services
from qme.feedback.models import Assessment

RATIONALE = "Both assessors agree: a convincing artefact, the process was planned but rushed."


def assess(world, traineeship, deliverable: str = "design_report", assessors=None) -> Assessment:
    return services.create_assessment(
        actor=world.office,
        traineeship=traineeship,
        deliverable=deliverable,
        assessors=[(world.university_supervisor, "university"), (world.supervisor_a, "hospital")]
        if assessors is None
        else assessors,
    )


def criteria(assessment: Assessment) -> list:
    return list(assessment.rubric.criteria.order_by("part", "order"))


def full_scores(assessment: Assessment, value: int | None = 4, comment: str = "") -> dict:
    return {c.pk: (value, comment or f"Criterion {c.order}") for c in criteria(assessment)}


def score(assessment: Assessment, person, value: int | None = 4, submit: bool = True, **kw: Any):
    return services.save_assessment_scores(
        actor=person,
        assessment=assessment,
        scores=kw.pop("scores", None) or full_scores(assessment, value),
        submit=submit,
    )


def agree(assessment: Assessment, person, **overrides: Any) -> Assessment:
    fields: dict[str, Any] = {"artefact_grade": 4, "process_grade": 3, "rationale": RATIONALE}
    fields.update(overrides)
    return services.agree_judgement(actor=person, assessment=assessment, **fields)
