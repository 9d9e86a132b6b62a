"""What the selection browser tests set up through the services, not the browser: an open,
published position, committee members, and small but valid PDF files to upload."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qme.positions import services as positions
from qme.positions.models import Position

from ..factories import DepartmentFactory


def pdf_bytes(label: str) -> bytes:
    """A small PDF: the upload is checked by its content (it starts with %PDF-), not its name."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        + f"% {label}\n".encode()
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_file(name: str) -> dict:
    """A file for Playwright's set_input_files."""
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(name)}


def open_position(world, title: str, *, start_in_days: int = 200) -> Position:
    """A hospital request, submitted, approved by the office and published: open for
    applications, with the position's start, university and supervisors taken from the request."""
    coordinator, office = world.coordinator_a, world.office
    request = positions.create_request(
        actor=coordinator,
        hospital=world.hospital_a,
        title=title,
        department=DepartmentFactory(organisation=world.hospital_a, name=f"Dept. {title[:40]}"),
        clinical_problem="Nurses on the ICU hear hundreds of alarms a day.",
        project_outline="Design and test an alarm filter on one ICU ward.",
        expected_result="Half the non-actionable alarms, none missed.",
        medical_doctor=world.doctor_a,
        hospital_supervisor=world.supervisor_a,
        intended_start=timezone.localdate() + dt.timedelta(days=start_in_days),
        commits_employment=True,
        commits_funding=True,
        commits_workplace=True,
        training_climate="Two clinical physicists and a biomedical engineer.",
    )
    request = positions.submit_request(actor=coordinator, request=request)
    position = positions.approve_request(
        actor=office,
        request=request,
        university=world.university,
        university_supervisor=world.university_supervisor,
    )
    positions.update_position(
        actor=office,
        position=position,
        changes={
            "title_en": title,
            "title_nl": f"AIOS QME: {title}",
            "description_en": "You design an alarm strategy for infusion pumps with ICU doctors.",
            "description_nl": "Je ontwerpt een alarmstrategie voor infuuspompen met IC-artsen.",
        },
    )
    return positions.publish_position(actor=office, position=position)
