"""The traineeship: two years in the hospital, from an accepted offer to graduation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qme.organisations.models import Organisation


class TraineeshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_LEAVE = "on_leave", _("On leave")
    EXTENDED = "extended", _("Extended")
    DISCONTINUED = "discontinued", _("Discontinued")
    COMPLETED = "completed", _("Completed")


class Traineeship(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="traineeships",
        verbose_name=_("trainee"),
    )
    position = models.OneToOneField(
        "positions.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="traineeship",
        verbose_name=_("position"),
    )
    hospital = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="traineeships",
        verbose_name=_("hospital"),
    )
    university = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("university")
    )
    start_date = models.DateField(_("start date"))
    expected_end_date = models.DateField(_("expected end date"))
    university_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("university supervisor"),
    )
    hospital_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hospital supervisor"),
    )
    medical_doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medical doctor"),
    )
    design_project_title = models.CharField(_("design project"), max_length=200, blank=True)
    curriculum = models.ForeignKey(
        "Curriculum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="traineeships",
        verbose_name=_("cohort rules"),
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TraineeshipStatus.choices,
        default=TraineeshipStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: The planned end of the earliest item of the approved plan that is not signed off yet
    #: (None: nothing open). Kept by training.services.refresh_next_due whenever a plan is
    #: approved or an item signed off, so that "has late items" is a comparison with today
    #: instead of a scan of every plan item and record.
    next_due_on = models.DateField(_("next item due"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("traineeship")
        verbose_name_plural = _("traineeships")
        ordering = ["-start_date", "id"]
        indexes = [
            # The lists (pages and API) show the latest start first: the first page is read from
            # this index instead of sorting every traineeship there ever was.
            models.Index(fields=["start_date"], name="traineeship_start_idx")
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.hospital.display_name}"


# --- The curriculum: a catalogue, and requirements versioned per cohort ---


class ItemKind(models.TextChoices):
    DESIGN_PROJECT = "design_project", _("Design project")
    COURSE = "course", _("Course")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")
    CLINICAL_PROJECT = "clinical_project", _("Clinical project")


class CatalogueItem(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    ec = models.DecimalField(_("EC"), max_digits=5, decimal_places=1)
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=[("in_person", _("In person")), ("online", _("Online")), ("blended", _("Blended"))],
        default="in_person",
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue")
        ordering = ["kind", "title_en"]

    def __str__(self) -> str:
        return self.title_en

    def title(self, language: str) -> str:
        return self.title_nl if language == "nl" else self.title_en


class Edition(models.Model):
    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="editions")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    place = models.CharField(_("place"), max_length=200)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.item} ({self.starts_on:%Y-%m-%d})"


class Curriculum(models.Model):
    """The programme's requirements for one cohort (the year trainees start). A trainee keeps the
    rules of their cohort; new cohorts get a new version."""

    cohort_year = models.PositiveSmallIntegerField(_("cohort"), unique=True)
    total_ec = models.DecimalField(_("EC in total"), max_digits=5, decimal_places=1, default=120)
    design_project_ec = models.DecimalField(
        _("EC for the design project"), max_digits=5, decimal_places=1, default=60
    )
    course_ec = models.DecimalField(
        _("minimum EC for courses"), max_digits=5, decimal_places=1, default=30
    )
    clinical_project_ec = models.DecimalField(
        _("minimum EC for clinical projects"), max_digits=5, decimal_places=1, default=10
    )
    mandatory = models.ManyToManyField(
        CatalogueItem, blank=True, related_name="+", verbose_name=_("mandatory")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")
        ordering = ["-cohort_year"]

    def __str__(self) -> str:
        return str(self.cohort_year)

    def minimum_for(self, kind: str):
        return {
            ItemKind.DESIGN_PROJECT: self.design_project_ec,
            ItemKind.COURSE: self.course_ec,
            ItemKind.CLINICAL_PROJECT: self.clinical_project_ec,
        }.get(kind, 0)


# --- The individual training plan, in versions ---


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class TrainingPlan(models.Model):
    traineeship = models.ForeignKey(Traineeship, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    university_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    university_approved_at = models.DateTimeField(null=True, blank=True)
    hospital_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hospital_approved_at = models.DateTimeField(null=True, blank=True)
    change_note = models.TextField(_("what changed and why"), blank=True)

    class Meta:
        ordering = ["traineeship", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["traineeship", "version"], name="plan_version_once"),
            models.UniqueConstraint(
                fields=["traineeship"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="one_open_plan_per_traineeship",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.traineeship} v{self.version}"


class PlanItem(models.Model):
    """One component of a plan version. `key` stays the same across versions, so changes between
    versions and the record of completing the item follow it."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the catalogue"),
    )
    title = models.CharField(_("title"), max_length=200)
    ec = models.DecimalField(_("EC"), max_digits=5, decimal_places=1)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))

    class Meta:
        ordering = ["planned_start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_item_key_once"),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="plan_item_dates",
            ),
            models.CheckConstraint(condition=models.Q(ec__gt=0), name="plan_item_positive_ec"),
        ]

    def __str__(self) -> str:
        return self.title


class RecordStatus(models.TextChoices):
    RECORDED = "recorded", _("Waiting for sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    SENT_BACK = "sent_back", _("Sent back")


def evidence_path(instance: ItemRecord, filename: str) -> str:
    return f"private/evidence/{instance.traineeship_id}/{uuid.uuid4().hex}.pdf"


class ItemRecord(models.Model):
    """The trainee's record of completing a plan item, and its sign-off."""

    traineeship = models.ForeignKey(Traineeship, on_delete=models.CASCADE, related_name="records")
    item_key = models.UUIDField()
    title = models.CharField(max_length=200)
    completed_on = models.DateField(_("completed on"))
    grade = models.CharField(_("grade or result"), max_length=50, blank=True)
    evidence = models.FileField(
        _("evidence (PDF)"), upload_to=evidence_path, blank=True, max_length=300
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    status = models.CharField(
        max_length=20, choices=RecordStatus.choices, default=RecordStatus.RECORDED
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["traineeship", "item_key"], name="one_record_per_item")
        ]
        indexes = [
            # The sign-offs waiting on a supervisor's home page, oldest first: a few records
            # among all those ever signed off.
            models.Index(
                fields=["recorded_at", "id"],
                condition=models.Q(status="recorded"),
                name="record_waiting_idx",
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- The design project ---


class DesignProject(models.Model):
    traineeship = models.OneToOneField(
        Traineeship, on_delete=models.CASCADE, related_name="design_project"
    )
    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"), blank=True, max_length=10000)
    goals = models.TextField(_("goals"), blank=True, max_length=10000)
    clinical_partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clinical partner"),
    )

    def __str__(self) -> str:
        return self.title


DEFAULT_MILESTONES = [
    # (English, Dutch, months after the start)
    ("Project plan", "Projectplan", 2),
    ("Requirements", "Eisen", 4),
    ("Concept design", "Conceptontwerp", 8),
    ("Interim review", "Tussentijdse beoordeling", 12),
    ("Design report", "Ontwerprapport", 21),
    ("Final presentation", "Eindpresentatie", 23),
]


class Milestone(models.Model):
    project = models.ForeignKey(DesignProject, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField()
    title_en = models.CharField(max_length=200)
    title_nl = models.CharField(max_length=200)
    due_on = models.DateField(_("due"))
    reached_on = models.DateField(_("reached"), null=True, blank=True)

    class Meta:
        ordering = ["project", "order"]

    def __str__(self) -> str:
        return self.title_en


def deliverable_path(instance: Deliverable, filename: str) -> str:
    return f"private/deliverables/{instance.milestone_id}/{uuid.uuid4().hex}.pdf"


class Deliverable(models.Model):
    """A file handed in for a milestone. Each upload is a new version; none is overwritten."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="deliverables")
    version = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=deliverable_path, max_length=300)
    original_name = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["milestone", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "version"], name="deliverable_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.version}"


# --- Leave and extension ---


class LeaveKind(models.TextChoices):
    PARENTAL = "parental", _("Parental leave")
    SICK = "sick", _("Sick leave")
    OTHER = "other", _("Other leave")


class Leave(models.Model):
    traineeship = models.ForeignKey(Traineeship, on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField(_("kind"), max_length=20, choices=LeaveKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="leave_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Extension(models.Model):
    traineeship = models.ForeignKey(
        Traineeship, on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveIntegerField(_("days"))
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["granted_at"]

    def __str__(self) -> str:
        return f"+{self.days} days"
