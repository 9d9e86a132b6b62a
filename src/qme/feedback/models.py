"""Continuous, tight feedback: a versioned competency framework, feedback tagged with it, the
trainee's responses, and the cadence the programme expects from each side."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qme.training.models import Traineeship


class Area(models.TextChoices):
    CONTENT = "content", _("Content")
    PROFESSIONAL = "professional", _("Professional skills")


class Framework(models.Model):
    """A version of the competency framework. Feedback keeps the version it was given in."""

    version = models.PositiveSmallIntegerField(unique=True)
    is_current = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_framework",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    area = models.CharField(max_length=20, choices=Area.choices)
    order = models.PositiveSmallIntegerField()
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    anchors_nl = models.JSONField(default=dict, blank=True)
    anchors_en = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework", "area", "order"]
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_nl if language == "nl" else self.name_en


class Side(models.TextChoices):
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class Feedback(models.Model):
    traineeship = models.ForeignKey(Traineeship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=20, choices=Side.choices)
    subject = models.CharField(
        _("about"),
        max_length=200,
        blank=True,
        help_text=_("A plan item, a deliverable, a meeting — or leave empty for general feedback."),
    )
    competencies = models.ManyToManyField(
        Competency, related_name="feedback", verbose_name=_("competencies")
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    went_well = models.TextField(_("what went well"), max_length=5000)
    to_improve = models.TextField(_("what to improve"), max_length=5000)
    next_step = models.TextField(_("the agreed next step"), max_length=5000)
    given_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: The trainee has not been told of this entry yet: the worker's job `feedback-notices`
    #: notifies them and clears it (`services.send_feedback_notices`), so that giving feedback
    #: writes no notification, e-mail or task of its own.
    notice_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["traineeship", "side", "-given_at"], name="feedback_cadence_idx"),
            models.Index(
                fields=["id"],
                condition=models.Q(notice_pending=True),
                name="feedback_notice_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5),
                name="feedback_rating_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.traineeship} ({self.given_at:%Y-%m-%d})"


class Response(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class ProgrammeSettings(models.Model):
    """The programme's settings that the programme office configures (one row)."""

    university_interval_days = models.PositiveSmallIntegerField(
        _("feedback from the university at least every (days)"), default=28
    )
    hospital_interval_days = models.PositiveSmallIntegerField(
        _("feedback from the hospital at least every (days)"), default=28
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("a progress review every (months)"), default=3
    )
    go_no_go_month = models.PositiveSmallIntegerField(_("the go/no-go review in month"), default=9)

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")

    def __str__(self) -> str:
        return "Programme settings"

    @classmethod
    def current(cls) -> ProgrammeSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class CadenceReminder(models.Model):
    """That a reminder about missing feedback was sent, so that nobody is reminded twice for the
    same gap."""

    traineeship = models.ForeignKey(Traineeship, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=20, choices=Side.choices)
    escalated = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)
    last_feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["traineeship", "side", "escalated", "last_feedback_at"],
                name="reminder_once_per_gap",
            )
        ]

    def __str__(self) -> str:
        return f"{self.traineeship} {self.side}"


# --- Multisource feedback: anyone can be asked, through an expiring, single-use link ---


class Round(models.Model):
    """A round of multisource feedback that the trainee asks for."""

    traineeship = models.ForeignKey(
        Traineeship, on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_(
            "You see the answers only together, and only once at least three people have answered."
        ),
    )
    competencies = models.ManyToManyField(
        Competency, related_name="+", verbose_name=_("competencies")
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("answers possible until"))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class RespondentRole(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    DOCTOR = "doctor", _("Doctor")
    TECHNICIAN = "technician", _("Technician")
    PATIENT_REPRESENTATIVE = "patient_representative", _("Patients' representative")
    COLLEAGUE = "colleague", _("Colleague")
    OTHER = "other", _("Other")


class Request(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="requests")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=RespondentRole.choices)
    language = models.CharField(max_length=2, default="nl")
    sent_at = models.DateTimeField(default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="request_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.round})"


class Answer(models.Model):
    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="answer")
    ratings = models.JSONField(default=dict)  # competency id (as text) → 1–5
    went_well = models.TextField(max_length=5000)
    to_improve = models.TextField(max_length=5000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"Answer to {self.request}"


# --- Progress reviews and the go/no-go ---


class ReviewKind(models.TextChoices):
    PROGRESS = "progress", _("Progress review")
    GO_NO_GO = "go_no_go", _("Go/no-go review")


class Outcome(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Satisfactory")
    TARGETED_TRAINING = "targeted_training", _("Targeted training needed")
    EXTRA_TIME = "extra_time", _("Extra time needed")
    INCOMPLETE_EVIDENCE = "incomplete_evidence", _("Incomplete evidence")
    RELEASED = "released", _("Released from the programme")


class Review(models.Model):
    traineeship = models.ForeignKey(Traineeship, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    due_on = models.DateField(_("due"))
    period_start = models.DateField(_("period from"))
    self_assessment = models.TextField(_("self-assessment"), blank=True, max_length=10000)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    continue_training = models.BooleanField(_("go: the trainee continues"), null=True, blank=True)
    actions = models.TextField(_("agreed actions"), blank=True, max_length=10000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trainee_signed_at = models.DateTimeField(null=True, blank=True)
    university_signed_at = models.DateTimeField(null=True, blank=True)
    hospital_signed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["traineeship", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["traineeship", "kind", "due_on"], name="review_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d}"

    @property
    def is_signed(self) -> bool:
        return bool(
            self.trainee_signed_at and self.university_signed_at and self.hospital_signed_at
        )

    @property
    def is_final(self) -> bool:
        if self.kind == ReviewKind.GO_NO_GO:
            return self.is_signed and self.confirmed_at is not None
        return self.is_signed


# --- Assessing the design output on the EngD design criteria ---


class Part(models.TextChoices):
    ARTEFACT = "artefact", _("The designed artefact")
    PROCESS = "process", _("The design process")


class AssessmentRubric(models.Model):
    """A version of the EngD design criteria. Data: the programme office edits it; an assessment
    keeps the version it started with."""

    version = models.PositiveSmallIntegerField(unique=True)
    is_current = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class AssessmentCriterion(models.Model):
    rubric = models.ForeignKey(AssessmentRubric, on_delete=models.CASCADE, related_name="criteria")
    part = models.CharField(max_length=20, choices=Part.choices)
    aspect_en = models.CharField(max_length=100)
    aspect_nl = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()
    name_en = models.CharField(max_length=200)
    name_nl = models.CharField(max_length=200)
    indicators_en = models.TextField(blank=True)
    indicators_nl = models.TextField(blank=True)

    class Meta:
        ordering = ["rubric", "part", "order"]

    def __str__(self) -> str:
        return self.name_en


class DeliverableKind(models.TextChoices):
    DESIGN_REPORT = "design_report", _("Design report")
    FINAL_PRESENTATION = "final_presentation", _("Final presentation")
    ARTEFACT = "artefact", _("The designed artefact")


SCALE = {
    1: _("Fail"),
    2: _("Poor"),
    3: _("Sufficient"),
    4: _("Good"),
    5: _("Excellent"),
}


class Assessment(models.Model):
    traineeship = models.ForeignKey(
        Traineeship, on_delete=models.CASCADE, related_name="assessments"
    )
    rubric = models.ForeignKey(AssessmentRubric, on_delete=models.PROTECT, related_name="+")
    deliverable = models.CharField(
        _("what is assessed"), max_length=30, choices=DeliverableKind.choices
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    artefact_grade = models.PositiveSmallIntegerField(_("the artefact"), null=True, blank=True)
    process_grade = models.PositiveSmallIntegerField(_("the design process"), null=True, blank=True)
    rationale = models.TextField(
        _("rationale of the final judgement"), blank=True, max_length=10000
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["traineeship", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["traineeship", "deliverable"], name="assessment_once_per_deliverable"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_deliverable_display()} — {self.traineeship}"

    @property
    def is_sufficient(self) -> bool:
        return bool(
            self.agreed_at and (self.artefact_grade or 0) >= 3 and (self.process_grade or 0) >= 3
        )


class Assessor(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assessors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=20, choices=Side.choices)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="assessor_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.side})"


class AssessmentScore(models.Model):
    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True
    )  # None: does not apply to this project
    comment = models.TextField(blank=True, max_length=5000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessor", "criterion"], name="assessment_score_once"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True)
                | (models.Q(value__gte=1) & models.Q(value__lte=5)),
                name="assessment_score_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
