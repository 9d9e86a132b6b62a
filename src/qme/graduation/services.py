"""The requirements check, the proposal and the examination board's decision."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.accounts.models import User
from qme.audit.services import record_event
from qme.core.errors import ActionRefused
from qme.core.mail import notify_people
from qme.core.permissions import require
from qme.feedback.models import Outcome, Review, ReviewKind
from qme.organisations.models import Role, RoleKind
from qme.training import selectors as training_selectors
from qme.training.models import RecordStatus, Traineeship, TraineeshipStatus

from .issuing import issue_diploma
from .models import BoardVote, CaseStatus, GraduationCase, Vote


@dataclass
class Requirement:
    key: str
    label: str
    met: bool
    detail: str


def _ec(value) -> str:
    return f"{Decimal(value).normalize():f}"


def requirements_check(traineeship: Traineeship) -> list[Requirement]:
    """Every requirement of the diploma, computed from the record, each saying what is missing."""
    progress = training_selectors.progress(traineeship)
    curriculum = traineeship.curriculum
    checks = [
        Requirement(
            "total_ec",
            _("EC in total"),
            progress.earned >= progress.required,
            _("{earned} of {required} EC signed off.").format(
                earned=_ec(progress.earned), required=_ec(progress.required)
            ),
        )
    ]
    for category in progress.categories:
        if category.required:
            checks.append(
                Requirement(
                    f"ec_{category.kind}",
                    category.label,
                    category.earned >= category.required,
                    _("{earned} of at least {required} EC signed off.").format(
                        earned=_ec(category.earned), required=_ec(category.required)
                    ),
                )
            )
    if curriculum is not None:
        signed = {
            item.catalogue_item_id
            for item, record in progress.items
            if record is not None
            and record.status == RecordStatus.SIGNED_OFF
            and item.catalogue_item_id
        }
        for mandatory in curriculum.mandatory.all():
            checks.append(
                Requirement(
                    f"mandatory_{mandatory.pk}",
                    _("Mandatory: {title}").format(title=mandatory.title_en),
                    mandatory.pk in signed,
                    _("Signed off.") if mandatory.pk in signed else _("Not yet signed off."),
                )
            )
    design = traineeship.assessments.filter(agreed_at__isnull=False)
    sufficient = any(a.is_sufficient for a in design)
    checks.append(
        Requirement(
            "design_assessment",
            _("Design project assessed as sufficient"),
            sufficient,
            _("Assessed as sufficient.")
            if sufficient
            else (
                _("The assessment is not sufficient.")
                if design.exists()
                else _("No agreed assessment yet.")
            ),
        )
    )
    # The last regular progress review signed by all three: a go/no-go review has no outcome of
    # its own (it decides whether the trainee continues) and does not count here.
    last = (
        Review.objects.filter(
            traineeship=traineeship, kind=ReviewKind.PROGRESS, held_on__isnull=False
        )
        .exclude(trainee_signed_at=None)
        .exclude(university_signed_at=None)
        .exclude(hospital_signed_at=None)
        .order_by("-held_on", "-due_on", "-pk")
        .first()
    )
    checks.append(
        Requirement(
            "last_review",
            _("Last progress review satisfactory"),
            last is not None and last.outcome == Outcome.SATISFACTORY,
            _("{outcome} ({date}).").format(
                outcome=last.get_outcome_display(), date=last.held_on.isoformat()
            )
            if last
            else _("No signed progress review yet."),
        )
    )
    open_signoffs = list(progress.waiting)
    checks.append(
        Requirement(
            "open_signoffs",
            _("No open sign-offs"),
            not open_signoffs,
            _("Nothing is waiting.")
            if not open_signoffs
            else _("Waiting for sign-off: {items}.").format(
                items=", ".join(r.title for r in open_signoffs)
            ),
        )
    )
    return checks


def check_passes(checks: list[Requirement]) -> bool:
    return all(c.met for c in checks)


def _board() -> list[User]:
    roles = Role.objects.current().filter(kind=RoleKind.EXAMINATION_BOARD)
    return list(
        User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by("full_name")
    )


@transaction.atomic
def propose(*, actor: User, traineeship: Traineeship) -> GraduationCase:
    require(actor, "graduation.propose")
    traineeship = Traineeship.objects.select_for_update().get(pk=traineeship.pk)
    if traineeship.status in (TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED):
        raise ActionRefused(_("This traineeship has ended."), code="ended")
    checks = requirements_check(traineeship)
    if not check_passes(checks):
        missing = "; ".join(f"{c.label}: {c.detail}" for c in checks if not c.met)
        raise ActionRefused(
            _("The record does not meet the requirements yet: {missing}").format(missing=missing),
            code="requirements_not_met",
        )
    if traineeship.graduation_cases.filter(
        status__in=[CaseStatus.PROPOSED, CaseStatus.GRANTED]
    ).exists():
        raise ActionRefused(_("This trainee has already been proposed."), code="duplicate")
    try:
        with transaction.atomic():
            case = GraduationCase.objects.create(
                traineeship=traineeship,
                proposed_by=actor,
                check_snapshot=[asdict(c) for c in checks],
            )
    except IntegrityError as exc:
        raise ActionRefused(_("This trainee has already been proposed."), code="duplicate") from exc
    record_event(actor=actor, action="graduation.proposed", target=traineeship)
    notify_people(
        _board(),
        "graduation_proposed",
        {"trainee": traineeship.trainee.full_name},
        link=reverse("graduation:case", args=[case.pk]),
    )
    return case


@transaction.atomic
def vote(*, actor: User, case: GraduationCase, choice: str, reason: str = "") -> BoardVote:
    require(actor, "graduation.decide")
    case = GraduationCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.PROPOSED:
        raise ActionRefused(_("This case has been decided."), code="decided")
    if choice not in Vote.values:
        raise ValidationError({"vote": _("Choose grant or not yet.")})
    reason = reason.strip()
    if choice == Vote.NOT_YET and not reason:
        raise ValidationError({"reason": _("Give the reasons for “not yet”.")})
    if "\x00" in reason:
        raise ValidationError({"reason": _("Null characters are not allowed.")})
    if len(reason) > 5000:
        raise ValidationError({"reason": _("Keep the reasons to at most 5000 characters.")})
    ballot, _created = BoardVote.objects.update_or_create(
        case=case,
        member=actor,
        defaults={"vote": choice, "reason": reason, "voted_at": timezone.now()},
    )
    record_event(
        actor=actor,
        action="graduation.voted",
        target=case.traineeship,
        reason=reason,
        data={"vote": choice},
    )
    return ballot


@transaction.atomic
def decide(*, actor: User, case: GraduationCase) -> GraduationCase:
    """Close the vote: granted when a majority of the votes grant (at least two votes, or every
    board member if the board is smaller); otherwise not yet, with the reasons given."""
    require(actor, "graduation.decide")
    case = (
        GraduationCase.objects.select_for_update()
        .select_related("traineeship__trainee")
        .get(pk=case.pk)
    )
    if case.status != CaseStatus.PROPOSED:
        raise ActionRefused(_("This case has been decided."), code="decided")
    votes = list(case.votes.all())
    needed = min(2, len(_board()) or 1)
    if len(votes) < needed:
        raise ActionRefused(
            _("At least {n} members of the board vote before the decision.").format(n=needed),
            code="too_few_votes",
        )
    grants = sum(1 for v in votes if v.vote == Vote.GRANT)
    granted = grants * 2 > len(votes)
    case.status = CaseStatus.GRANTED if granted else CaseStatus.NOT_YET
    case.decided_by, case.decided_at = actor, timezone.now()
    case.reasons = (
        "" if granted else "\n".join(v.reason for v in votes if v.vote == Vote.NOT_YET and v.reason)
    )
    case.save()
    record_event(
        actor=actor,
        action="graduation.granted" if granted else "graduation.not_yet",
        target=case.traineeship,
        reason=case.reasons,
        data={"votes": {v.member.full_name: v.vote for v in votes}},
    )
    if granted:
        issue_diploma(case=case)
    notify_people(
        [case.traineeship.trainee],
        "graduation_decided",
        {"granted": granted, "reasons": case.reasons},
        link=reverse("training:detail", args=[case.traineeship_id]),
    )
    return case
