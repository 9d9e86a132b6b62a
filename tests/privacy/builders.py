"""Records for the privacy tests, made through the services the way people make them."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

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
