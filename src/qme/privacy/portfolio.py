"""portfolio.pdf: the trainee's record as a readable document, drawn with ReportLab in the house
style of the diploma (Helvetica, the programme's blue), in the trainee's language. Drawn from the
same record as record.json, so the two never disagree."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BRAND = colors.Color(0.043, 0.353, 0.478)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontName="Helvetica-Bold", textColor=BRAND, fontSize=22
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base["Heading1"],
            fontName="Helvetica-Bold",
            textColor=BRAND,
            fontSize=15,
            spaceBefore=10,
        ),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=11),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5),
        "muted": ParagraphStyle(
            "muted",
            parent=base["BodyText"],
            fontName="Helvetica",
            fontSize=8.5,
            textColor=colors.grey,
        ),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName="Helvetica", fontSize=8.5),
    }


def _date(value: str | None) -> str:
    if not value:
        return "—"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return formats.date_format(parsed.date() if "T" in value else parsed, "DATE_FORMAT")


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return escape(str(value)).replace("\n", "<br/>")


class _Doc:
    def __init__(self) -> None:
        self.styles = _styles()
        self.flow: list[Any] = []

    def h1(self, text: str) -> None:
        self.flow.append(Paragraph(_text(text), self.styles["h1"]))

    def h2(self, text: str) -> None:
        self.flow.append(Paragraph(_text(text), self.styles["h2"]))

    def p(self, text: str, style: str = "body") -> None:
        self.flow.append(Paragraph(text, self.styles[style]))

    def field(self, label: str, value: Any) -> None:
        if value not in (None, "", []):
            self.p(f"<b>{_text(label)}:</b> {_text(value)}")

    def none(self) -> None:
        self.p(_text(_("Nothing recorded.")), "muted")

    def table(self, header: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        cell = self.styles["cell"]
        data = [[Paragraph(f"<b>{_text(h)}</b>", cell) for h in header]]
        data += [[Paragraph(_text(v), cell) for v in row] for row in rows]
        table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.flow.append(table)
        self.flow.append(Spacer(1, 3 * mm))


def portfolio_pdf(record: dict[str, Any]) -> bytes:
    """The portfolio of one traineeship's record (see services.trainee_record). Call it with the
    trainee's language active."""
    t = record["traineeship"]
    name = record["trainee"]["name"]
    doc = _Doc()
    doc.flow.append(Paragraph(_text(_("Portfolio")), doc.styles["title"]))
    doc.p(
        f"<b>{_text(name)}</b> · Qualified Medical Engineer (EngD)",
    )
    doc.p(
        _text(_("Exported on %(date)s") % {"date": _date(record["exported"].isoformat())}), "muted"
    )

    doc.h1(_("Traineeship"))
    doc.field(_("Hospital"), t.get("hospital"))
    doc.field(_("University"), t.get("university"))
    doc.field(_("Start date"), _date(t.get("start date")))
    doc.field(_("Expected end date"), _date(t.get("expected end date")))
    doc.field(_("Status"), t.get("status"))
    doc.field(_("Cohort"), t.get("cohort"))
    doc.field(_("University supervisor"), t.get("university supervisor"))
    doc.field(_("Hospital supervisor"), t.get("hospital supervisor"))
    doc.field(_("Medical doctor"), t.get("medical doctor"))

    doc.h1(_("Training plan"))
    plans = t.get("plan versions") or []
    if plans:
        plan = plans[-1]
        doc.p(
            _text(
                _("Version %(version)s — %(status)s")
                % {"version": plan["version"], "status": plan["status"]}
            )
        )
        doc.table(
            [_("Component"), _("Kind"), _("EC"), _("Planned")],
            [
                [
                    item["title"],
                    item["kind"],
                    item["EC"],
                    f"{_date(item['planned start'])} – {_date(item['planned end'])}",
                ]
                for item in plan["items"]
            ],
            [70, 35, 15, 50],
        )
        if len(plans) > 1:
            doc.p(_text(_("%(count)s versions in all.") % {"count": len(plans)}), "muted")
    else:
        doc.none()

    doc.h1(_("Completed components"))
    done = t.get("completed items") or []
    if done:
        doc.table(
            [_("Component"), _("Completed on"), _("Result"), _("Status"), _("Evidence")],
            [
                [
                    r["title"],
                    _date(r["completed on"]),
                    r["grade or result"],
                    r["status"],
                    r["evidence file"],
                ]
                for r in done
            ],
            [50, 25, 20, 30, 45],
        )
    else:
        doc.none()

    doc.h1(_("Design project"))
    project = t.get("design project")
    if project:
        doc.field(_("Title"), project["title"])
        doc.field(_("Problem statement"), project["problem statement"])
        doc.field(_("Goals"), project["goals"])
        doc.table(
            [_("Milestone"), _("Due"), _("Reached"), _("Deliverables")],
            [
                [
                    m["title"],
                    _date(m["due"]),
                    _date(m["reached"]),
                    ", ".join(f"{d['file name']} (v{d['version']})" for d in m["deliverables"]),
                ]
                for m in project["milestones"]
            ],
            [45, 25, 25, 75],
        )
    else:
        doc.none()

    doc.h1(_("Feedback"))
    feedback = t.get("feedback received") or []
    for f in feedback:
        doc.h2(f"{_date(f['given'])} — {f['by']} ({f['side']})")
        doc.field(_("About"), f["about"])
        doc.field(_("Competencies"), ", ".join(f["competencies"]))
        doc.field(_("Rating"), f"{f['rating']}/5")
        doc.field(_("What went well"), f["what went well"])
        doc.field(_("What to improve"), f["what to improve"])
        doc.field(_("The agreed next step"), f["the agreed next step"])
        for response in f["responses"]:
            doc.field(_("Response by %(name)s") % {"name": response["by"]}, response["text"])
    if not feedback:
        doc.none()

    doc.h1(_("Multisource feedback"))
    rounds = t.get("multisource feedback") or []
    for r in rounds:
        doc.h2(r["title"])
        doc.p(
            _text(
                _("%(answers)s of %(asked)s people answered.")
                % {"answers": r["answers"], "asked": r["people asked"]}
            )
        )
        if not r["results visible"]:
            doc.p(_text(_("The results are shown once enough people have answered.")), "muted")
            continue
        if r["averages"]:
            doc.table(
                [_("Competency"), _("Average"), _("Answers")],
                [[a["competency"], a["average"], a["answers"]] for a in r["averages"]],
                [100, 30, 30],
            )
        for comment in r["comments"]:
            if "from" in comment:
                doc.p(f"<b>{_text(comment['from'])}</b>")
            doc.field(_("What went well"), comment["what went well"])
            doc.field(_("What to improve"), comment["what to improve"])
    if not rounds:
        doc.none()

    doc.h1(_("Progress reviews"))
    reviews = [r for r in t.get("reviews") or [] if r["held on"] or r["self-assessment"]]
    for r in reviews:
        doc.h2(f"{r['kind']} — {_date(r['held on'] or r['due'])}")
        doc.field(_("Outcome"), r["outcome"])
        doc.field(_("Self-assessment"), r["self-assessment"])
        doc.field(_("Agreed actions"), r["agreed actions"])
    if not reviews:
        doc.none()

    doc.h1(_("Assessment of the design output"))
    assessments = t.get("assessments") or []
    for a in assessments:
        doc.h2(a["what is assessed"])
        if a["agreed"]:
            doc.field(_("The artefact"), f"{a['the artefact']}/5")
            doc.field(_("The design process"), f"{a['the design process']}/5")
            doc.field(_("Rationale of the final judgement"), a["rationale of the final judgement"])
            doc.field(_("Agreed on"), _date(a["agreed"]))
        else:
            doc.p(_text(_("Not yet agreed.")), "muted")
    if not assessments:
        doc.none()

    doc.h1(_("Diploma"))
    diplomas = t.get("diplomas") or []
    for d in diplomas:
        doc.field(_("Diploma number"), d["number"])
        doc.field(_("Holder"), d["holder"])
        doc.field(_("Issued"), _date(d["issued"]))
        if d["revoked"]:
            doc.field(_("Revoked"), _date(d["revoked"]))
        doc.field(_("Files"), ", ".join(d["files"]))
    if not diplomas:
        doc.none()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{_('Portfolio')} — {name}",
        author="QME Programme Office",
    )

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(20 * mm, 10 * mm, f"{name} · {_('Portfolio')}")
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, str(document.page))
        canvas.restoreState()

    pdf.build(doc.flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
