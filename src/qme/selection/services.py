"""State changes of selection: one function per change, each checking the person and the
transition, saving, auditing, and e-mailing after commit. Views, API and commands call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qme.accounts.models import User
from qme.audit.services import forget_actor, forget_personal_data, record_event
from qme.core.errors import ActionRefused, NotAllowed
from qme.core.files import validate_pdf
from qme.core.mail import notify_people
from qme.core.permissions import require
from qme.notifications import privacy as notifications_privacy
from qme.organisations.models import Role, RoleKind
from qme.positions.models import Position, PositionStatus
from qme.training import services as training_services
from qme.training.models import Traineeship

from . import rubric
from .models import (
    CEFR_ORDER,
    IN_PROCEDURE,
    Application,
    ApplicationStatus,
    CommitteeMember,
    ConflictOfInterest,
    Criterion,
    Decision,
    DecisionStatus,
    DutchEvidence,
    Interview,
    Offer,
    OfferStatus,
    ReasonRequest,
    Score,
    ScoreSheet,
    Side,
    Stage,
    StageKind,
)
from .rules import committee_seat

APPLICATION_FIELDS = (
    "phone",
    "city",
    "master_field",
    "master_university",
    "master_date",
    "master_completed",
    "dutch_level",
    "dutch_evidence_kind",
    "dutch_certificate_date",
    "keep_for_a_year",
)
DOCUMENTS = ("cv", "motivation", "diploma", "dutch_evidence")
RETENTION = dt.timedelta(weeks=4)
RETENTION_WITH_CONSENT = dt.timedelta(days=365)


# --- Notifications ---


def _application_context(application: Application, **extra: Any) -> dict[str, Any]:
    position = application.position
    return {
        "title": position.title(application.applicant.language),
        "hospital": position.hospital.name,
        "path": reverse("selection:application_detail", args=[application.pk]),
        **extra,
    }


def _members(position: Position) -> list[User]:
    return [m.user for m in position.committee.select_related("user")]


def _office() -> list[User]:
    roles = Role.objects.current().filter(kind=RoleKind.PROGRAMME_OFFICE)
    return list(User.objects.filter(pk__in=roles.values("user_id"), is_active=True))


def _set_status(application: Application, status: str, reason: str = "") -> None:
    if not application.can_become(status):
        raise ActionRefused(
            _("An application that is “{current}” cannot become “{new}”.").format(
                current=application.get_status_display(), new=ApplicationStatus(status).label
            ),
            code="invalid_state",
        )
    application.status = status
    application.status_reason = reason
    application.status_changed_at = timezone.now()
    application.updated_at = application.status_changed_at
    application.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("position__hospital", "position__university", "applicant")
        .get(pk=application.pk)
    )


# --- Applying ---


@transaction.atomic
def start_application(*, actor: User, position: Position) -> Application:
    """Open a draft application; one per person and position."""
    if not position.is_open_for_applications:
        raise ActionRefused(_("This position is not open for applications."), code="closed")
    existing = Application.objects.filter(position=position, applicant=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(position=position, applicant=actor)
    except IntegrityError:  # a second tab created it at the same moment
        return Application.objects.get(position=position, applicant=actor)
    record_event(actor=actor, action="application.started", target=application)
    return application


@transaction.atomic
def update_application(
    *, actor: User, application: Application, changes: dict[str, Any]
) -> Application:
    application = _lock(application)
    require(actor, "selection.edit_application", application)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE):
        raise ActionRefused(_("A submitted application cannot be changed."), code="invalid_state")
    unknown = set(changes) - set(APPLICATION_FIELDS)
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    changed = [f for f, v in changes.items() if getattr(application, f) != v]
    if not changed:
        return application
    for field in changed:
        setattr(application, field, changes[field])
    if "keep_for_a_year" in changed:
        application.consent_recorded_at = timezone.now()
        changed.append("consent_recorded_at")
    application.updated_at = timezone.now()
    application.full_clean()
    application.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor, action="application.updated", target=application, data={"fields": changed}
    )
    return application


@transaction.atomic
def upload_document(
    *, actor: User, application: Application, kind: str, uploaded: UploadedFile
) -> Application:
    application = _lock(application)
    require(actor, "selection.edit_application", application)
    if kind not in DOCUMENTS:
        raise ActionRefused(_("Unknown document."))
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE):
        raise ActionRefused(_("A submitted application cannot be changed."), code="invalid_state")
    name = validate_pdf(uploaded, field=kind)
    old = getattr(application, kind)
    if old:
        old.delete(save=False)
    getattr(application, kind).save(name, uploaded, save=False)
    application.updated_at = timezone.now()
    application.save(update_fields=[kind, "updated_at"])
    record_event(
        actor=actor,
        action="application.document_uploaded",
        target=application,
        data={"document": kind},
    )
    return application


@transaction.atomic
def set_consent(*, actor: User, application: Application, keep_for_a_year: bool) -> Application:
    """The applicant's consent to keep their data for a year may change at any time."""
    application = _lock(application)
    require(actor, "selection.edit_application", application)
    if application.data_deleted_at is not None:
        raise ActionRefused(_("The data of this application has already been deleted."))
    if application.keep_for_a_year == keep_for_a_year:
        return application
    application.keep_for_a_year = keep_for_a_year
    application.consent_recorded_at = timezone.now()
    application.save(update_fields=["keep_for_a_year", "consent_recorded_at"])
    record_event(
        actor=actor,
        action="application.consent_given" if keep_for_a_year else "application.consent_withdrawn",
        target=application,
    )
    return application


MISSING = (
    ("cv", gettext_lazy("Upload your CV (PDF).")),
    ("motivation", gettext_lazy("Upload your motivation letter (PDF).")),
    ("diploma", gettext_lazy("Upload your master's diploma or transcript (PDF).")),
    ("master_field", gettext_lazy("Give the field of your master's degree.")),
    ("master_university", gettext_lazy("Give the university of your master's degree.")),
    ("master_date", gettext_lazy("Give the date (or expected date) of your master's degree.")),
    ("dutch_level", gettext_lazy("Give your level of Dutch.")),
    ("dutch_evidence_kind", gettext_lazy("Say how you show your level of Dutch.")),
)


def missing_for_submission(application: Application) -> list[str]:
    missing = [str(message) for field, message in MISSING if not getattr(application, field)]
    kind = application.dutch_evidence_kind
    if kind and kind != DutchEvidence.FIRST_LANGUAGE and not application.dutch_evidence:
        missing.append(_("Upload the evidence of your Dutch (PDF)."))
    if kind == DutchEvidence.CERTIFICATE and not application.dutch_certificate_date:
        missing.append(_("Give the date of your language certificate."))
    return missing


def eligibility_problems(application: Application) -> list[str]:
    """Why an application is not eligible: master's degree by the start date, Dutch at the
    position's level. Empty when eligible."""
    position = application.position
    problems = []
    if application.master_date and application.master_date > position.start_date:
        problems.append(
            _(
                "Your master's degree ({date}) is expected after the start "
                "of the position ({start})."
            ).format(
                date=application.master_date.isoformat(), start=position.start_date.isoformat()
            )
        )
    level, required = application.dutch_level, position.required_dutch_level
    kind = application.dutch_evidence_kind
    if kind in (DutchEvidence.FIRST_LANGUAGE, DutchEvidence.DUTCH_DEGREE):
        pass  # Dutch as first language, or a Dutch-taught degree, meets every level
    elif kind == DutchEvidence.NT2_II:
        # The certificate shows B2, whatever level the applicant states.
        if CEFR_ORDER["B2"] < CEFR_ORDER.get(required, 0):
            problems.append(
                _(
                    "The NT2 Programme II certificate shows level B2; "
                    "this position asks for {required}."
                ).format(required=required)
            )
    elif level and CEFR_ORDER.get(level, -1) < CEFR_ORDER.get(required, 0):
        problems.append(
            _(
                "This position asks for Dutch at level {required} or higher; you gave {level}."
            ).format(required=required, level=level)
        )
    return problems


@transaction.atomic
def submit_application(*, actor: User, application: Application) -> Application:
    """Check completeness and eligibility. An ineligible application is kept, with the reasons."""
    application = _lock(application)
    require(actor, "selection.edit_application", application)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE):
        raise ActionRefused(
            _("This application has already been submitted."), code="already_submitted"
        )
    if not application.position.is_open_for_applications:
        raise ActionRefused(_("The application deadline has passed."), code="closed")
    missing = missing_for_submission(application)
    if missing:
        raise ActionRefused(" ".join(missing), code="incomplete")
    problems = eligibility_problems(application)
    application.eligibility_problems = problems
    application.submitted_at = timezone.now()
    application.save(update_fields=["eligibility_problems", "submitted_at"])
    new_status = ApplicationStatus.INELIGIBLE if problems else ApplicationStatus.SUBMITTED
    if application.status != new_status:
        _set_status(application, new_status)
    record_event(
        actor=actor,
        action="application.submitted" if not problems else "application.ineligible",
        target=application,
        data={"problems": problems},
    )
    notify_people(
        [application.applicant],
        "application_received",
        _application_context(application, problems=problems),
    )
    return application


@transaction.atomic
def admit_application(*, actor: User, application: Application, reason: str) -> Application:
    application = _lock(application)
    require(actor, "selection.admit_application", application)
    if application.status != ApplicationStatus.INELIGIBLE:
        raise ActionRefused(
            _("Only an application found not eligible can be admitted."), code="invalid_state"
        )
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    application.admitted_by = actor
    application.admitted_reason = reason.strip()
    application.save(update_fields=["admitted_by", "admitted_reason"])
    _set_status(application, ApplicationStatus.SUBMITTED, reason.strip())
    record_event(
        actor=actor, action="application.admitted", target=application, reason=reason.strip()
    )
    notify_people(
        [application.applicant],
        "application_status",
        _application_context(application, status=application.get_status_display(), reason=""),
    )
    return application


@transaction.atomic
def withdraw_application(*, actor: User, application: Application, reason: str = "") -> Application:
    application = _lock(application)
    require(actor, "selection.edit_application", application)
    _set_status(application, ApplicationStatus.WITHDRAWN, reason.strip())
    Offer.objects.filter(application=application, status=OfferStatus.PENDING).update(
        status=OfferStatus.DECLINED, responded_at=timezone.now()
    )
    record_event(
        actor=actor, action="application.withdrawn", target=application, reason=reason.strip()
    )
    return application


# --- The committee ---


def committee_problems(position: Position) -> list[str]:
    members = list(position.committee.all())
    problems = []
    for side, label in Side.choices:
        on_side = [m for m in members if m.side == side]
        if not on_side:
            problems.append(
                _("The committee needs a member from the {side}.").format(side=str(label).lower())
            )
        elif not any(m.is_chair for m in on_side):
            problems.append(
                _("The committee needs a chair from the {side}.").format(side=str(label).lower())
            )
    return problems


@transaction.atomic
def add_committee_member(
    *, actor: User, position: Position, person: User, side: str, is_chair: bool = False
) -> CommitteeMember:
    require(actor, "selection.manage_committee", position)
    organisation_id = position.university_id if side == Side.UNIVERSITY else position.hospital_id
    if not Role.objects.current().filter(user=person, organisation_id=organisation_id).exists():
        raise ValidationError(
            {
                "person": _(
                    "Choose someone who holds a role at the {side} of this position."
                ).format(side=Side(side).label.lower())
            }
        )
    if position.committee.filter(user=person).exists():
        raise ActionRefused(_("This person is already on the committee."), code="duplicate")
    if is_chair and position.committee.filter(side=side, is_chair=True).exists():
        raise ActionRefused(_("This side already has a chair."), code="duplicate_chair")
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(
                position=position, user=person, side=side, is_chair=is_chair
            )
    except IntegrityError as exc:
        raise ActionRefused(
            _("This person is already on the committee."), code="duplicate"
        ) from exc
    ensure_stages(position)
    record_event(
        actor=actor,
        action="committee.member_added",
        target=position,
        data={"member": person.full_name, "side": side, "chair": is_chair},
    )
    notify_people(
        [person],
        "committee_assigned",
        {
            "title": position.title_en,
            "hospital": position.hospital.name,
            "path": reverse("selection:procedure", args=[position.pk]),
            "chair": is_chair,
        },
    )
    return member


@transaction.atomic
def remove_committee_member(*, actor: User, member: CommitteeMember) -> None:
    require(actor, "selection.manage_committee", member.position)
    if member.sheets.filter(submitted_at__isnull=False).exists():
        raise ActionRefused(
            _("This member has submitted scores and stays on the committee."), code="has_scores"
        )
    position = member.position
    name = member.user.full_name
    member.delete()
    record_event(
        actor=actor, action="committee.member_removed", target=position, data={"member": name}
    )


@transaction.atomic
def declare_conflict(*, actor: User, application: Application, reason: str) -> ConflictOfInterest:
    member = committee_seat(actor, application.position)
    if member is None:
        raise NotAllowed(_("Only committee members declare a conflict of interest."))
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    if member.sheets.filter(application=application, submitted_at__isnull=False).exists():
        raise ActionRefused(_("You have already scored this candidate."), code="already_scored")
    conflict, created = ConflictOfInterest.objects.get_or_create(
        member=member, application=application, defaults={"reason": reason.strip()}
    )
    if created:
        ScoreSheet.objects.filter(member=member, application=application).delete()
        record_event(
            actor=actor,
            action="committee.conflict_declared",
            target=application,
            reason=reason.strip(),
        )
    return conflict


def ensure_stages(position: Position) -> list[Stage]:
    """Give the position the default procedure, unless it has one."""
    if position.stages.exists():
        return list(position.stages.all())
    for order, kind in enumerate(rubric.DEFAULT_STAGES, start=1):
        stage = Stage.objects.create(position=position, order=order, kind=kind)
        if kind in rubric.SCORED_STAGES:
            Criterion.objects.bulk_create(
                Criterion(
                    stage=stage,
                    order=i,
                    name_en=en,
                    name_nl=nl,
                    weight=weight,
                    description_en=d_en,
                    description_nl=d_nl,
                    anchors_en=rubric.ANCHORS_EN,
                    anchors_nl=rubric.ANCHORS_NL,
                )
                for i, (en, nl, weight, d_en, d_nl) in enumerate(rubric.DEFAULT_CRITERIA, start=1)
            )
    return list(position.stages.all())


@transaction.atomic
def update_criterion(*, actor: User, criterion: Criterion, changes: dict[str, Any]) -> Criterion:
    require(actor, "selection.manage_committee", criterion.stage.position)
    if ScoreSheet.objects.filter(stage=criterion.stage, submitted_at__isnull=False).exists():
        raise ActionRefused(
            _("Scores have been submitted in this stage; its rubric can no longer change."),
            code="rubric_in_use",
        )
    allowed = {"name_en", "name_nl", "weight", "description_en", "description_nl"}
    unknown = set(changes) - allowed
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    if "weight" in changes and not 0 < int(changes["weight"]) <= 10:
        raise ValidationError({"weight": _("Use a weight from 1 to 10.")})
    changed = [f for f, v in changes.items() if getattr(criterion, f) != v]
    if not changed:
        return criterion
    for field in changed:
        setattr(criterion, field, changes[field])
    criterion.full_clean()
    criterion.save(update_fields=changed)
    record_event(
        actor=actor,
        action="rubric.criterion_updated",
        target=criterion.stage.position,
        data={"criterion": criterion.name_en, "fields": sorted(changed)},
    )
    return criterion


# --- Scoring ---

SCOREABLE = {
    StageKind.SCREENING: frozenset(
        {ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW}
    ),
    StageKind.INTERVIEW: frozenset({ApplicationStatus.INTERVIEW}),
}


@transaction.atomic
def save_scores(
    *,
    actor: User,
    stage: Stage,
    application: Application,
    scores: dict[int, tuple[int, str]],
    submit: bool,
) -> ScoreSheet:
    """Save a member's scores for a candidate (criterion id → (1–5, justification)). Submitting
    needs every criterion scored with a justification; a submitted sheet is final."""
    application = _lock(application)  # its status now, not when the caller read it
    member = committee_seat(actor, application.position)
    if member is None:
        raise NotAllowed(_("Only members of this committee score its candidates."))
    if stage.position_id != application.position_id:
        raise ActionRefused(_("Only members of this committee score its candidates."))
    if stage.kind not in SCOREABLE or application.status not in SCOREABLE[stage.kind]:
        raise ActionRefused(
            _("This candidate cannot be scored in this stage now."), code="invalid_state"
        )
    if ConflictOfInterest.objects.filter(member=member, application=application).exists():
        raise ActionRefused(
            _("You declared a conflict of interest for this candidate."), code="conflict"
        )
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
        stage=stage, application=application, member=member
    )
    if sheet.submitted_at is not None:
        raise ActionRefused(
            _("You have already submitted your scores for this candidate."),
            code="already_submitted",
        )
    criteria = {c.pk: c for c in stage.criteria.all()}
    errors = {}
    for criterion_id, (value, _justification) in scores.items():
        if criterion_id not in criteria:
            raise ActionRefused(_("Unknown criterion."))
        if value is not None and not 1 <= int(value) <= 5:
            errors[f"score_{criterion_id}"] = _("Choose a score from 1 to 5.")
    if submit:
        for criterion_id in criteria:
            value, justification = scores.get(criterion_id, (None, ""))
            if value is None:
                errors[f"score_{criterion_id}"] = _("Score every criterion before you submit.")
            elif not (justification or "").strip():
                errors[f"justification_{criterion_id}"] = _("Justify every score in writing.")
    if errors:
        raise ValidationError(errors)
    for criterion_id, (value, justification) in scores.items():
        if value is None:
            Score.objects.filter(sheet=sheet, criterion_id=criterion_id).delete()
            continue
        Score.objects.update_or_create(
            sheet=sheet,
            criterion_id=criterion_id,
            defaults={"value": int(value), "justification": (justification or "").strip()},
        )
    sheet.updated_at = timezone.now()
    if submit:
        sheet.submitted_at = sheet.updated_at
    sheet.save(update_fields=["updated_at", "submitted_at"])
    if submit:
        record_event(
            actor=actor,
            action="score.submitted",
            target=application,
            data={"stage": stage.kind, "member": member.pk},
        )
    return sheet


# --- Moving candidates on ---


def _move(
    actor: User, applications: Sequence[Application], status: str, reason: str, action: str
) -> list[Application]:
    if not applications:
        raise ActionRefused(_("Choose at least one candidate."), code="none_chosen")
    positions = {a.position_id for a in applications}
    if len(positions) != 1:
        raise ActionRefused(_("Choose candidates of one position at a time."))
    position = applications[0].position
    require(actor, "selection.move_candidates", position)
    moved = []
    for application in applications:
        application = _lock(application)
        _set_status(application, status, reason)
        record_event(actor=actor, action=action, target=application, reason=reason)
        moved.append(application)
    return moved


@transaction.atomic
def shortlist(*, actor: User, applications: Sequence[Application]) -> list[Application]:
    moved = _move(actor, applications, ApplicationStatus.SHORTLISTED, "", "application.shortlisted")
    for application in moved:
        notify_people(
            [application.applicant],
            "application_status",
            _application_context(application, status=application.get_status_display(), reason=""),
        )
    return moved


@transaction.atomic
def reject(*, actor: User, applications: Sequence[Application], reason: str) -> list[Application]:
    if not reason.strip():
        raise ActionRefused(_("Give the reason for the rejection."), code="reason_required")
    moved = _move(
        actor, applications, ApplicationStatus.REJECTED, reason.strip(), "application.rejected"
    )
    for application in moved:
        notify_people(
            [application.applicant], "application_rejected", _application_context(application)
        )
    return moved


def calendar_invitation(interview: Interview, summary: str, organiser: str) -> str:
    """An iCalendar (RFC 5545) invitation for the interview."""

    def stamp(value: dt.datetime) -> str:
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    def escape(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return (
            text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )

    def quoted(text: str) -> str:  # a parameter value: no escapes, quoted, no quotes or breaks
        return '"' + "".join(" " if c in '"\r\n' else c for c in text) + '"'

    def fold(line: str) -> str:  # lines of at most 75 octets, continued after CRLF and a space
        parts: list[str] = []
        current = ""
        for char in line:
            if len((current + char).encode()) > (74 if parts else 75):
                parts.append(current)
                current = char
            else:
                current += char
        return "\r\n ".join([*parts, current])

    ends = interview.starts_at + dt.timedelta(minutes=interview.duration_minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//QME Programme Office//Selection//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{interview.uid}@qme",
        f"DTSTAMP:{stamp(timezone.now())}",
        f"DTSTART:{stamp(interview.starts_at)}",
        f"DTEND:{stamp(ends)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(interview.location)}",
        f"ORGANIZER;CN={quoted(organiser)}:mailto:noreply@qme.example",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


@transaction.atomic
def invite_to_interview(
    *,
    actor: User,
    applications: Sequence[Application],
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str,
) -> list[Interview]:
    if not location.strip():
        raise ValidationError({"location": _("Give the place or the video link.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a moment in the future.")})
    if not 10 <= duration_minutes <= 480:
        raise ValidationError({"duration_minutes": _("Use a duration from 10 to 480 minutes.")})
    moved = _move(actor, applications, ApplicationStatus.INTERVIEW, "", "application.invited")
    interviews = []
    for application in moved:
        interview = Interview.objects.create(
            application=application,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location.strip(),
            invited_by=actor,
        )
        interviews.append(interview)
        summary = f"QME interview: {application.position.title_en}"
        notify_people(
            [application.applicant],
            "interview_invitation",
            _application_context(
                application,
                starts_at=starts_at,
                location=interview.location,
                duration=duration_minutes,
            ),
            attachments=[
                (
                    "interview.ics",
                    calendar_invitation(interview, summary, actor.full_name),
                    "text/calendar; method=REQUEST",
                )
            ],
        )
    return interviews


# --- The decision ---


@transaction.atomic
def propose_decision(
    *,
    actor: User,
    position: Position,
    candidate: Application,
    reserves: Sequence[Application],
    rationale: str,
    offer_deadline: dt.date,
) -> Decision:
    require(actor, "selection.propose_decision", position)
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.status != PositionStatus.SELECTION:
        raise ActionRefused(
            _("A decision is made once the position is in selection."), code="invalid_state"
        )
    problems = committee_problems(position)
    if problems:
        raise ActionRefused(" ".join(problems), code="committee_incomplete")
    if position.decisions.filter(
        status__in=[DecisionStatus.PROPOSED, DecisionStatus.APPROVED]
    ).exists():
        raise ActionRefused(_("There is already a decision for this position."), code="duplicate")
    ids = [candidate.pk, *(a.pk for a in reserves)]
    fresh = {a.pk: a for a in Application.objects.select_for_update().filter(pk__in=ids)}
    candidate, reserves = fresh[candidate.pk], [fresh[a.pk] for a in reserves if a.pk in fresh]
    chosen = [candidate, *reserves]
    if len(set(ids)) != len(ids):
        raise ValidationError({"reserves": _("A candidate can appear only once.")})
    for application in chosen:
        if application.position_id != position.pk:
            raise ActionRefused(_("Choose candidates of this position."))
    if candidate.status not in (ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW):
        raise ValidationError(
            {"candidate": _("Offer the position to a shortlisted or interviewed candidate.")}
        )
    for application in reserves:
        if application.status not in (ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW):
            raise ValidationError(
                {"reserves": _("Reserves must be shortlisted or interviewed candidates.")}
            )
    if not rationale.strip():
        raise ValidationError({"rationale": _("Give the rationale of the decision.")})
    if offer_deadline <= timezone.localdate():
        raise ValidationError({"offer_deadline": _("Choose a date in the future.")})
    decision = Decision.objects.create(
        position=position,
        candidate=candidate,
        reserves=[a.pk for a in reserves],
        rationale=rationale.strip(),
        offer_deadline=offer_deadline,
        proposed_by=actor,
    )
    record_event(
        actor=actor,
        action="decision.proposed",
        target=position,
        reason=rationale.strip(),
        data={"candidate": candidate.pk, "reserves": decision.reserves},
    )
    chairs = [m.user for m in position.committee.filter(is_chair=True).select_related("user")]
    notify_people(
        chairs,
        "decision_proposed",
        {
            "title": position.title_en,
            "hospital": position.hospital.name,
            "path": reverse("selection:decision", args=[position.pk]),
        },
    )
    return decision


@transaction.atomic
def approve_decision(*, actor: User, decision: Decision) -> Decision:
    decision = Decision.objects.select_for_update().select_related("position").get(pk=decision.pk)
    member = committee_seat(actor, decision.position)
    if member is None or not member.is_chair:
        raise NotAllowed(_("Only the chairs approve the decision."))
    if decision.status != DecisionStatus.PROPOSED:
        raise ActionRefused(
            _("This decision is no longer waiting for approval."), code="invalid_state"
        )
    now = timezone.now()
    if member.side == Side.UNIVERSITY:
        if decision.university_approved_at:
            raise ActionRefused(_("You have already approved."), code="already_approved")
        decision.university_approved_by, decision.university_approved_at = actor, now
    else:
        if decision.hospital_approved_at:
            raise ActionRefused(_("You have already approved."), code="already_approved")
        decision.hospital_approved_by, decision.hospital_approved_at = actor, now
    decision.save()
    record_event(
        actor=actor,
        action="decision.approved",
        target=decision.position,
        data={"side": member.side},
    )
    if decision.university_approved_at and decision.hospital_approved_at:
        decision.status = DecisionStatus.APPROVED
        decision.save(update_fields=["status"])
        _make_offer(decision, decision.candidate)
    return decision


@transaction.atomic
def block_decision(*, actor: User, decision: Decision, reason: str) -> Decision:
    decision = Decision.objects.select_for_update().select_related("position").get(pk=decision.pk)
    member = committee_seat(actor, decision.position)
    if member is None or not member.is_chair:
        raise NotAllowed(_("Only the chairs can block the decision."))
    if decision.status != DecisionStatus.PROPOSED:
        raise ActionRefused(
            _("This decision is no longer waiting for approval."), code="invalid_state"
        )
    if not reason.strip():
        raise ActionRefused(_("Give the reason for blocking."), code="reason_required")
    decision.status = DecisionStatus.BLOCKED
    decision.blocked_by, decision.blocked_at, decision.blocked_reason = (
        actor,
        timezone.now(),
        reason.strip(),
    )
    decision.save()
    record_event(
        actor=actor, action="decision.blocked", target=decision.position, reason=reason.strip()
    )
    notify_people(
        _members(decision.position),
        "decision_blocked",
        {
            "title": decision.position.title_en,
            "hospital": decision.position.hospital.name,
            "path": reverse("selection:decision", args=[decision.position_id]),
            "reason": reason.strip(),
            "by": actor.full_name,
        },
    )
    return decision


def _make_offer(decision: Decision, application: Application) -> Offer:
    application = _lock(application)
    _set_status(application, ApplicationStatus.OFFERED)
    deadline = max(decision.offer_deadline, timezone.localdate() + dt.timedelta(days=3))
    offer = Offer.objects.create(decision=decision, application=application, deadline=deadline)
    record_event(
        actor=None, action="offer.made", target=application, data={"deadline": deadline.isoformat()}
    )
    notify_people(
        [application.applicant], "offer_made", _application_context(application, deadline=deadline)
    )
    return offer


@transaction.atomic
def offer_next_reserve(*, actor: User, decision: Decision) -> Offer:
    decision = Decision.objects.select_for_update().select_related("position").get(pk=decision.pk)
    require(actor, "selection.offer_next", decision.position)
    if decision.status != DecisionStatus.APPROVED:
        raise ActionRefused(
            _("The decision has not been approved by both chairs."), code="invalid_state"
        )
    if decision.offers.filter(status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED]).exists():
        raise ActionRefused(_("An offer is still open or has been accepted."), code="offer_open")
    offered = set(decision.offers.values_list("application_id", flat=True))
    for application_id in decision.reserves:
        if application_id in offered:
            continue
        application = Application.objects.get(pk=application_id)
        if application.status in (ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW):
            offer = _make_offer(decision, application)
            record_event(actor=actor, action="offer.next_reserve", target=application)
            return offer
    raise ActionRefused(_("There is no reserve left to offer the position to."), code="no_reserve")


@transaction.atomic
def respond_to_offer(*, actor: User, offer: Offer, accept: bool) -> Offer:
    offer = (
        Offer.objects.select_for_update()
        .select_related("decision__position", "application")
        .get(pk=offer.pk)
    )
    application = _lock(offer.application)
    if application.applicant_id != actor.pk:
        raise ActionRefused(_("This offer is not yours."), code="not_yours")
    if offer.status != OfferStatus.PENDING:
        raise ActionRefused(_("You have already answered this offer."), code="already_answered")
    if offer.deadline < timezone.localdate():
        raise ActionRefused(_("The deadline to answer this offer has passed."), code="expired")
    offer.status = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    position = offer.decision.position
    if not accept:
        _set_status(application, ApplicationStatus.DECLINED)
        record_event(actor=actor, action="offer.declined", target=application)
        notify_people(
            [m.user for m in position.committee.filter(is_chair=True).select_related("user")]
            + _office(),
            "offer_declined",
            {
                "title": position.title_en,
                "hospital": position.hospital.name,
                "path": reverse("selection:decision", args=[position.pk]),
            },
        )
        return offer
    _set_status(application, ApplicationStatus.ACCEPTED)
    record_event(actor=actor, action="offer.accepted", target=application)
    traineeship = _start_traineeship(application)
    position = Position.objects.select_for_update().get(pk=position.pk)
    position.status = PositionStatus.FILLED
    position.status_changed_at = position.procedure_ended_at = timezone.now()
    position.save(update_fields=["status", "status_changed_at", "procedure_ended_at"])
    record_event(
        actor=actor, action="position.filled", target=position, data={"traineeship": traineeship.pk}
    )
    others = Application.objects.filter(position=position, status__in=IN_PROCEDURE).exclude(
        pk=application.pk
    )
    for other in others.select_related("applicant", "position__hospital"):
        _set_status(other, ApplicationStatus.REJECTED, _("The position has been filled."))
        record_event(
            actor=None, action="application.rejected", target=other, reason="position filled"
        )
        notify_people([other.applicant], "application_rejected", _application_context(other))
    # Whoever applied without meeting the requirements (and was not admitted) learns that the
    # procedure has ended too.
    ineligible = Application.objects.filter(
        position=position, status=ApplicationStatus.INELIGIBLE
    ).select_related("applicant", "position__hospital")
    for other in ineligible:
        notify_people([other.applicant], "position_filled", _application_context(other))
    accepted = {
        "title": position.title_en,
        "hospital": position.hospital.name,
        "trainee": application.applicant.full_name,
    }
    committee_and_office = [*_members(position), *_office()]
    notify_people(
        committee_and_office,
        "offer_accepted",
        accepted,
        link=reverse("selection:procedure", args=[position.pk]),
    )
    # The supervisors do not see the procedure; their link is the new traineeship.
    told = {person.pk for person in committee_and_office if person is not None}
    notify_people(
        [
            person
            for person in (traineeship.university_supervisor, traineeship.hospital_supervisor)
            if person is not None and person.pk not in told
        ],
        "offer_accepted",
        accepted,
        link=reverse("training:detail", args=[traineeship.pk]),
    )
    return offer


def _start_traineeship(application: Application) -> Traineeship:
    """The accepted candidate becomes a trainee: nothing is typed again."""
    position = application.position
    request = position.request
    trainee = application.applicant
    if application.phone and not trainee.phone:
        trainee.phone = application.phone
        trainee.save(update_fields=["phone"])
    return training_services.create_traineeship(
        actor=None,
        trainee=trainee,
        hospital=position.hospital,
        university=position.university,
        start_date=position.start_date,
        university_supervisor=request.university_supervisor,
        hospital_supervisor=request.hospital_supervisor,
        medical_doctor=request.medical_doctor,
        design_project_title=request.title,
        position=position,
    )


def expire_offers() -> int:
    """Offers not answered by their deadline expire; the candidate is recorded as declined."""
    expired = 0
    for offer in Offer.objects.filter(
        status=OfferStatus.PENDING, deadline__lt=timezone.localdate()
    ):
        with transaction.atomic():
            offer = Offer.objects.select_for_update().get(pk=offer.pk)
            if offer.status != OfferStatus.PENDING:
                continue
            offer.status = OfferStatus.EXPIRED
            offer.responded_at = timezone.now()
            offer.save(update_fields=["status", "responded_at"])
            application = _lock(offer.application)
            if application.status == ApplicationStatus.OFFERED:
                _set_status(application, ApplicationStatus.DECLINED, "The offer expired.")
            record_event(actor=None, action="offer.expired", target=application)
            expired += 1
    return expired


# --- Reasons for a decision (recruitment code) ---


@transaction.atomic
def ask_reasons(*, actor: User, application: Application) -> ReasonRequest:
    require(actor, "selection.edit_application", application)
    if application.status not in (ApplicationStatus.REJECTED, ApplicationStatus.INELIGIBLE):
        raise ActionRefused(
            _("You can ask for the reasons once a decision about you has been made."),
            code="invalid_state",
        )
    request, created = ReasonRequest.objects.get_or_create(application=application)
    if created:
        record_event(actor=actor, action="application.reasons_asked", target=application)
        chairs = [
            m.user
            for m in application.position.committee.filter(is_chair=True).select_related("user")
        ]
        notify_people(
            [*chairs, *_office()],
            "reasons_asked",
            {
                "title": application.position.title_en,
                "hospital": application.position.hospital.name,
                "path": reverse("selection:application_detail", args=[application.pk]),
            },
        )
    return request


@transaction.atomic
def answer_reasons(*, actor: User, request: ReasonRequest, answer: str) -> ReasonRequest:
    request = (
        ReasonRequest.objects.select_for_update()
        .select_related("application__position")
        .get(pk=request.pk)
    )
    require(actor, "selection.answer_reasons", request.application.position)
    if request.answered_at:
        raise ActionRefused(_("These reasons have already been given."), code="already_answered")
    if not answer.strip():
        raise ValidationError({"answer": _("Write the reasons.")})
    request.answer, request.answered_by, request.answered_at = answer.strip(), actor, timezone.now()
    request.save()
    record_event(actor=actor, action="application.reasons_given", target=request.application)
    notify_people(
        [request.application.applicant], "reasons_given", _application_context(request.application)
    )
    return request


# --- Data protection ---


def _delete_personal_data(application: Application) -> None:
    for kind in DOCUMENTS:
        file = getattr(application, kind)
        if file:
            file.delete(save=False)
    application.phone = application.city = ""
    application.master_field = application.master_university = ""
    application.master_date = application.dutch_certificate_date = None
    application.master_completed = False
    application.dutch_level = application.dutch_evidence_kind = ""
    application.eligibility_problems = []
    application.status_reason = application.admitted_reason = ""
    application.data_deleted_at = timezone.now()
    application.save()
    # What others wrote about the applicant goes too; the numbers of the scores stay.
    Score.objects.filter(sheet__application=application).update(justification="")
    ConflictOfInterest.objects.filter(application=application).update(reason="")
    ReasonRequest.objects.filter(application=application).update(answer="")
    applicant = application.applicant
    # The notifications and e-mails about this application go too.
    notifications_privacy.forget_link(
        applicant, reverse("selection:application_detail", args=[application.pk])
    )
    others = applicant.applications.filter(data_deleted_at__isnull=True).exclude(pk=application.pk)
    anonymised = False
    if not applicant.roles.exists() and not others.exists() and not applicant.traineeships.exists():
        notifications_privacy.erase(applicant)
        applicant.email = f"deleted-{applicant.pk}@deleted.invalid"
        applicant.full_name = _("Deleted applicant")
        applicant.preferred_name = applicant.phone = ""
        applicant.is_active = False
        applicant.set_unusable_password()
        applicant.save()
        applicant.emailaddress_set.all().delete()
        anonymised = True
    record_event(actor=None, action="application.data_deleted", target=application)
    # The trail keeps that it all happened, not the data (nor the field history of it).
    label = f"{_('Deleted applicant')} — {application.position}"
    forget_personal_data(application, label=label)
    for offer in application.offers.all():
        forget_personal_data(offer, label=label)
    if anonymised:
        forget_personal_data(applicant, label=applicant.full_name)
        forget_actor(applicant, label=applicant.full_name)


def delete_expired_applicant_data(now: dt.datetime | None = None) -> int:
    """Four weeks after a procedure ends, delete the data of applicants who were not hired;
    with their consent, after one year. The audit trail keeps that it happened."""
    now = now or timezone.now()
    due = (
        Application.objects.filter(
            data_deleted_at__isnull=True,
            position__procedure_ended_at__isnull=False,
        )
        .exclude(status=ApplicationStatus.ACCEPTED)
        .filter(
            Q(keep_for_a_year=False, position__procedure_ended_at__lte=now - RETENTION)
            | Q(
                keep_for_a_year=True, position__procedure_ended_at__lte=now - RETENTION_WITH_CONSENT
            )
        )
    )
    count = 0
    for application in due.select_related("applicant"):
        with transaction.atomic():
            _delete_personal_data(Application.objects.select_for_update().get(pk=application.pk))
            count += 1
    return count
