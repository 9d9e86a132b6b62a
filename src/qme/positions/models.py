"""A QME position exists only because a hospital asked for it: the request, its review by the
programme office, and the position that applicants find."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qme.organisations.models import Department, Organisation


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The allowed transitions of a position request, and nothing else.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.DRAFT: frozenset({RequestStatus.SUBMITTED, RequestStatus.WITHDRAWN}),
    RequestStatus.SUBMITTED: frozenset(
        {
            RequestStatus.CHANGES_REQUESTED,
            RequestStatus.APPROVED,
            RequestStatus.DECLINED,
            RequestStatus.WITHDRAWN,
        }
    ),
    RequestStatus.CHANGES_REQUESTED: frozenset({RequestStatus.SUBMITTED, RequestStatus.WITHDRAWN}),
    RequestStatus.APPROVED: frozenset(),
    RequestStatus.DECLINED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
}


class PositionRequest(models.Model):
    hospital = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="position_requests",
        verbose_name=_("hospital"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title of the design project"), max_length=200)
    clinical_problem = models.TextField(
        _("clinical problem"),
        blank=True,
        max_length=5000,
        help_text=_("The problem in the clinic that the design project addresses."),
    )
    project_outline = models.TextField(
        _("outline of the design project"), blank=True, max_length=10000
    )
    expected_result = models.TextField(
        _("result the hospital hopes for"), blank=True, max_length=5000
    )
    medical_doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medical doctor (clinical partner)"),
    )
    hospital_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hospital supervisor"),
    )
    intended_start = models.DateField(_("intended start"), null=True, blank=True)
    commits_employment = models.BooleanField(
        _("the trainee is employed by the institution for the two years"), default=False
    )
    commits_funding = models.BooleanField(_("funding is confirmed"), default=False)
    commits_workplace = models.BooleanField(
        _("a workplace, and time for courses, are provided"), default=False
    )
    training_climate = models.TextField(
        _("training climate"),
        blank=True,
        max_length=5000,
        help_text=_(
            "Who is around to learn from: clinical physicists, engineers, doctors, researchers."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    submission_count = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    # The decision of the programme office.
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reasons"), blank=True)
    university = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible university"),
    )
    university_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("university supervisor"),
    )

    class Meta:
        verbose_name = _("position request")
        verbose_name_plural = _("position requests")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["hospital", "status"], name="request_hospital_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)

    def can_become(self, status: str) -> bool:
        return status in REQUEST_TRANSITIONS[self.status]


def attachment_path(instance: RequestAttachment, filename: str) -> str:
    return f"private/requests/{instance.request_id}/{uuid.uuid4().hex}.pdf"


class RequestAttachment(models.Model):
    request = models.ForeignKey(
        PositionRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class RequestComment(models.Model):
    """The conversation about a request: the programme office asks, the coordinator answers."""

    request = models.ForeignKey(PositionRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=5000)
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    is_change_request = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class PositionStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet published")
    OPEN = "open", _("Open for applications")
    SELECTION = "selection", _("Selection")
    FILLED = "filled", _("Filled")
    IN_TRAINING = "in_training", _("In training")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


POSITION_TRANSITIONS: dict[str, frozenset[str]] = {
    PositionStatus.DRAFT: frozenset({PositionStatus.OPEN, PositionStatus.CANCELLED}),
    PositionStatus.OPEN: frozenset({PositionStatus.SELECTION, PositionStatus.CANCELLED}),
    PositionStatus.SELECTION: frozenset(
        {PositionStatus.OPEN, PositionStatus.FILLED, PositionStatus.CANCELLED}
    ),
    PositionStatus.FILLED: frozenset({PositionStatus.IN_TRAINING}),
    PositionStatus.IN_TRAINING: frozenset({PositionStatus.COMPLETED}),
    PositionStatus.COMPLETED: frozenset(),
    PositionStatus.CANCELLED: frozenset({PositionStatus.OPEN}),
}


class PositionQuerySet(models.QuerySet["Position"]):
    def open_for_applications(self) -> PositionQuerySet:
        return self.filter(
            status=PositionStatus.OPEN, application_deadline__gte=timezone.localdate()
        )


class Position(models.Model):
    request = models.OneToOneField(
        PositionRequest, on_delete=models.PROTECT, related_name="position"
    )
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="positions", verbose_name=_("hospital")
    )
    university = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="university_positions",
        verbose_name=_("university"),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), max_length=10000)
    description_en = models.TextField(_("description (English)"), max_length=10000)
    requirements_nl = models.TextField(
        _("what the applicant must bring (Dutch)"), max_length=5000, blank=True
    )
    requirements_en = models.TextField(
        _("what the applicant must bring (English)"), max_length=5000, blank=True
    )
    start_date = models.DateField(_("start date"))
    application_deadline = models.DateField(_("application deadline"))
    required_dutch_level = models.CharField(
        _("required level of Dutch (CEFR)"),
        max_length=8,
        default="B2+",
        choices=[("B2", "B2"), ("B2+", "B2+"), ("C1", "C1"), ("C2", "C2")],
    )
    procedure_ended_at = models.DateTimeField(
        _("selection procedure ended"),
        null=True,
        blank=True,
        help_text=_(
            "When the position was filled or cancelled; applicant data is deleted after it."
        ),
    )
    contact_name = models.CharField(
        _("public contact name"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the public page only if filled in."),
    )
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PositionStatus.choices,
        default=PositionStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["application_deadline", "id"]
        indexes = [
            models.Index(fields=["status", "application_deadline"], name="position_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(application_deadline__lte=models.F("start_date")),
                name="position_deadline_before_start",
            )
        ]

    STATUS_TRANSITIONS: ClassVar = POSITION_TRANSITIONS

    def __str__(self) -> str:
        return self.title_en or self.title_nl

    def title(self, language: str) -> str:
        return self.title_nl if language == "nl" else self.title_en

    def description(self, language: str) -> str:
        return self.description_nl if language == "nl" else self.description_en

    def requirements(self, language: str) -> str:
        return self.requirements_nl if language == "nl" else self.requirements_en

    def can_become(self, status: str) -> bool:
        return status in POSITION_TRANSITIONS[self.status]

    @property
    def is_open_for_applications(self) -> bool:
        return (
            self.status == PositionStatus.OPEN and self.application_deadline >= timezone.localdate()
        )
