"""Competitive selection, decided jointly by university and hospital: applications, the
committee, blind scoring on a rubric, the decision approved by both chairs, and the offer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CefrLevel(models.TextChoices):
    """Dutch proficiency. B2+ sits between B2 and C1 (NT2 State Exam Programme II is B2)."""

    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    B2_PLUS = "B2+", "B2+"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Dutch as first language")


CEFR_ORDER = {level: rank for rank, level in enumerate(CefrLevel.values)}


class DutchEvidence(models.TextChoices):
    NT2_II = "nt2_ii", _("NT2 State Exam Programme II certificate")
    CERTIFICATE = "certificate", _("Another language certificate")
    DUTCH_DEGREE = "dutch_degree", _("A Dutch-taught degree")
    FIRST_LANGUAGE = "first_language", _("Dutch is my first language")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INELIGIBLE = "ineligible", _("Not eligible")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INTERVIEW = "interview", _("Invited to interview")
    OFFERED = "offered", _("Offer made")
    ACCEPTED = "accepted", _("Offer accepted")
    DECLINED = "declined", _("Offer declined")
    REJECTED = "rejected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which the committee still considers the candidate.
IN_PROCEDURE = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.OFFERED,
    }
)
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.DRAFT: frozenset(
        {ApplicationStatus.SUBMITTED, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.INELIGIBLE: frozenset(
        {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.SUBMITTED: frozenset(
        {
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.INTERVIEW,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.SHORTLISTED: frozenset(
        {
            ApplicationStatus.INTERVIEW,
            ApplicationStatus.OFFERED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.INTERVIEW: frozenset(
        {ApplicationStatus.OFFERED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.OFFERED: frozenset(
        {ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.ACCEPTED: frozenset(),
    ApplicationStatus.DECLINED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}


def document_path(instance: Application, filename: str) -> str:
    return f"private/applications/{instance.position_id}/{uuid.uuid4().hex}.pdf"


class Application(models.Model):
    position = models.ForeignKey(
        "positions.Position",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("position"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    # Personal details
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city = models.CharField(_("place of residence"), max_length=100, blank=True)
    # Documents (PDF, private)
    cv = models.FileField(_("CV"), upload_to=document_path, blank=True, max_length=300)
    motivation = models.FileField(
        _("motivation letter"), upload_to=document_path, blank=True, max_length=300
    )
    diploma = models.FileField(
        _("master's diploma or transcript"), upload_to=document_path, blank=True, max_length=300
    )
    dutch_evidence = models.FileField(
        _("proof of Dutch"), upload_to=document_path, blank=True, max_length=300
    )
    # Master's degree
    master_field = models.CharField(_("field of the master's degree"), max_length=200, blank=True)
    master_university = models.CharField(
        _("university of the master's degree"), max_length=200, blank=True
    )
    master_date = models.DateField(
        _("date of the master's degree (or expected date)"), null=True, blank=True
    )
    master_completed = models.BooleanField(_("I have completed the master's degree"), default=False)
    # Dutch
    dutch_level = models.CharField(
        _("level of Dutch (CEFR)"), max_length=8, choices=CefrLevel.choices, blank=True
    )
    dutch_evidence_kind = models.CharField(
        _("evidence of Dutch"), max_length=20, choices=DutchEvidence.choices, blank=True
    )
    dutch_certificate_date = models.DateField(_("date of the certificate"), null=True, blank=True)
    # Data protection (recruitment code)
    keep_for_a_year = models.BooleanField(
        _("keep my data for up to one year for future positions"), default=False
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # Procedure
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    eligibility_problems = models.JSONField(default=list, blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    admitted_reason = models.TextField(_("reason for admitting"), blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    data_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "applicant"], name="application_once_per_position"
            )
        ]
        indexes = [models.Index(fields=["position", "status"], name="application_status_idx")]

    def __str__(self) -> str:
        return f"{self.applicant} — {self.position}"

    def can_become(self, status: str) -> bool:
        return status in APPLICATION_TRANSITIONS[self.status]

    @property
    def is_in_procedure(self) -> bool:
        return self.status in IN_PROCEDURE

    @property
    def documents(self) -> list[tuple[str, models.FieldFile]]:
        return [
            (name, getattr(self, name))
            for name in ("cv", "motivation", "diploma", "dutch_evidence")
            if getattr(self, name)
        ]


class Side(models.TextChoices):
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("Hospital")


class CommitteeMember(models.Model):
    """A member of a position's selection committee, from the university or the hospital."""

    position = models.ForeignKey(
        "positions.Position", on_delete=models.CASCADE, related_name="committee"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    is_chair = models.BooleanField(_("chair"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["side", "-is_chair", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["position", "user"], name="committee_member_once"),
            models.UniqueConstraint(
                fields=["position", "side"],
                condition=Q(is_chair=True),
                name="committee_one_chair_per_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_side_display()})"


class ConflictOfInterest(models.Model):
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.TextField(_("reason"), max_length=2000)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "application"], name="conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.application_id}"


class StageKind(models.TextChoices):
    SCREENING = "screening", _("Screening")
    INTERVIEW = "interview", _("Interview")
    DECISION = "decision", _("Decision")


class Stage(models.Model):
    """A stage of a position's procedure, with its rubric (the criteria)."""

    position = models.ForeignKey(
        "positions.Position", on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("disagreement threshold"),
        default=2,
        help_text=_("Scores on one criterion that differ by this much or more are highlighted."),
    )

    class Meta:
        ordering = ["position", "order"]
        constraints = [
            models.UniqueConstraint(fields=["position", "kind"], name="stage_once_per_position")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Criterion(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(default=1)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    #: What each score means: {"1": "...", ..., "5": "..."} per language.
    anchors_nl = models.JSONField(default=dict, blank=True)
    anchors_en = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["stage", "order"]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_nl if language == "nl" else self.name_en

    def anchors(self, language: str) -> dict[str, str]:
        return self.anchors_nl if language == "nl" else self.anchors_en


class ScoreSheet(models.Model):
    """One member's scores for one candidate in one stage. Until submitted, nobody else sees it;
    until the member has submitted their own, they see nobody else's."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="sheets")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="score_sheets"
    )
    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="sheets")
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "application", "member"], name="sheet_once")
        ]
        indexes = [
            models.Index(fields=["application", "stage"], name="sheet_application_stage_idx")
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.application_id} / {self.stage}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()
    justification = models.TextField(max_length=5000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once"),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=5), name="score_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Interview(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("place or video link"), max_length=500)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    uid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.application} — {self.starts_at:%Y-%m-%d %H:%M}"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting both chairs")
    APPROVED = "approved", _("Approved by both chairs")
    BLOCKED = "blocked", _("Blocked")


class Decision(models.Model):
    """The committee's proposal: an offer to one candidate, a ranked reserve list, a rationale.
    The offer goes out only when both chairs have approved."""

    position = models.ForeignKey(
        "positions.Position", on_delete=models.CASCADE, related_name="decisions"
    )
    candidate = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    reserves = models.JSONField(default=list, blank=True)  # application ids, best first
    rationale = models.TextField(_("rationale"), max_length=10000)
    offer_deadline = models.DateField(_("answer the offer by"))
    status = models.CharField(
        max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    university_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    university_approved_at = models.DateTimeField(null=True, blank=True)
    hospital_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hospital_approved_at = models.DateTimeField(null=True, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    blocked_at = models.DateTimeField(null=True, blank=True)
    blocked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.position} — {self.get_status_display()}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the candidate")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class Offer(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="offers")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    deadline = models.DateField(_("answer by"))
    status = models.CharField(
        max_length=20, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    made_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(status="pending"),
                name="one_pending_offer_per_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_status_display()}"


class ReasonRequest(models.Model):
    """A candidate who was not selected may ask for the reasons (recruitment code)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="reason_request"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.application}"
