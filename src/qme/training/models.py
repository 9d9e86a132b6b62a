"""The traineeship: two years in the hospital, from an accepted offer to graduation."""

from __future__ import annotations

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
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TraineeshipStatus.choices,
        default=TraineeshipStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("traineeship")
        verbose_name_plural = _("traineeships")
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.hospital.display_name}"
