"""The PDF diploma and supplement, drawn by the app (ReportLab), with a QR code to the public
verification page and the signed credential attached inside."""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from qme.training import selectors as training_selectors
from qme.training.models import RecordStatus

from .credentials import attach_credential
from .models import Diploma

BRAND = (0.043, 0.353, 0.478)


def verification_url(diploma: Diploma) -> str:
    return settings.SITE_URL + reverse("graduation:public_diploma", args=[diploma.number])


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m")
    matrix = list(qr.matrix)
    module = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(
                    x + col * module,
                    y + size - (row + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _ec(value) -> str:
    return f"{Decimal(value).normalize():f}"


def diploma_pdf(diploma: Diploma) -> bytes:
    traineeship = diploma.traineeship
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"QME diploma {diploma.number}")
    width, height = A4
    pdf.setStrokeColorRGB(*BRAND)
    pdf.setLineWidth(3)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFillColorRGB(*BRAND)
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(width / 2, height - 55 * mm, "Qualified Medical Engineer")
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(
        width / 2, height - 65 * mm, "Certified QME diploma · Engineering Doctorate (EngD)"
    )
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(width / 2, height - 95 * mm, "This is to certify that")
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 110 * mm, diploma.holder_name)
    pdf.setFont("Helvetica", 12)
    lines = [
        "has successfully completed the QME designer's programme (120 EC)",
        f"at {traineeship.hospital.name} and {traineeship.university.name},",
        "and is entitled to use the academic degree Engineering Doctorate (EngD).",
        "",
        f"Design project: {traineeship.design_project_title}",
    ]
    for n, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - (125 + 7 * n) * mm, line)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(25 * mm, 45 * mm, f"Diploma number: {diploma.number}")
    issued = timezone.localtime(diploma.issued_at)
    pdf.drawString(25 * mm, 39 * mm, f"Issued: {issued:%d %B %Y}")
    pdf.drawString(25 * mm, 33 * mm, "Verify: scan the code, or visit")
    pdf.drawString(25 * mm, 27 * mm, verification_url(diploma))
    _qr(pdf, verification_url(diploma), width - 65 * mm, 22 * mm, 40 * mm)
    pdf.showPage()
    pdf.save()
    return attach_credential(buffer.getvalue(), diploma.credential)


def supplement_pdf(diploma: Diploma) -> bytes:
    traineeship = diploma.traineeship
    progress = training_selectors.progress(traineeship)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"QME diploma supplement {diploma.number}")
    width, height = A4
    y = height - 25 * mm

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 6) -> None:
        nonlocal y
        if y < 25 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(20 * mm, y, text[:110])
        y -= gap * mm

    line("Diploma supplement — Qualified Medical Engineer (EngD)", 16, True, 9)
    line(f"Holder: {diploma.holder_name}")
    line(f"Diploma number: {diploma.number}")
    line(f"Hospital: {traineeship.hospital.name}")
    line(f"University: {traineeship.university.name}")
    line(f"Design project: {traineeship.design_project_title}", gap=9)
    line("Components", 12, True, 7)
    for item, record in progress.items:
        if record is None or record.status != RecordStatus.SIGNED_OFF:
            continue
        period = f"{item.planned_start:%Y-%m-%d} to {record.completed_on:%Y-%m-%d}"
        line(f"{item.title} — {_ec(item.ec)} EC — {period}")
    line(f"Total signed off: {_ec(progress.earned)} EC", bold=True, gap=9)
    line("Assessment of the design output", 12, True, 7)
    for assessment in traineeship.assessments.filter(agreed_at__isnull=False):
        with translation.override("en"):  # the supplement is in English, like the diploma
            deliverable = assessment.get_deliverable_display()
        line(
            f"{deliverable}: artefact {assessment.artefact_grade}/5, "
            f"process {assessment.process_grade}/5"
        )
    _qr(pdf, verification_url(diploma), width - 50 * mm, 20 * mm, 30 * mm)
    pdf.showPage()
    pdf.save()
    return attach_credential(buffer.getvalue(), diploma.credential)


def statement_pdf(traineeship) -> bytes:
    """For a discontinued trainee: the components completed, instead of a diploma."""
    progress = training_selectors.progress(traineeship)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("QME statement of completed components")
    y = A4[1] - 25 * mm
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, y, "Statement of completed components")
    y -= 10 * mm
    pdf.setFont("Helvetica", 10)
    for text in (
        f"{traineeship.trainee.full_name}",
        f"{traineeship.hospital.name} · {traineeship.university.name}",
        f"Traineeship {traineeship.start_date:%Y-%m-%d} – discontinued",
        "",
    ):
        pdf.drawString(20 * mm, y, text)
        y -= 6 * mm
    for item, record in progress.items:
        if record is not None and record.status == RecordStatus.SIGNED_OFF:
            pdf.drawString(
                20 * mm,
                y,
                f"{item.title[:80]} — {_ec(item.ec)} EC — completed {record.completed_on:%Y-%m-%d}",
            )
            y -= 6 * mm
            if y < 25 * mm:
                pdf.showPage()
                y = A4[1] - 25 * mm
    pdf.drawString(20 * mm, y - 4 * mm, f"Total: {_ec(progress.earned)} EC")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
