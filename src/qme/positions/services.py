"""State changes of position requests and positions. One function per change: it checks the
person and the transition, saves, writes the audit trail and queues the e-mails after commit.
Views, API and commands all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qme.accounts import services as account_services
from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.files import safe_filename
from qme.core.mail import notify_people
from qme.core.permissions import require
from qme.organisations import services as organisation_services
from qme.organisations.models import Organisation, Role, RoleKind

from .models import (
    Position,
    PositionRequest,
    PositionStatus,
    RequestAttachment,
    RequestComment,
    RequestStatus,
)

REQUEST_FIELDS = (
    "department",
    "title",
    "clinical_problem",
    "project_outline",
    "expected_result",
    "medical_doctor",
    "hospital_supervisor",
    "intended_start",
    "commits_employment",
    "commits_funding",
    "commits_workplace",
    "training_climate",
)
POSITION_FIELDS = (
    "title_nl",
    "title_en",
    "description_nl",
    "description_en",
    "requirements_nl",
    "requirements_en",
    "start_date",
    "application_deadline",
    "contact_name",
    "contact_email",
    "required_dutch_level",
)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
DEFAULT_APPLICATION_WEEKS = 6


# --- Who hears about it ---


def _people_with_role(kind: str, organisation_ids: Iterable[int] | None = None) -> list[User]:
    roles = Role.objects.current().filter(kind=kind, user__is_active=True)
    if organisation_ids is not None:
        roles = roles.filter(organisation_id__in=list(organisation_ids))
    return list(User.objects.filter(pk__in=roles.values("user_id")).order_by("pk"))


def _request_context(request: PositionRequest, **extra: Any) -> dict[str, Any]:
    return {
        "title": request.title,
        "hospital": request.hospital.name,
        "path": reverse("positions:request_detail", args=[request.pk]),
        **extra,
    }


def _coordinators(request_or_position: PositionRequest | Position) -> list[User]:
    return _people_with_role(RoleKind.HOSPITAL_COORDINATOR, [request_or_position.hospital_id])


# --- Requests ---


def _check_people_of_hospital(hospital: Organisation, changes: dict[str, Any]) -> None:
    errors = {}
    for field, kind in (
        ("medical_doctor", RoleKind.MEDICAL_DOCTOR),
        ("hospital_supervisor", RoleKind.HOSPITAL_SUPERVISOR),
    ):
        person = changes.get(field)
        if (
            person is not None
            and not Role.objects.current()
            .filter(user=person, organisation=hospital, kind=kind)
            .exists()
        ):
            errors[field] = _("Choose a person of this hospital with this role, or invite one.")
    department = changes.get("department")
    if department is not None and department.organisation_id != hospital.pk:
        errors["department"] = _("Choose a department of this hospital.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_request(*, actor: User, hospital: Organisation, **fields: Any) -> PositionRequest:
    require(actor, "positions.create_request")
    if hospital.pk not in {
        r.organisation_id for r in actor.roles.current() if r.kind == RoleKind.HOSPITAL_COORDINATOR
    }:
        raise ActionRefused(_("You can only request positions for your own hospital."))
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    _check_people_of_hospital(hospital, fields)
    request = PositionRequest(hospital=hospital, created_by=actor, **fields)
    request.full_clean()
    request.save()
    record_event(actor=actor, action="request.created", target=request)
    return request


@transaction.atomic
def update_request(
    *, actor: User, request: PositionRequest, changes: dict[str, Any]
) -> PositionRequest:
    request = PositionRequest.objects.select_for_update().get(pk=request.pk)
    require(actor, "positions.edit_request", request)
    unknown = set(changes) - set(REQUEST_FIELDS)
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    _check_people_of_hospital(request.hospital, changes)
    changed = [f for f, v in changes.items() if getattr(request, f) != v]
    if not changed:
        return request
    for field in changed:
        setattr(request, field, changes[field])
    request.updated_at = timezone.now()
    request.full_clean()
    request.save(update_fields=[*changed, "updated_at"])
    record_event(actor=actor, action="request.updated", target=request, data={"fields": changed})
    return request


#: What a request needs before it can be submitted, with the message that says what is missing.
SUBMISSION_REQUIREMENTS = (
    ("department", gettext_lazy("Choose the department.")),
    ("title", gettext_lazy("Give the design project a title.")),
    ("clinical_problem", gettext_lazy("Describe the clinical problem.")),
    ("project_outline", gettext_lazy("Outline the design project.")),
    ("expected_result", gettext_lazy("Describe the result the hospital hopes for.")),
    ("medical_doctor", gettext_lazy("Name the medical doctor who is the clinical partner.")),
    ("hospital_supervisor", gettext_lazy("Name the hospital supervisor.")),
    ("intended_start", gettext_lazy("Give the intended start date.")),
    (
        "commits_employment",
        gettext_lazy("Confirm that the institution employs the trainee for the two years."),
    ),
    ("commits_funding", gettext_lazy("Confirm that the funding is in place.")),
    ("commits_workplace", gettext_lazy("Confirm a workplace and time for courses.")),
    (
        "training_climate",
        gettext_lazy("Describe the training climate: who is around to learn from."),
    ),
)


def missing_for_submission(request: PositionRequest) -> list[tuple[str, str]]:
    """Each (field, message) still missing before the request can be submitted."""
    # serializable_value reads a foreign key's id column: a list of requests costs no query.
    missing = [
        (field, str(message))
        for field, message in SUBMISSION_REQUIREMENTS
        if not request.serializable_value(field)
    ]
    if request.intended_start and request.intended_start <= timezone.localdate():
        missing.append(("intended_start", _("The intended start must be in the future.")))
    return missing


@transaction.atomic
def submit_request(*, actor: User, request: PositionRequest) -> PositionRequest:
    """Submit a draft, or resubmit after changes. Submitting twice has the effect of once."""
    request = (
        PositionRequest.objects.select_for_update().select_related("hospital").get(pk=request.pk)
    )
    require(actor, "positions.submit_request", request)
    if request.status == RequestStatus.SUBMITTED:
        raise ActionRefused(_("This request has already been submitted."), code="already_submitted")
    if not request.can_become(RequestStatus.SUBMITTED):
        raise ActionRefused(
            _("A request that is {status} cannot be submitted.").format(
                status=request.get_status_display().lower()
            ),
            code="invalid_state",
        )
    missing = missing_for_submission(request)
    if missing:
        raise ActionRefused(" ".join(message for _field, message in missing), code="incomplete")
    resubmission = request.status == RequestStatus.CHANGES_REQUESTED
    now = timezone.now()
    request.status = RequestStatus.SUBMITTED
    request.submitted_at = now
    request.updated_at = now
    request.submission_count += 1
    request.save(update_fields=["status", "submitted_at", "updated_at", "submission_count"])
    record_event(
        actor=actor,
        action="request.resubmitted" if resubmission else "request.submitted",
        target=request,
    )
    notify_people(
        _people_with_role(RoleKind.PROGRAMME_OFFICE),
        "request_submitted",
        _request_context(request, resubmission=resubmission, by=actor.full_name),
    )
    return request


@transaction.atomic
def withdraw_request(*, actor: User, request: PositionRequest, reason: str) -> PositionRequest:
    request = PositionRequest.objects.select_for_update().get(pk=request.pk)
    require(actor, "positions.withdraw_request", request)
    if not request.can_become(RequestStatus.WITHDRAWN):
        raise ActionRefused(
            _("Only a request that has not been decided can be withdrawn."), code="invalid_state"
        )
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    was_submitted = request.status != RequestStatus.DRAFT
    request.status = RequestStatus.WITHDRAWN
    request.updated_at = timezone.now()
    request.decision_reason = reason.strip()
    request.save(update_fields=["status", "updated_at", "decision_reason"])
    record_event(actor=actor, action="request.withdrawn", target=request, reason=reason.strip())
    if was_submitted:
        notify_people(
            _people_with_role(RoleKind.PROGRAMME_OFFICE),
            "request_withdrawn",
            _request_context(request, reason=reason.strip()),
        )
    return request


@transaction.atomic
def request_changes(*, actor: User, request: PositionRequest, comment: str) -> RequestComment:
    request = (
        PositionRequest.objects.select_for_update().select_related("hospital").get(pk=request.pk)
    )
    require(actor, "positions.review_request", request)
    if request.status != RequestStatus.SUBMITTED:
        raise ActionRefused(
            _("Changes can only be asked for a submitted request."), code="invalid_state"
        )
    if not comment.strip():
        raise ActionRefused(_("Say what should change."), code="comment_required")
    request.status = RequestStatus.CHANGES_REQUESTED
    request.updated_at = timezone.now()
    request.save(update_fields=["status", "updated_at"])
    note = RequestComment.objects.create(
        request=request, author=actor, body=comment.strip(), is_change_request=True
    )
    record_event(
        actor=actor, action="request.changes_requested", target=request, reason=comment.strip()
    )
    notify_people(
        _coordinators(request),
        "request_changes_requested",
        _request_context(request, comment=comment.strip(), by=actor.full_name),
    )
    return note


@transaction.atomic
def add_comment(
    *, actor: User, request: PositionRequest, body: str, reply_to: RequestComment | None = None
) -> RequestComment:
    request = (
        PositionRequest.objects.select_for_update().select_related("hospital").get(pk=request.pk)
    )
    require(actor, "positions.comment_request", request)
    body = body.strip()
    if not body:
        raise ActionRefused(_("Write a comment."), code="comment_required")
    if reply_to is not None and reply_to.request_id != request.pk:
        raise ActionRefused(_("You can only answer a comment on this request."))
    if request.status in (RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
        raise ActionRefused(
            _("This request has been closed; comments are no longer possible."),
            code="invalid_state",
        )
    comment = RequestComment.objects.create(
        request=request, author=actor, body=body, reply_to=reply_to
    )
    PositionRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
    record_event(actor=actor, action="request.commented", target=request)
    office = actor.has_perm("positions.review_request")
    recipients = _coordinators(request) if office else _people_with_role(RoleKind.PROGRAMME_OFFICE)
    notify_people(
        [p for p in recipients if p.pk != actor.pk],
        "request_commented",
        _request_context(request, comment=body, by=actor.full_name),
    )
    return comment


@transaction.atomic
def resolve_comment(*, actor: User, comment: RequestComment) -> RequestComment:
    comment = (
        RequestComment.objects.select_for_update().select_related("request").get(pk=comment.pk)
    )
    require(actor, "positions.comment_request", comment.request)
    if comment.resolved_at is not None:
        return comment
    comment.resolved_at = timezone.now()
    comment.resolved_by = actor
    comment.save(update_fields=["resolved_at", "resolved_by"])
    record_event(
        actor=actor,
        action="request.comment_resolved",
        target=comment.request,
        data={"comment": comment.pk},
    )
    return comment


def _default_deadline(start: dt.date) -> dt.date:
    today = timezone.localdate()
    deadline = today + dt.timedelta(weeks=DEFAULT_APPLICATION_WEEKS)
    return min(deadline, start - dt.timedelta(days=1)) if start > today else today


@transaction.atomic
def approve_request(
    *,
    actor: User,
    request: PositionRequest,
    university: Organisation,
    university_supervisor: User,
    reason: str = "",
) -> Position:
    """Approve: the request becomes a position, not yet published."""
    request = (
        PositionRequest.objects.select_for_update().select_related("hospital").get(pk=request.pk)
    )
    require(actor, "positions.review_request", request)
    if request.status != RequestStatus.SUBMITTED:
        raise ActionRefused(_("Only a submitted request can be approved."), code="invalid_state")
    errors = {}
    if not university.is_university:
        errors["university"] = _("Choose one of the universities.")
    elif (
        not Role.objects.current()
        .filter(
            user=university_supervisor, organisation=university, kind=RoleKind.UNIVERSITY_SUPERVISOR
        )
        .exists()
    ):
        errors["university_supervisor"] = _("Choose a university supervisor of this university.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    request.status = RequestStatus.APPROVED
    request.decided_at = now
    request.decided_by = actor
    request.decision_reason = reason.strip()
    request.university = university
    request.university_supervisor = university_supervisor
    request.updated_at = now
    request.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "decision_reason",
            "university",
            "university_supervisor",
            "updated_at",
        ]
    )
    start = request.intended_start or (timezone.localdate() + dt.timedelta(weeks=16))
    position = Position.objects.create(
        request=request,
        hospital=request.hospital,
        university=university,
        title_nl=request.title,
        title_en=request.title,
        description_nl=request.project_outline,
        description_en=request.project_outline,
        start_date=start,
        application_deadline=_default_deadline(start),
    )
    record_event(
        actor=actor,
        action="request.approved",
        target=request,
        reason=reason.strip(),
        data={
            "university": university.name,
            "university_supervisor": university_supervisor.full_name,
        },
    )
    notify_people(
        [
            *_coordinators(request),
            request.medical_doctor,
            request.hospital_supervisor,
            university_supervisor,
        ],
        "request_approved",
        _request_context(request, university=university.name, reason=reason.strip()),
    )
    return position


@transaction.atomic
def decline_request(*, actor: User, request: PositionRequest, reason: str) -> PositionRequest:
    request = (
        PositionRequest.objects.select_for_update().select_related("hospital").get(pk=request.pk)
    )
    require(actor, "positions.review_request", request)
    if request.status != RequestStatus.SUBMITTED:
        raise ActionRefused(_("Only a submitted request can be declined."), code="invalid_state")
    if not reason.strip():
        raise ActionRefused(_("Give the reasons for declining."), code="reason_required")
    now = timezone.now()
    request.status = RequestStatus.DECLINED
    request.decided_at = now
    request.decided_by = actor
    request.decision_reason = reason.strip()
    request.updated_at = now
    request.save(
        update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    record_event(actor=actor, action="request.declined", target=request, reason=reason.strip())
    notify_people(
        _coordinators(request), "request_declined", _request_context(request, reason=reason.strip())
    )
    return request


def _is_pdf(uploaded: UploadedFile) -> bool:
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(0)
    return b"%PDF-" in head[:1024] and head.lstrip().startswith(b"%PDF-")


@transaction.atomic
def add_attachment(
    *, actor: User, request: PositionRequest, uploaded: UploadedFile
) -> RequestAttachment:
    request = PositionRequest.objects.select_for_update().get(pk=request.pk)
    require(actor, "positions.edit_request", request)
    if uploaded.size is None or uploaded.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    if not _is_pdf(uploaded):
        raise ValidationError({"file": _("Only PDF files can be attached.")})
    if request.attachments.count() >= MAX_ATTACHMENTS:
        raise ActionRefused(_("A request can have at most 10 attachments."), code="too_many")
    name = safe_filename(uploaded.name or "", default="attachment.pdf", suffix=".pdf")
    attachment = RequestAttachment(
        request=request, original_name=name, size=uploaded.size, uploaded_by=actor
    )
    attachment.file.save(name, uploaded, save=False)
    attachment.save()
    record_event(
        actor=actor, action="request.attachment_added", target=request, data={"file": name}
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, attachment: RequestAttachment) -> None:
    locked = PositionRequest.objects.select_for_update().get(pk=attachment.request_id)
    require(actor, "positions.edit_request", locked)
    name = attachment.original_name
    request = attachment.request
    attachment.file.delete(save=False)
    attachment.delete()
    record_event(
        actor=actor, action="request.attachment_removed", target=request, data={"file": name}
    )


@transaction.atomic
def invite_hospital_person(
    *,
    actor: User,
    hospital: Organisation,
    email: str,
    full_name: str,
    kind: str,
    language: str = "nl",
) -> User:
    """A coordinator names a doctor or supervisor who has no account yet: the person gets an
    account with that role at the hospital and an invitation to choose a password. Someone who
    already holds that role at the hospital is named as they are. An existing account without
    that role is refused: a coordinator gives no role to an account they do not manage (the
    programme office does, on the person's page)."""
    if kind not in (RoleKind.MEDICAL_DOCTOR, RoleKind.HOSPITAL_SUPERVISOR):
        raise ActionRefused(_("Only doctors and hospital supervisors can be invited here."))
    if not actor.has_perm("organisations.manage_organisations") and hospital.pk not in {
        r.organisation_id for r in actor.roles.current() if r.kind == RoleKind.HOSPITAL_COORDINATOR
    }:
        raise ActionRefused(_("You can only invite people to your own hospital."))
    email = email.strip().lower()
    if not full_name.strip():
        raise ValidationError({"full_name": _("This field is required.")})
    person = User.objects.filter(email__iexact=email).first()
    if person is not None:
        if (
            not Role.objects.current()
            .filter(user=person, organisation=hospital, kind=kind)
            .exists()
        ):
            raise ActionRefused(
                _(
                    "%(email)s belongs to an existing account that is not a %(role)s at "
                    "%(hospital)s. Ask the programme office to give that person the role, "
                    "then name them on the request."
                )
                % {"email": email, "role": RoleKind(kind).label.lower(), "hospital": hospital.name},
                code="existing_account",
            )
    else:
        person = account_services.create_person(
            actor=None, email=email, full_name=full_name, language=language, invited_by=actor
        )
        organisation_services.assign_role(
            actor=None, person=person, organisation=hospital, kind=kind
        )
    record_event(
        actor=actor,
        action="person.invited",
        target=person,
        data={"role": kind, "organisation": hospital.name},
    )
    return person


# --- Positions ---


def _position_context(position: Position, **extra: Any) -> dict[str, Any]:
    return {
        "title": position.title_en,
        "hospital": position.hospital.name,
        "path": reverse("positions:position_detail", args=[position.pk]),
        "public_path": reverse("positions:public_detail", args=[position.pk]),
        **extra,
    }


def _set_position_status(position: Position, status: str, reason: str = "") -> None:
    if not position.can_become(status):
        raise ActionRefused(
            _("A position that is “{current}” cannot become “{new}”.").format(
                current=position.get_status_display(), new=PositionStatus(status).label
            ),
            code="invalid_state",
        )
    position.status = status
    position.status_changed_at = timezone.now()
    position.status_reason = reason
    position.save(update_fields=["status", "status_changed_at", "status_reason"])


def _lock_position(position: Position) -> Position:
    return Position.objects.select_for_update().select_related("hospital").get(pk=position.pk)


@transaction.atomic
def update_position(*, actor: User, position: Position, changes: dict[str, Any]) -> Position:
    position = _lock_position(position)
    require(actor, "positions.manage_position", position)
    unknown = set(changes) - set(POSITION_FIELDS)
    if unknown:
        raise ActionRefused(
            _("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    if position.status in (PositionStatus.FILLED, PositionStatus.CANCELLED):
        raise ActionRefused(
            _("A filled or cancelled position cannot be changed."), code="invalid_state"
        )
    if "application_deadline" in changes and position.status != PositionStatus.DRAFT:
        raise ActionRefused(
            _("Change the deadline of a published position with “Extend deadline”."),
            code="use_extend",
        )
    changed = [f for f, v in changes.items() if getattr(position, f) != v]
    if not changed:
        return position
    for field in changed:
        setattr(position, field, changes[field])
    _validate_dates(position)
    position.full_clean()
    position.save(update_fields=changed)
    record_event(actor=actor, action="position.updated", target=position, data={"fields": changed})
    return position


def _validate_dates(position: Position) -> None:
    if position.application_deadline > position.start_date:
        raise ValidationError(
            {"application_deadline": _("The deadline must be before the start date.")}
        )


@transaction.atomic
def publish_position(*, actor: User, position: Position) -> Position:
    position = _lock_position(position)
    require(actor, "positions.manage_position", position)
    if position.status == PositionStatus.OPEN:
        raise ActionRefused(
            _("This position has already been published."), code="already_published"
        )
    if position.status != PositionStatus.DRAFT:
        # Selection and cancelled positions open again only by "Reopen", with a reason.
        raise ActionRefused(
            _("Only a position that is not yet published can be published; reopen it instead."),
            code="invalid_state",
        )
    missing = [
        label
        for field, label in (
            ("title_nl", _("the Dutch title")),
            ("title_en", _("the English title")),
            ("description_nl", _("the Dutch description")),
            ("description_en", _("the English description")),
        )
        if not getattr(position, field).strip()
    ]
    if missing:
        raise ActionRefused(
            _("Fill in {missing} first.").format(missing=", ".join(missing)), code="incomplete"
        )
    if position.application_deadline < timezone.localdate():
        raise ActionRefused(
            _("The application deadline has passed; set a new one first."), code="deadline_passed"
        )
    _set_position_status(position, PositionStatus.OPEN)
    position.published_at = position.published_at or timezone.now()
    position.save(update_fields=["published_at"])
    record_event(actor=actor, action="position.published", target=position)
    notify_people([*_coordinators(position)], "position_published", _position_context(position))
    return position


@transaction.atomic
def close_position(*, actor: User | None, position: Position, reason: str) -> Position:
    """Close for applications (early, or because the deadline passed): selection begins."""
    position = _lock_position(position)
    if actor is not None:
        require(actor, "positions.manage_position", position)
        if not reason.strip():
            raise ActionRefused(_("Give a reason."), code="reason_required")
    _set_position_status(position, PositionStatus.SELECTION, reason.strip())
    record_event(actor=actor, action="position.closed", target=position, reason=reason.strip())
    notify_people(
        _coordinators(position),
        "position_status",
        _position_context(position, status=position.get_status_display(), reason=reason.strip()),
    )
    return position


@transaction.atomic
def extend_deadline(*, actor: User, position: Position, deadline: dt.date, reason: str) -> Position:
    position = _lock_position(position)
    require(actor, "positions.manage_position", position)
    if position.status not in (PositionStatus.OPEN, PositionStatus.DRAFT):
        raise ActionRefused(
            _("Only the deadline of an open position can be extended; reopen it instead."),
            code="invalid_state",
        )
    if deadline <= position.application_deadline:
        raise ValidationError(
            {"deadline": _("The new deadline must be later than the current one.")}
        )
    if deadline > position.start_date:
        raise ValidationError({"deadline": _("The deadline must be before the start date.")})
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    old = position.application_deadline
    position.application_deadline = deadline
    position.save(update_fields=["application_deadline"])
    record_event(
        actor=actor,
        action="position.deadline_extended",
        target=position,
        reason=reason.strip(),
        data={"from": old.isoformat(), "to": deadline.isoformat()},
    )
    return position


@transaction.atomic
def cancel_position(*, actor: User, position: Position, reason: str) -> Position:
    position = _lock_position(position)
    require(actor, "positions.manage_position", position)
    if not reason.strip():
        raise ActionRefused(_("Give the reasons for cancelling."), code="reason_required")
    _set_position_status(position, PositionStatus.CANCELLED, reason.strip())
    position.procedure_ended_at = timezone.now()
    position.save(update_fields=["procedure_ended_at"])
    record_event(actor=actor, action="position.cancelled", target=position, reason=reason.strip())
    notify_people(
        _coordinators(position),
        "position_status",
        _position_context(position, status=position.get_status_display(), reason=reason.strip()),
    )
    return position


@transaction.atomic
def reopen_position(*, actor: User, position: Position, deadline: dt.date, reason: str) -> Position:
    position = _lock_position(position)
    require(actor, "positions.manage_position", position)
    if position.status == PositionStatus.DRAFT:
        # A draft has never been open: it is published, with the checks of publishing.
        raise ActionRefused(
            _("This position has not been published yet; publish it instead."),
            code="invalid_state",
        )
    if not reason.strip():
        raise ActionRefused(_("Give a reason."), code="reason_required")
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The new deadline must be today or later.")})
    if deadline > position.start_date:
        raise ValidationError({"deadline": _("The deadline must be before the start date.")})
    _set_position_status(position, PositionStatus.OPEN, reason.strip())
    position.application_deadline = deadline
    position.published_at = position.published_at or timezone.now()
    position.procedure_ended_at = None
    position.save(update_fields=["application_deadline", "published_at", "procedure_ended_at"])
    record_event(
        actor=actor,
        action="position.reopened",
        target=position,
        reason=reason.strip(),
        data={"deadline": deadline.isoformat()},
    )
    notify_people(
        _coordinators(position),
        "position_status",
        _position_context(position, status=position.get_status_display(), reason=reason.strip()),
    )
    return position


def close_expired_positions() -> int:
    """Open positions whose deadline has passed move to selection. Run daily by the worker."""
    closed = 0
    expired = Position.objects.filter(
        status=PositionStatus.OPEN, application_deadline__lt=timezone.localdate()
    ).values_list("pk", flat=True)
    for pk in list(expired):
        try:
            close_position(
                actor=None, position=Position(pk=pk), reason="The application deadline passed."
            )
        except ActionRefused:
            continue
        closed += 1
    return closed
