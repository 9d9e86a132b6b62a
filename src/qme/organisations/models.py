"""Organisations of the programme (universities, hospitals, other care institutions), their
departments, and the roles people hold in them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The twelve provinces of the Netherlands."""

    GRONINGEN = "GR", "Groningen"
    FRIESLAND = "FR", "Friesland"
    DRENTHE = "DR", "Drenthe"
    OVERIJSSEL = "OV", "Overijssel"
    FLEVOLAND = "FL", "Flevoland"
    GELDERLAND = "GE", "Gelderland"
    UTRECHT = "UT", "Utrecht"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"
    ZEELAND = "ZE", "Zeeland"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    LIMBURG = "LI", "Limburg"


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("Hospital")
    CARE_INSTITUTION = "care_institution", _("Other care institution")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def universities(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.UNIVERSITY)

    def care_providers(self) -> OrganisationQuerySet:
        return self.exclude(kind=OrganisationKind.UNIVERSITY)

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("province"), max_length=2, choices=Region.choices)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive organisations keep their history.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "region"], name="org_kind_region_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_university(self) -> bool:
        return self.kind == OrganisationKind.UNIVERSITY

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Department(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="department_unique_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.display_name})"


class RoleKind(models.TextChoices):
    PROGRAMME_OFFICE = "programme_office", _("Programme office")
    HOSPITAL_COORDINATOR = "hospital_coordinator", _("Hospital coordinator")
    MEDICAL_DOCTOR = "medical_doctor", _("Medical doctor")
    HOSPITAL_SUPERVISOR = "hospital_supervisor", _("Hospital supervisor")
    UNIVERSITY_SUPERVISOR = "university_supervisor", _("University supervisor")
    COMMITTEE_MEMBER = "committee_member", _("Selection committee member")
    EXAMINATION_BOARD = "examination_board", _("Examination board member")
    TRAINEE = "trainee", _("Trainee")


#: Which kind of organisation each role belongs to.
UNIVERSITY_ROLES = frozenset(
    {
        RoleKind.PROGRAMME_OFFICE,
        RoleKind.UNIVERSITY_SUPERVISOR,
        RoleKind.EXAMINATION_BOARD,
    }
)
CARE_ROLES = frozenset(
    {
        RoleKind.HOSPITAL_COORDINATOR,
        RoleKind.MEDICAL_DOCTOR,
        RoleKind.HOSPITAL_SUPERVISOR,
        RoleKind.TRAINEE,
    }
)


class RoleQuerySet(models.QuerySet["Role"]):
    def current(self) -> RoleQuerySet:
        today = timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)


class Role(models.Model):
    """A person holds a role in an organisation, for a period. One person may hold many."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="roles", verbose_name=_("organisation")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="roles",
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    kind = models.CharField(_("role"), max_length=30, choices=RoleKind.choices)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "kind"], name="role_unique_per_person_organisation"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind"], name="role_org_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.organisation.display_name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.organisation_id:
            org = self.organisation
            if self.kind in UNIVERSITY_ROLES and not org.is_university:
                errors["organisation"] = _("This role is held at a university.")
            if self.kind in CARE_ROLES and org.is_university:
                errors["organisation"] = _("This role is held at a hospital or care institution.")
            if self.department_id and self.department.organisation_id != self.organisation_id:
                errors["department"] = _("Choose a department of the same organisation.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)
