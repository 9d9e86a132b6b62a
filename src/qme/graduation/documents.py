"""The PDF diploma and supplement, drawn by the app (ReportLab), with a QR code to the public
verification page and the signed credential attached inside.

Language: every document is bilingual, Dutch first and English beside or beneath it, and the
same whoever downloads it and whatever language they read the app in. That is what a Dutch
diploma looks like: the certificate (getuigschrift) of a Dutch programme is worded in Dutch, the
language of the Dutch higher-education act, with the English text that employers and
institutions abroad read, and the diploma supplement follows the European model, whose labels
are English. One bilingual document serves the graduate at home and abroad; a diploma that
changed with the reader's language setting would be two different documents for one diploma
number, and a copy printed by a Dutch reader could not be compared with one printed abroad.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from qme.training import selectors as training_selectors
from qme.training.models import RecordStatus

from .credentials import attach_credential
from .models import Diploma

BRAND = (0.043, 0.353, 0.478)
GREY = (0.33, 0.33, 0.33)

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def verification_url(diploma: Diploma) -> str:
    return settings.SITE_URL + reverse("graduation:public_diploma", args=[diploma.number])


def date_nl(day: dt.date) -> str:
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def date_en(day: dt.date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


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


def _centred(pdf: canvas.Canvas, text: str, y: float, font: str, size: int, width: float) -> None:
    """Centred text, shrunk to fit between the margins when it is long (a long name)."""
    while size > 7 and pdf.stringWidth(text, font, size) > width - 50 * mm:
        size -= 1
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, text)


def diploma_pdf(diploma: Diploma) -> bytes:
    traineeship = diploma.traineeship
    hospital, university = traineeship.hospital.name, traineeship.university.name
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"QME-getuigschrift / QME diploma {diploma.number}")
    pdf.setAuthor("QME Programme Office")
    width, height = A4
    pdf.setStrokeColorRGB(*BRAND)
    pdf.setLineWidth(3)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFillColorRGB(*BRAND)
    _centred(pdf, "Qualified Medical Engineer", height - 45 * mm, "Helvetica-Bold", 26, width)
    _centred(
        pdf,
        "Getuigschrift · Engineering Doctorate (EngD)",
        height - 55 * mm,
        "Helvetica",
        14,
        width,
    )
    _centred(
        pdf,
        "Certified QME diploma · Engineering Doctorate (EngD)",
        height - 62 * mm,
        "Helvetica-Oblique",
        11,
        width,
    )
    pdf.setFillColorRGB(0, 0, 0)
    _centred(pdf, "Hierbij wordt verklaard dat", height - 82 * mm, "Helvetica", 12, width)
    pdf.setFillColorRGB(*GREY)
    _centred(pdf, "This is to certify that", height - 88 * mm, "Helvetica-Oblique", 10, width)
    pdf.setFillColorRGB(0, 0, 0)
    _centred(pdf, diploma.holder_name, height - 102 * mm, "Helvetica-Bold", 22, width)
    dutch = [
        "het tweejarige QME-ontwerpersprogramma (120 EC) met goed gevolg heeft afgerond",
        f"bij {hospital} en {university},",
        "en gerechtigd is de graad Engineering Doctorate (EngD) te voeren.",
    ]
    english = [
        "has successfully completed the two-year QME designer's programme (120 EC)",
        f"at {hospital} and {university},",
        "and is entitled to use the academic degree Engineering Doctorate (EngD).",
    ]
    y = height - 116 * mm
    for line in dutch:
        _centred(pdf, line, y, "Helvetica", 12, width)
        y -= 6.5 * mm
    y -= 2 * mm
    pdf.setFillColorRGB(*GREY)
    for line in english:
        _centred(pdf, line, y, "Helvetica-Oblique", 10, width)
        y -= 5.5 * mm
    pdf.setFillColorRGB(0, 0, 0)
    y -= 6 * mm
    _centred(pdf, "Ontwerpproject / Design project:", y, "Helvetica", 11, width)
    _centred(pdf, traineeship.design_project_title, y - 6 * mm, "Helvetica-Bold", 12, width)
    issued = timezone.localtime(diploma.issued_at).date()
    pdf.setFont("Helvetica", 10)
    for n, text in enumerate(
        (
            f"Diplomanummer / Diploma number: {diploma.number}",
            f"Uitgereikt op {date_nl(issued)} / Issued on {date_en(issued)}",
            "Controleren: scan de code, of ga naar / Verify: scan the code, or visit",
            verification_url(diploma),
        )
    ):
        pdf.drawString(25 * mm, (51 - 6 * n) * mm, text)
    _qr(pdf, verification_url(diploma), width - 65 * mm, 22 * mm, 40 * mm)
    pdf.showPage()
    pdf.save()
    return attach_credential(buffer.getvalue(), diploma.credential)


class _Writer:
    """Lines of text down A4 pages, wrapped to the width, a new page when one is full."""

    def __init__(self, pdf: canvas.Canvas) -> None:
        self.pdf = pdf
        self.width, self.height = A4
        self.y = self.height - 25 * mm

    def line(self, text: str, size: int = 10, bold: bool = False, gap: float = 6) -> None:
        font = "Helvetica-Bold" if bold else "Helvetica"
        for part in simpleSplit(text, font, size, self.width - 40 * mm) or [""]:
            if self.y < 25 * mm:
                self.pdf.showPage()
                self.y = self.height - 25 * mm
            self.pdf.setFont(font, size)
            self.pdf.drawString(20 * mm, self.y, part)
            self.y -= gap * mm

    def skip(self, gap: float = 3) -> None:
        self.y -= gap * mm


def _signed_off(progress) -> Iterable:
    for item, record in progress.items:
        if record is not None and record.status == RecordStatus.SIGNED_OFF:
            yield item, record


def supplement_pdf(diploma: Diploma) -> bytes:
    """Every component with its EC and dates, the design project and its assessment, the
    hospital and the university; bilingual labels (see the module's note)."""
    traineeship = diploma.traineeship
    progress = training_selectors.progress(traineeship)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Diplomasupplement / Diploma supplement {diploma.number}")
    pdf.setAuthor("QME Programme Office")
    out = _Writer(pdf)
    out.line("Diplomasupplement / Diploma supplement", 16, True, 7)
    out.line("Qualified Medical Engineer — Engineering Doctorate (EngD)", 12, False, 9)
    issued = timezone.localtime(diploma.issued_at).date()
    for text in (
        f"Houder / Holder: {diploma.holder_name}",
        f"Diplomanummer / Diploma number: {diploma.number}",
        f"Uitgereikt / Issued: {date_nl(issued)} / {date_en(issued)}",
        f"Ziekenhuis / Hospital: {traineeship.hospital.name}",
        f"Universiteit / University: {traineeship.university.name}",
        f"Ontwerpproject / Design project: {traineeship.design_project_title}",
        "Programma / Programme: 120 EC, twee jaar / two years, 4TU Stan Ackermans Institute",
    ):
        out.line(text)
    out.skip()
    out.line("Onderdelen / Components", 12, True, 7)
    for item, record in _signed_off(progress):
        period = f"{item.planned_start:%Y-%m-%d} to {record.completed_on:%Y-%m-%d}"
        out.line(f"{item.title} — {_ec(item.ec)} EC — {period}")
    out.line(f"Totaal afgetekend / Total signed off: {_ec(progress.earned)} EC", bold=True, gap=9)
    out.line("Beoordeling van het ontwerp / Assessment of the design output", 12, True, 7)
    for assessment in traineeship.assessments.filter(agreed_at__isnull=False):
        with translation.override("nl"):
            deliverable_nl = assessment.get_deliverable_display()
        with translation.override("en"):
            deliverable_en = assessment.get_deliverable_display()
        label = (
            deliverable_en
            if deliverable_nl == deliverable_en
            else f"{deliverable_nl} / {deliverable_en}"
        )
        out.line(
            f"{label}: artefact {assessment.artefact_grade}/5, process {assessment.process_grade}/5"
        )
        if assessment.rationale.strip():
            out.line(" ".join(assessment.rationale.split()), 9, gap=5)
    _qr(pdf, verification_url(diploma), out.width - 50 * mm, 20 * mm, 30 * mm)
    pdf.showPage()
    pdf.save()
    return attach_credential(buffer.getvalue(), diploma.credential)


def statement_pdf(traineeship) -> bytes:
    """For a discontinued trainee: the components completed, instead of a diploma (bilingual,
    like the diploma)."""
    progress = training_selectors.progress(traineeship)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("Verklaring van afgeronde onderdelen / Statement of completed components")
    pdf.setAuthor("QME Programme Office")
    out = _Writer(pdf)
    out.line("Verklaring van afgeronde onderdelen", 16, True, 7)
    out.line("Statement of completed components", 12, False, 9)
    for text in (
        traineeship.trainee.full_name,
        f"{traineeship.hospital.name} · {traineeship.university.name}",
        f"Traineeship {traineeship.start_date:%Y-%m-%d} – beëindigd / discontinued",
    ):
        out.line(text)
    out.skip()
    for item, record in _signed_off(progress):
        out.line(
            f"{item.title[:80]} — {_ec(item.ec)} EC — completed {record.completed_on:%Y-%m-%d}"
        )
    out.skip(2)
    out.line(f"Totaal / Total: {_ec(progress.earned)} EC")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
