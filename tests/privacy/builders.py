"""Records for the privacy tests, made through the services the way people make them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.feedback import services as feedback_services
from qme.feedback.models import Feedback, Round
from qme.graduation import issuing
from qme.graduation.models import Diploma
from qme.training import services as training_services
from qme.training.models import Deliverable, Traineeship
from tests.diplomas.builders import complete_record, granted
from tests.feedback.helpers import give
from tests.feedback_support import answer, start
from tests.training.factories import fresh

#: A deliverable whose bytes the export must carry unchanged.
REPORT_BYTES = (
    b"%PDF-1.4\n% The design report of the ICU alarm filter\n"
    b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


@dataclass
class Graduate:
    traineeship: Traineeship
    diploma: Diploma
    feedback: Feedback
    anonymous_round: Round
    named_round: Round
    deliverable: Deliverable


def feedback_and_rounds(world, traineeship: Traineeship) -> tuple[Feedback, Round, Round]:
    feedback = give(fresh(world.supervisor_a), traineeship)
    feedback_services.respond(
        actor=fresh(traineeship.trainee), feedback=feedback, body="Thanks, I will bring them."
    )
    anonymous = start(world, traineeship, n=3, anonymous=True)
    for request in anonymous.requests.all():
        answer(request)
    named = start(
        world,
        traineeship,
        anonymous=False,
        title="Named round",
        respondents=[
            {
                "name": "Wendy Ward",
                "email": "wendy@ward.example.org",
                "role": "nurse",
                "language": "en",
            }
        ],
    )
    answer(named.requests.get(), went_well="Named praise from the ward.")
    return feedback, anonymous, named


def report(traineeship: Traineeship) -> Deliverable:
    milestone = traineeship.design_project.milestones.order_by("order").first()
    return training_services.upload_deliverable(
        actor=fresh(traineeship.trainee),
        milestone=milestone,
        uploaded=SimpleUploadedFile("design-report.pdf", REPORT_BYTES, "application/pdf"),
        note="First full draft",
    )


def graduate_record(world, catalogue) -> Graduate:
    record = complete_record(world, catalogue)
    traineeship = record.traineeship
    feedback, anonymous, named = feedback_and_rounds(world, traineeship)
    deliverable = report(traineeship)
    case = granted(world, traineeship)
    diploma = Diploma.objects.filter(case=case).first() or issuing.issue_diploma(case=case)
    traineeship.refresh_from_db()
    return Graduate(traineeship, diploma, feedback, anonymous, named, deliverable)


def unzip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def json_in(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    return json.loads(archive.read(name))


def discontinued_record(world, catalogue) -> Traineeship:
    """Tim Trainee's traineeship, ended early: an approved plan with two items signed off (with
    evidence), a deliverable, feedback with his response, two multisource rounds, a
    self-assessment, leave, and the office's reason for discontinuing."""
    from qme.feedback.models import Review
    from tests.reviews.helpers import first_progress
    from tests.training.factories import approved_plan, signed_off, traineeship_of

    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    for item in plan.items.order_by("pk")[:2]:
        signed_off(traineeship, item)
    report(traineeship)
    feedback_and_rounds(world, traineeship)
    review = first_progress(traineeship)
    feedback_services.write_self_assessment(
        actor=fresh(traineeship.trainee),
        review=Review.objects.get(pk=review.pk),
        text="I, Tim Trainee, learnt to plan the validation with the nurses.",
    )
    today = timezone.localdate()
    training_services.record_leave(
        actor=fresh(world.office),
        traineeship=traineeship,
        kind="sick",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=10),
        note="Back surgery",
    )
    training_services.discontinue(
        actor=fresh(world.office), traineeship=traineeship, reason="Tim moved abroad."
    )
    traineeship.refresh_from_db()
    return traineeship


def where_found(*needles: str) -> list[str]:
    """Every row of every table with one of the needles in any text column (JSON included)."""
    from django.apps import apps
    from django.db import models
    from django.db.models import Q

    hits = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields or model._meta.proxy or not model._meta.managed:
            continue
        condition = Q()
        for needle in needles:
            for field in fields:
                condition |= Q(**{f"{field.name}__icontains": needle})
        for row in model._base_manager.filter(condition):
            hits.append(f"{model._meta.label}#{row.pk}")
    return hits
